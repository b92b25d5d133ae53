"""Counts in English sentences: ``1 product``, ``1,441 products``, never ``product(s)``."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` with thousands separators and `noun` in its number: ``plural`` (default `noun` +
    ``s``) for any count but 1.

    >>> counted(1, "customer"), counted(1441, "product"), counted(0, "line")
    ('1 customer', '1,441 products', '0 lines')
    >>> counted(2, "row", "rows")
    '2 rows'
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def noun_for(n: int, noun: str, plural: str | None = None) -> str:
    """`noun` in the number of `n`, without the count: for the list that follows it.

    >>> noun_for(1, "column"), noun_for(2, "column"), noun_for(3, "campaign")
    ('column', 'columns', 'campaigns')
    """
    return noun if n == 1 else plural or noun + "s"

"""The ``{name:id}`` route parameter: a shop's id in a URL, slashes included.

A customer id such as ``AB/123`` is sent as ``AB%2F123``, which the server decodes to
``AB/123`` before routing, so the default parameter (one path segment) never matches it.
Starlette's ``:path`` takes slashes but not a line break (``.*``), so an id with a ``%0A``
would become a bare 404 instead of the handler's clear 422: ``:id`` takes any character, and a
route's fixed suffix (``/offer``) still ends the match. The dashboard's campaign page takes
``:id`` too: with ``:path`` a campaign id with a line break (``spring%0A2026``) got a bare 404,
and ``spring%0D%0A`` asked for ``spring\r``.

:func:`shown_id` writes such an id on a page: its control and invisible characters escaped
(``spring\n2026``), where the raw character would read as a space or nothing.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


def shown_id(value: str) -> str:
    """`value` with each character that is not printable written as its escape
    (``spring\n2026``, ``x\x00y``, ``a\u200bb``); Chinese and spaces as they are."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


class IdConvertor(Convertor[str]):
    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())

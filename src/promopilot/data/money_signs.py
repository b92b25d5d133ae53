"""The currency sign a shop's own files write money with (``$59.00``, ``¥1,299.00``, a
currency cell ``$``), read at ingest and kept on the file's ``ingests`` record: customers'
messages write prices with it where no currency code is known (``data.currency.message_sign``),
so a shop whose prices say ``$`` gets ``$`` and not a sign its data never named.

It is a sign, not a currency: ``$`` is written for USD, CAD, AUD and more, ``¥`` for CNY and
JPY, so none of them is read as a code here (``data.currency`` reads codes)."""

from __future__ import annotations

from promopilot.data.schema import MONEY, TableSpec
from promopilot.data.store import Store, sql_str

# the characters a money cell may carry and the sign each is written as (the full-width ￥ of
# GBK files is ¥): the one table, number_text.CURRENCY_SIGNS (the characters number_sql drops)
# is its keys. Its order is the CASE's in sign_sql: a cell holding two signs gives the first
SIGN_OF = {"$": "$", "¥": "¥", "￥": "¥", "€": "€", "£": "£", "元": "元"}
# a currency cell that is a sign and not a code (data.currency keeps ¥ and $ as they are)
CELL_SIGNS = ("$", "¥")


def sign_sql(spec: TableSpec, present: set[str], currency_cell: str | None) -> str | None:
    """SQL over a staged row (its raw texts ``r_<column>``): the sign the row's money cells
    (price, cost, unit_price, discount, an offer's min_spend) write, else its currency cell
    `currency_cell` (``_currency``) where that is ``$`` or ``¥``; NULL for none. None where the
    file has no such column."""
    cells = [f"r_{c.name}" for c in spec.columns if c.limit == MONEY and c.name in present]
    whens = [
        f"WHEN contains({cell}, {sql_str(char)}) THEN {sql_str(sign)}"
        for cell in cells
        for char, sign in SIGN_OF.items()
    ]
    if currency_cell is not None:
        whens += [
            f"WHEN {currency_cell} = {sql_str(sign)} THEN {sql_str(sign)}" for sign in CELL_SIGNS
        ]
    return f"CASE {' '.join(whens)} END" if whens else None


def staged_sign(store: Store, stage: str) -> str | None:
    """The sign most of the staged lines that are kept write (ties: the earliest line's); None
    where none writes one."""
    if "_sign" not in store.columns(stage):
        return None
    value = store.scalar(
        f"SELECT _sign FROM {stage} WHERE _err IS NULL AND _sign IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, min(_row) LIMIT 1"
    )
    return None if value is None else str(value)


def stored_sign(store: Store) -> str | None:
    """The sign the shop's files write money with, as the latest ingest that read one
    recorded; None where none did (or in a store made before signs were read, opened
    read-only)."""
    if "sign" not in store.columns("ingests"):
        return None
    value = store.scalar(
        "SELECT sign FROM ingests WHERE sign IS NOT NULL ORDER BY ingest_id DESC LIMIT 1"
    )
    return None if value is None else str(value)

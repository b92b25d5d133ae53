"""The currency sign a shop's own files write money with (``$59.00``, ``¥1,299.00``, a
currency cell ``$``), read at ingest and kept on the file's ``ingests`` record: customers'
messages write prices with it where no currency code is known (``data.currency.message_sign``),
so a shop whose prices say ``$`` gets ``$`` and not a sign its data never named. Where its
files write more than one (``$`` one month, ``€`` the next) none is the shop's: messages show
amounts bare and ``ingest`` and ``send`` say so (:func:`mixed_signs`).

It is a sign, not a currency: ``$`` is written for USD, CAD, AUD and more, ``¥`` for CNY and
JPY, so none of them is read as a code here (``data.currency`` reads codes)."""

from __future__ import annotations

from promopilot.data.currency import shop_currency
from promopilot.data.schema import MONEY, TableSpec
from promopilot.data.store import Store, sql_str

# the characters a money cell may carry and the sign each is written as (the full-width ￥ of
# GBK files is ¥): the one table, number_text.CURRENCY_SIGNS (the characters number_sql drops)
# is its keys. Its order is the CASE's in sign_sql: a cell holding two signs gives the first
SIGN_OF = {"$": "$", "¥": "¥", "￥": "¥", "€": "€", "£": "£", "元": "元"}
# how a shop whose messages show no sign gets one (ingest's and send's lines say it)
SET_ONE = (
    'set the shop\'s currency code (currency = "EUR", "USD", ...) under [promopilot] in '
    "promopilot.toml to show its sign"
)
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


def staged_signs(store: Store, stage: str) -> str | None:
    """The signs the staged lines that are kept write, each once, most common first (ties: the
    earliest line's), joined by a space (``$ €``): what the file's ``ingests`` record keeps;
    None where none writes one."""
    if "_sign" not in store.columns(stage):
        return None
    value = store.scalar(
        "SELECT string_agg(_sign, ' ' ORDER BY n DESC, first) FROM (SELECT _sign, "
        f"count(*) AS n, min(_row) AS first FROM {stage} WHERE _err IS NULL "
        "AND _sign IS NOT NULL GROUP BY 1)"
    )
    return None if value is None else str(value)


def stored_signs(store: Store) -> list[str]:
    """Every sign the shop's files write money with, each once, in the order the ingests
    recorded them (the first file's first); [] where none did (or in a store made before signs
    were read, opened read-only)."""
    if "sign" not in store.columns("ingests"):
        return []
    recorded = store.query("SELECT sign FROM ingests WHERE sign IS NOT NULL ORDER BY ingest_id")
    return list(dict.fromkeys(" ".join(map(str, recorded["sign"])).split()))


def stored_sign(store: Store) -> str | None:
    """The sign the shop's files write money with where they all write the same one; None
    where none does, or where they write more than one (``$`` in one month's orders, ``€`` in
    the next: which is the shop's is not guessed, :func:`mixed_signs` says so)."""
    signs = stored_signs(store)
    return signs[0] if len(signs) == 1 else None


def money_currency(store: Store) -> str | None:
    """What the figures of ``summary``, ``plan``, ``report``, ``evaluate-policy`` and the
    dashboard write money with: the shop's currency (:func:`~promopilot.data.currency.
    shop_currency`: a code, or a currency cell's sign), else the one sign its files write money
    with (:func:`stored_sign`: ``¥`` for prices written ``￥89`` or ``¥89``, ``$`` for
    ``$59.00``), as its messages write prices; None (bare amounts) where neither is known or
    the files write more than one. The CSVs' ``currency`` column stays the shop's currency
    only: a sign read off prices is not a currency."""
    return shop_currency(store) or stored_sign(store)


def both(signs: list[str]) -> str:
    """``both $ and €``, ``$, € and £``: the signs of files that disagree, in words."""
    listed = " and ".join([", ".join(signs[:-1]), signs[-1]])
    return f"both {listed}" if len(signs) == 2 else listed


def mixed_signs(signs: list[str]) -> str:
    """Why messages show no sign where the shop's files write money with more than one
    (`signs`: :func:`stored_signs`) and no currency is known: the words ``ingest`` and
    ``send`` print; "" for one sign or none."""
    if len(signs) < 2:
        return ""
    mixed = f"the shop's files write money with {both(signs)}, so none is taken as the shop's"
    return f"{mixed}; {SET_ONE}"


def ingest_note(store: Store) -> str:
    """The line ``ingest`` prints where the shop's files (all of the store's, this ingest's
    too) write money with more than one sign and no currency is known; "" otherwise."""
    if shop_currency(store):  # messages write its sign: the files' signs are not read
        return ""
    mixed = mixed_signs(stored_signs(store))
    return f"prices in messages: no currency sign ({mixed})" if mixed else ""

"""The shop's currency: read from an orders file's currency column at ingest (one currency per
store: lines in another are quarantined), kept on the file's ``ingests`` record, and shown
next to every sum of money (:func:`with_currency`).

Which currency is the shop's, in this order: the ``currency`` setting (``promopilot.toml``,
``PROMOPILOT_CURRENCY``); else the one an earlier ingest recorded; else the file's most common
(ties: the one seen first). Where none is known money is shown as it always was, bare.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from promopilot.config import CURRENCY_MAX, CURRENCY_NAMES, currency_code, load_settings
from promopilot.data.cells import cells_of
from promopilot.data.sql import cell_text, ident
from promopilot.data.store import Store, sql_str
from promopilot.exceptions import InputError

# an orders file's column naming each line's currency (Shopify, WooCommerce, Chinese back
# offices); names are compared as synonyms are (case, spaces, ``_``, ``-`` and ``.`` ignored)
CURRENCY_COLUMNS = (
    "currency",
    "ordercurrency",
    "currencycode",
    "币种",
    "货币",
    "结算币种",
    "交易币种",
    "货币类型",
)

# the signs CNY and JPY both write: a currency cell holding one is read only with a hint
YEN_SIGNS = ("¥", "￥")
YEN = "¥"  # how such a cell is kept where nothing tells which currency it is
YEN_REASON = (
    '¥ is written for both CNY and JPY: not guessed; set currency = "CNY" or "JPY" '
    "in promopilot.toml"
)


@dataclass(frozen=True)
class YenReading:
    """What a file's ``¥`` cells are: `code` (None: not guessed), whether it has any
    (`present`), and why they were read so (`why`)."""

    code: str | None
    present: bool
    why: str

    def note(self, column: str) -> str:
        """The ingest note on them; "" for a file without any."""
        if not self.present:
            return ""
        if self.code:
            return f"{column}: ¥ read as {self.code} ({self.why})"
        return f"{column}: {YEN_REASON}"


# the sign messages show for a currency code (send's ``[send] currency`` when it is unset);
# any other code is written after the amount (``12 CHF``). Where no code is known messages
# write the sign the shop's files do (data.money_signs), else none: never one the data and
# the settings do not name (a UK shop told "¥10 off")
SIGNS = {"EUR": "€", "GBP": "£", "USD": "$", "CNY": "¥", "JPY": "¥"}
# the signs a currency code is written with, as a currency cell or a store kept before a code
# was set may hold them: with the shop's code known (the setting, the store's) a cell ``$``
# in a USD shop is USD and ``￥`` in a CNY shop CNY, not another currency; ``$`` in a EUR shop
# still is one (quarantined, refused). ``$`` and ``¥`` name no code on their own
WRITTEN_AS = {
    **dict.fromkeys(("USD", "CAD", "AUD", "NZD", "SGD", "TWD", "MXN"), ("$",)),
    "HKD": ("$", "HK$"),
    "EUR": ("€",),
    "GBP": ("£",),
    "CNY": ("¥", "￥", "元"),
    "JPY": ("¥", "￥", "円"),
}


def written_as(sign: str | None, code: str | None) -> bool:
    """Whether `sign` (a currency cell, a store's kept currency) is how the currency `code` is
    written: ``$`` for USD, ``￥`` for CNY; a code is its own."""
    if not sign or not code:
        return False
    return sign.strip().upper() == code or sign.strip() in WRITTEN_AS.get(code, ())


def _normalize(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in " _-.")


def currency_column(raw_columns: list[str]) -> str | None:
    """The file's currency column (``Currency``, ``币种``, ...), where it has one."""
    by_norm = {_normalize(str(c)): str(c) for c in raw_columns}
    return next((by_norm[n] for n in CURRENCY_COLUMNS if n in by_norm), None)


def code_sql(column: str, yen: str | None = None, shop: str | None = None) -> str:
    """SQL: the currency code of a cell of `column` (trimmed, upper-cased, ``人民币`` and
    ``€`` read as CNY and EUR); NULL when blank. ``¥`` and ``￥`` are `yen` where it is known
    (:func:`yen_reading`), else ``¥``: CNY and JPY both write it. A sign the `shop`'s code is
    written with (:data:`WRITTEN_AS`: ``$`` in a USD shop) is that code."""
    text = f"upper({cell_text(column)})"
    names = {**CURRENCY_NAMES, **dict.fromkeys(YEN_SIGNS, yen or YEN)}
    names.update(dict.fromkeys(WRITTEN_AS.get(shop or "", ()), shop))
    cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in names.items())
    return f"CASE {text} {cases} ELSE {text} END"


def _script(text: str) -> tuple[bool, bool]:
    """Whether `text` holds CJK ideographs (``币种``, ``人民币``), and whether Japanese kana."""
    names = [unicodedata.name(ch, "") for ch in text]
    kana = any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names)
    return any(n.startswith("CJK UNIFIED") for n in names), kana


def yen_reading(
    store: Store, source: str, column: str, raw_columns: list[str], shop: str | None
) -> YenReading:
    """What a currency cell ``¥`` or ``￥`` of `column` in the file (`source`) stands for. CNY
    and JPY both write it, so it is read only with a hint, in this order: the `shop`'s
    currency (:func:`shop_currency`: the setting, else the store's) where that is CNY or JPY;
    the file's other currency cells
    where they name one of the two (``人民币``, ``RMB``, ``JPY``, ``日元``); Chinese in the other
    cells or the headers (``币种``), without Japanese kana: CNY. Else it is not guessed."""
    quoted = ident(column)
    cells = [
        str(v)
        for v in store.query(
            f"SELECT DISTINCT trim(CAST({quoted} AS VARCHAR)) AS v FROM {source} "
            f"WHERE {cell_text(quoted)} IS NOT NULL LIMIT 100"
        )["v"]
    ]
    if not any(c in YEN_SIGNS for c in cells):
        return YenReading(None, False, "")
    if shop in ("CNY", "JPY"):
        return YenReading(shop, True, f"the shop's currency is {shop}")
    if shop:
        return YenReading(None, True, "")
    others = [c for c in cells if c not in YEN_SIGNS]
    named = {currency_code(c) for c in others} & {"CNY", "JPY"}
    if len(named) == 1:
        return YenReading(named.pop(), True, "the file's other currency cells")
    hanzi, kana = _script(" ".join([*others, *map(str, raw_columns)]))
    if hanzi and not kana:
        return YenReading("CNY", True, "the file is in Chinese")
    return YenReading(None, True, "")


def stored_currency(store: Store) -> str | None:
    """The currency the store's orders are in, as the latest ingest that read one recorded
    (None in a store made before currencies were read, opened read-only)."""
    if "currency" not in store.columns("ingests"):
        return None
    value = store.scalar(
        "SELECT currency FROM ingests WHERE currency IS NOT NULL ORDER BY ingest_id DESC LIMIT 1"
    )
    return None if value is None else str(value)


def setting() -> str:
    """The ``currency`` setting as a code, "" when unset."""
    return currency_code(load_settings().currency) or ""


def shop_currency(store: Store) -> str | None:
    """The currency money is shown in: the setting, else the store's; None when unknown."""
    return setting() or stored_currency(store)


def message_sign(sign: str, currency: str | None, written: str | None = None) -> str:
    """The sign messages write prices with: `sign` (``[send] currency``) where it is set, else
    the one of the shop's `currency` (EUR €, GBP £, USD $, CNY and JPY ¥, any other its code),
    else the one its files write money with (`written`, :func:`promopilot.data.money_signs.
    stored_sign`: ``$`` for prices written ``$59.00``), else none ("": bare amounts)."""
    if sign:
        return sign
    if currency:
        return SIGNS.get(currency, currency)
    return written or ""


def sign_agrees(sign: str, currency: str | None) -> bool:
    """Whether messages' `sign` fits the shop's `currency` code (true where that is unknown):
    ``€``, ``EUR`` and ``eur`` fit EUR; ``¥`` and ``￥`` fit CNY and JPY; ``RMB`` and ``元`` fit
    CNY; ``$`` fits USD (:data:`WRITTEN_AS`)."""
    if not currency:
        return True
    return written_as(sign, currency) or currency_code(sign) == currency


def stage_part(column: str, yen: str | None = None, shop: str | None = None) -> str:
    """The staged column ``_currency``: each line's currency code, from `column` (``¥`` read
    as `yen` where that is known, a sign of the `shop`'s code as that code: ``$`` in USD)."""
    quoted = ident(column)
    return f"{code_sql(quoted, yen, shop)} AS _currency"


def kept_currency(
    store: Store, inner: str, label: str, wanted: str, stored: str | None
) -> str | None:
    """The currency a file's lines are kept in (`inner`: the staging SELECT, with
    ``_currency`` and ``_row``): `wanted` (the setting, :func:`setting`; "" when unset), else
    `stored` (the store's, :func:`stored_currency`), else the file's most common (ties: the
    one on the earliest line); the caller reads the two once, for :func:`yen_reading` too. A
    setting that disagrees with the currency the store's orders are in is refused: they
    would mix. A store kept as a sign its code is written with (``$``, before ``currency =
    "USD"`` was set) agrees with it: the file's lines are kept in the code."""
    if wanted and stored and wanted != stored and not written_as(stored, wanted):
        raise InputError(
            f"{label}: the currency setting is {wanted} but the store's orders are in {stored}: "
            f'one currency per store; set currency = "{stored}" or ingest into a new store'
        )
    if wanted or stored:
        return wanted or stored
    first = store.scalar(
        f"SELECT _currency FROM ({inner}) WHERE _currency IS NOT NULL AND length(_currency) "
        f"<= {CURRENCY_MAX} AND _currency <> {sql_str(YEN)} "
        "GROUP BY 1 ORDER BY count(*) DESC, min(_row) LIMIT 1"
    )
    return None if first is None else str(first)


def checks(column: str, kept: str | None) -> list[tuple[str, str, str, str]]:
    """(column, SQL condition true for a bad line, reason, value) for staging: a cell that is
    no currency code, and a line in another currency than `kept`."""
    out = [
        (
            column,
            f"length(_currency) > {CURRENCY_MAX}",
            f"expected a currency code such as EUR (at most {CURRENCY_MAX} characters)",
            "_currency",
        )
    ]
    # a ¥ not read as CNY or JPY (yen_reading), unless the shop's currency is that sign
    # (currency = "¥" or "￥": the cells agree with it)
    if kept is not None and kept != YEN:
        out.append(
            (
                column,
                f"_currency = {sql_str(YEN)}",
                f"another currency than the shop's {kept}: ¥ is written for both CNY and JPY "
                f"and not guessed (lines in {kept} are kept)",
                "_currency",
            )
        )
    if kept is not None:
        out.append(
            (
                column,
                f"_currency IS NOT NULL AND _currency <> {sql_str(kept)}",
                f"another currency than the shop's {kept}: one currency per store "
                f"(lines in {kept} are kept)",
                "_currency",
            )
        )
    return out


def staged_currency(store: Store, stage: str) -> str | None:
    """The currency of the staged lines that are kept (one, or None when the file names
    none): what the file's ``ingests`` record keeps."""
    if "_currency" not in store.columns(stage):
        return None
    value = store.scalar(
        f"SELECT any_value(_currency) FROM {stage} WHERE _err IS NULL "
        f"AND _currency <> {sql_str(YEN)}"
    )
    return None if value is None else str(value)


MISSING = "–"  # a figure that is missing or not finite, as every table writes it


def finite(value) -> float | None:
    """`value` as a float, None where it is missing, not a number or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def money(value, currency: str | None = None, *, sign: bool = False) -> str:
    """A sum of money as the CLI, the reports and the dashboard write it: two decimals with
    thousands separators (``1,234.50``), with `sign` ``+1,234.50``, zero ``0.00`` (never
    ``-0.00``), the shop's `currency` where it is known (:func:`with_currency`: a code after
    it, ``1,234.50 EUR``, a sign before it, ``$1,234.50``, ``-$3.50``); "–" where the value
    is missing or not finite."""
    number = finite(value)
    if number is None:
        return MISSING
    number = round(number, 2) + 0.0  # -0.004 -> -0.0 -> 0.0
    if number == 0:
        text = "0.00"
    else:
        text = f"{number:+,.2f}" if sign else f"{number:,.2f}"
    return with_currency(text, currency)


def is_sign(currency: str | None) -> bool:
    """Whether the shop's `currency` is a sign (``$``, ``¥``, ``₩``, ``HK$``: it holds a
    currency symbol) rather than a code (``EUR``) or a word (``円``). A shop's currency is a
    sign where its orders' currency cells are one that names no single currency (``$`` is
    written for USD, CAD, AUD...; ``¥`` for CNY and JPY)."""
    return bool(currency) and any(unicodedata.category(ch) == "Sc" for ch in currency)


def with_currency(amount: str, currency: str | None) -> str:
    """A sum of money as text with its currency: a code after it (``1,234.50 EUR``), a sign
    (:func:`is_sign`) before it, after the amount's ``+`` or ``-`` (``$1,234.50``,
    ``-$3.50``), as a sign is written; the text as it is where the currency is unknown."""
    if not currency:
        return amount
    if not is_sign(currency):
        return f"{amount} {currency}"
    if amount[:1] in ("+", "-", "\u2212"):
        return f"{amount[0]}{currency}{amount[1:]}"
    return f"{currency}{amount}"


def money_label(label: str, currency: str | None) -> str:
    """A chart axis or table header of money with its currency after it (``revenue (EUR)``);
    the label as it is where the currency is unknown."""
    return f"{label} ({currency})" if currency else label


CURRENCY_COLUMN = "currency"  # the column a CSV of money names its currency in


def with_currency_column(frame, currency: str | None):
    """A table of money for a CSV (a plan's ``expected_cost``, a profile's ``clv_12m``)
    with the shop's `currency` (its ISO code) in a ``currency`` column after its others;
    `frame` as it is where the currency is unknown."""
    if not currency:
        return frame
    return frame.assign(**{CURRENCY_COLUMN: currency})


def plan_currency_error(frame, store_currency: str | None) -> str | None:
    """Why a plan read from a CSV (`frame`, its cells as text) cannot be sent or served by a
    store whose money is in `store_currency`: its ``currency`` column names another
    (``line 2, column currency: 'USD': expected EUR, the currency of the store's money``);
    None where they agree, where the plan has no such column or where the store's currency
    is unknown. The line is the frame's index where it is named ``line`` (as
    :func:`promopilot.data.hand_tables.read_hand_table` reads a file), else the row's position
    below a header on line 1. The caller puts the file's name in front."""
    column = next((c for c in frame.columns if str(c).strip().lower() == CURRENCY_COLUMN), None)
    if not store_currency or column is None:
        return None
    cells = frame[column].fillna("").astype(str).str.strip()
    codes = cells.map(lambda c: currency_code(c) or "")
    # $ in a plan of a USD store, USD in a plan of a store kept as $: one currency
    same = codes.map(lambda c: written_as(c, store_currency) or written_as(store_currency, c))
    bad = (codes != "") & (codes != store_currency) & ~same
    if not bad.any():
        return None
    i = int(bad.to_numpy().argmax())
    # the file line of the row: the index of a hand table read from a file
    # (data.hand_tables, index named "line"), else a header on line 1
    line = int(frame.index[i]) if frame.index.name == "line" else i + 2
    where = cells_of(frame).at(line, CURRENCY_COLUMN, str(column))  # a workbook's: row, letter
    return (
        f"{where}: {cells.iat[i]!r}: expected "
        f"{store_currency}, the currency of the store's money (the plan was made for "
        "another shop's store?)"
    )


def money_note(currency: str | None) -> str:
    """The line that says what money is in, in English and Chinese (``Money in EUR
    金额单位：EUR``); "" where the currency is unknown."""
    return f"Money in {currency} 金额单位：{currency}" if currency else ""

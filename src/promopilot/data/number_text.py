"""Numbers as shops' spreadsheets write them, read in SQL: decimal commas (``39,90``,
``1.299,00``), thousands separators (``1,234.56``) and currency signs (``¥1,299.00``, ``89.00元``).
Staging (:mod:`promopilot.data.staging`) types every number column with :func:`number_sql`."""

from __future__ import annotations

import pandas as pd

from promopilot.data.dates import sample_values
from promopilot.data.money_signs import SIGN_OF
from promopilot.data.rawfile import RawFile, sql_str
from promopilot.data.schema import TableSpec
from promopilot.data.store import Store

DECIMAL_COMMA = ("[+-]?[0-9]+,[0-9]{1,2}", "[+-]?[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+")
DECIMAL_POINT = ("[+-]?[0-9]*\\.[0-9]{1,2}", "[+-]?[0-9]{1,3}(,[0-9]{3})+\\.[0-9]+")
THOUSAND_DOTS = "[+-]?[0-9]{1,3}(\\.[0-9]{3})+"


# the currency signs a number cell may carry, dropped before it is read: money_signs.SIGN_OF's
# (one table; translate's result does not depend on their order)
CURRENCY_SIGNS = "".join(SIGN_OF)


def unsigned_money(raw: str) -> str:
    """SQL: the text without currency signs (¥, the full-width ￥ of GBK files, $, €, £, 元)
    and the spaces around them; ``translate`` is a plain character map, no regular expression."""
    return f"trim(translate({raw}, {sql_str(CURRENCY_SIGNS)}, ''))"


def number_sql(raw: str, decimal_comma: bool = False) -> str:
    """A number written the way spreadsheets in many countries write it: ``12.5``; a decimal
    comma ``12,5`` or ``3,99`` (one comma, one or two digits after it); ``1.234,56``
    (thousands dots, a decimal comma); ``1,234.56`` (thousands commas, a decimal point).
    ``1,234`` alone is ambiguous (a thousand, or one and a bit) and is not read. Text without
    a comma takes the plain cast (the common case: no regular expression is run), except in a
    file that writes decimal commas (`decimal_comma`), where ``1.299`` is a thousand and more.
    A currency sign or word is dropped first (``¥1,299.00``, ``￥89``, ``89.00元``, ``-$5``)."""
    raw = unsigned_money(raw)
    comma = f"replace({raw}, ',', '.')"
    eu = f"replace(replace({raw}, '.', ''), ',', '.')"
    us = f"replace({raw}, ',', '')"
    dots = (
        f"WHEN regexp_full_match({raw}, {sql_str(THOUSAND_DOTS)}) "
        f"THEN TRY_CAST(replace({raw}, '.', '') AS DOUBLE) "
        if decimal_comma
        else ""
    )
    return (
        f"CASE {dots}WHEN NOT contains({raw}, ',') THEN TRY_CAST({raw} AS DOUBLE) "
        f"WHEN regexp_full_match({raw}, '[+-]?[0-9]+,[0-9]{{1,2}}') "
        f"THEN TRY_CAST({comma} AS DOUBLE) "
        f"WHEN regexp_full_match({raw}, '[+-]?[0-9]{{1,3}}(\\.[0-9]{{3}})+,[0-9]+') "
        f"THEN TRY_CAST({eu} AS DOUBLE) "
        f"WHEN regexp_full_match({raw}, '[+-]?[0-9]{{1,3}}(,[0-9]{{3}})+\\.[0-9]+') "
        f"THEN TRY_CAST({us} AS DOUBLE) END"
    )


def writes_decimal_commas(
    store: Store, raw: RawFile, spec: TableSpec, inner: str, present: set[str]
) -> bool:
    """Whether the file's numbers use a decimal comma (``39,90``, ``1.299,00``) and never a
    decimal point (``39.90``), judged on a sample of each number column: then ``1.299`` and
    ``1.000`` in it are thousands, not decimals."""
    columns = [c.name for c in spec.columns if c.type == "float" and c.name in present]
    comma = point = 0
    for name in columns:
        values = sample_values(store, raw, inner, f"r_{name}")
        if not values:
            continue
        frame = pd.DataFrame({"w": values})
        with store.frame("ingest_number_sample", frame):
            row = store.query(
                f"WITH ingest_number_values AS (SELECT {unsigned_money('w')} AS v "
                "FROM ingest_number_sample) SELECT "
                + " + ".join(f"count_if(regexp_full_match(v, {sql_str(p)}))" for p in DECIMAL_COMMA)
                + " AS comma, "
                + " + ".join(f"count_if(regexp_full_match(v, {sql_str(p)}))" for p in DECIMAL_POINT)
                + " AS point FROM ingest_number_values"
            ).iloc[0]
        comma, point = comma + int(row["comma"]), point + int(row["point"])
    return comma > 0 and point == 0

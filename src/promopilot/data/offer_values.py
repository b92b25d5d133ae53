"""An offer's ``value`` as shops write it, read as the number ``offers.value`` holds (in SQL,
before staging types it, so a file of any size is read in one pass).

``percent_off`` takes the fraction off (0.1 = 10 % off; docs/shop-folder.md). Shops also write:

* ``9折``, ``8.5折``, ``打9折``, ``九折``: the share of the price paid in tenths (9折 = 0.9 × the
  price = 0.10 off, 8.5折 = 0.15 off, 7折 = 0.30 off);
* ``95折``, ``九五折``: two digits without a point are hundredths (95折 = 0.95 × the price = 0.05
  off);
* ``10%``, ``10% off``, ``10%off``, ``10％``: the percent off (0.10).

A share of the price must be above 0 and below 1 (``10折`` and ``0折`` are no discount and no
price: refused), a percent below 100, and ``满200打9折`` is 0.10 off orders of at least 200.
``amount_off`` (满减) also takes ``满150减20``: 20 off orders of at least 150. A threshold goes
to ``min_spend`` when that is empty (or says the same). Full-width digits (``９折``) are read.
Any other text stays as written and is quarantined, the reason listing these forms
(:data:`EXPECTED`).
"""

from __future__ import annotations

from collections.abc import Mapping

from promopilot.data.store import sql_str

# Chinese numerals of a discount (九折, 九五折, 七五折) and full-width digits (９折,
# 满１５０减２０), read as digits before matching
CHINESE = "〇零一二三四五六七八九０１２３４５６７８９．"
DIGITS = "00123456789" + "0123456789."
NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# the share of the price paid in tenths (9折, 8.5折, 0.5折) or, two digits without a point,
# in hundredths (95折, 85折; 10折 is none of them: refused)
TENTHS = r"^打?\s*([0-9](?:\.[0-9]+)?)\s*折$"
HUNDREDTHS = r"^打?\s*([1-9][1-9])\s*折$"
# the percent off: 10%, 10% off, 10%off, 10 ％ OFF
PERCENT = rf"^({NUMBER})\s*[%％]\s*(?:off)?$"
# 满150减20 (20 off orders of at least 150), 满 150 元 减 20 元
THRESHOLD = rf"^满\s*({NUMBER})\s*元?\s*减\s*({NUMBER})\s*元?$"
# 满200打9折 (10% off orders of at least 200): a percent_off with its threshold
THRESHOLD_TENTHS = r"^满\s*([0-9]+(?:\.[0-9]+)?)\s*元?\s*打?\s*([0-9](?:\.[0-9]+)?)\s*折$"

EXPECTED = (
    "expected a number (percent_off: the fraction off, 0.1 = 10% off), or for percent_off "
    "10%, 10% off, or the share of the price paid: 9折, 8.5折, 95折, 九折 (above 0折, below "
    "10折) or 满200打9折, or for amount_off 满150减20 (min_spend empty or the same threshold)"
)


def _number(x: str, pattern: str, group: int = 1) -> str:
    """The SQL number of `pattern`'s `group` in the text `x`."""
    return f"CAST(regexp_extract({x}, {sql_str(pattern)}, {group}) AS DOUBLE)"


def value_sql(mapping: Mapping[str, str]) -> dict[str, str]:
    """The offers `mapping` (column -> SQL expression of the raw file) with ``value`` read in
    the forms above and, for 满150减20, ``min_spend`` taken from it where the file leaves it
    empty; unchanged without a ``value`` or ``kind`` column."""
    if "value" not in mapping or "kind" not in mapping:
        return dict(mapping)
    raw = f"CAST({mapping['value']} AS VARCHAR)"
    # the text compared: trimmed, lower case, Chinese numerals as digits
    x = f"translate(lower(trim({raw})), {sql_str(CHINESE)}, {sql_str(DIGITS)})"
    kind = f"trim(CAST({mapping['kind']} AS VARCHAR))"
    spend = mapping.get("min_spend")
    given = f"NULLIF(trim(CAST({spend} AS VARCHAR)), '')" if spend else "CAST(NULL AS VARCHAR)"
    tenths, hundredths = _number(x, TENTHS), _number(x, HUNDREDTHS)
    percent = _number(x, PERCENT)
    threshold, off = _number(x, THRESHOLD), _number(x, THRESHOLD, 2)
    least, paid = _number(x, THRESHOLD_TENTHS), _number(x, THRESHOLD_TENTHS, 2)
    percent_off = f"{kind} = 'percent_off'"
    # 满150减20 beside a min_spend that says another threshold is no reading: left as written
    fits = f"({given} IS NULL OR TRY_CAST({given} AS DOUBLE) = {threshold})"
    fits_least = f"({given} IS NULL OR TRY_CAST({given} AS DOUBLE) = {least})"
    manjian = f"{kind} = 'amount_off' AND regexp_full_match({x}, {sql_str(THRESHOLD)})"
    manzhe = f"{percent_off} AND regexp_full_match({x}, {sql_str(THRESHOLD_TENTHS)})"
    value = (
        f"CASE WHEN {manzhe} AND {paid} > 0 AND {fits_least} "
        f"THEN CAST(round((10 - {paid}) / 10, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(TENTHS)}) "
        f"AND {tenths} > 0 THEN CAST(round((10 - {tenths}) / 10, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(HUNDREDTHS)}) "
        f"THEN CAST(round((100 - {hundredths}) / 100, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(PERCENT)}) AND {percent} < 100 "
        f"THEN CAST(round({percent} / 100, 12) AS VARCHAR) "
        f"WHEN {manjian} AND {fits} THEN CAST({off} AS VARCHAR) "
        f"ELSE {raw} END"
    )
    out = {**mapping, "value": value}
    min_spend = (
        f"CASE WHEN {manjian} AND {given} IS NULL THEN CAST({threshold} AS VARCHAR) "
        f"WHEN {manzhe} AND {given} IS NULL THEN CAST({least} AS VARCHAR) END"
    )
    out["min_spend"] = f"coalesce({given}, {min_spend})" if spend else min_spend
    return out

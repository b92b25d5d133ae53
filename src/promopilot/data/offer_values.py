"""An offer's ``value`` as shops write it, read as the number ``offers.value`` holds (in SQL,
before staging types it, so a file of any size is read in one pass).

``percent_off`` takes the fraction off (0.1 = 10 % off; docs/shop-folder.md). Shops also write:

* ``9折``, ``8.5折``, ``8点5折``, ``打9折``, ``九折``: the share of the price paid in tenths
  (9折 = 0.9 × the price = 0.10 off, 8.5折 = 0.15 off, 7折 = 0.30 off);
* ``95折``, ``九五折``: two digits without a point are hundredths (95折 = 0.95 × the price = 0.05
  off);
* ``10%``, ``10% off``, ``10%off``, ``10％``: the percent off (0.10).

A share of the price must be above 0 and below 1 (``10折`` and ``0折`` are no discount and no
price: refused), a percent below 100, and ``满200打9折`` is 0.10 off orders of at least 200.
``amount_off`` (满减) also takes ``满150减20``: 20 off orders of at least 150; and ``每满150减20``
(20 off for every full 150: 300 -> 40 off), read as the kind ``amount_off_every`` (value 20 per
step, min_spend the step 150), which also takes it as ``每满150减20`` or ``满150减20``;
``满150减20上不封顶`` ("no cap") and ``$20 off every $150`` (``20 off each 150``, ``¥20 off per
¥150``) are 每满150减20; ``减20`` (``立减20``, ``直减20``) is 20 off, over ``min_spend`` if given.
A cap on what one order gets off follows the value, after a space or comma (, or ，) or in
brackets: ``每满100减10，最高减50``, ``每满100减10（封顶50元）``, ``0.2, max 30``,
``20% off, up to $30``; its words ``最高减``, ``最多减``, ``最高``, ``最多``, ``封顶``,
``up to``, ``at most``, ``max``, ``maximum``, ``capped at``. The cap goes to ``max_discount``
when that is empty (or says the same: beside another cap the value is left as written and
quarantined, :data:`CAP_OTHER`), and ``满300减30 最高减60`` (a 满减 with a cap above its value
repeats) is 每满300减30 capped at 60. On ``amount_off`` and ``free_shipping``, one fixed amount
off, a cap is not stored and named in a note (:func:`drop_fixed_caps`; below the value it is
quarantined, :data:`CAP_FIXED`).
``free_shipping`` takes ``包邮``, ``免邮``, ``满99包邮`` (min_spend 99): such a text does not give
the shipping fee the shop pays, which is the offer's value, so the fee set as
``offers.free_shipping_fee`` in promopilot.toml is taken and named in the ingest notes; with that
setting 0 the row is quarantined, naming the missing fee. A threshold goes to ``min_spend`` when
that is empty (or says the same). Full-width digits (``９折``) are read, and so are Chinese
numerals (``满一百五十减二十``, ``最高减五十``, ``八五折``, ``二十``): the file's few distinct
values written with them are read once in Python before staging
(:mod:`promopilot.data.chinese_numerals`) and looked up in the SQL. Any other text stays as
written and is quarantined, the reason listing these forms (:data:`EXPECTED`).
"""

from __future__ import annotations

from collections.abc import Mapping

from promopilot.config import load_offer_settings
from promopilot.data.number_text import number_sql
from promopilot.data.schema import OFFER_KINDS
from promopilot.data.sql import cell_text
from promopilot.data.store import Store, sql_str
from promopilot.data.words import counted

# Chinese numerals of a discount (九折, 九五折, 七五折) and full-width digits (９折,
# 满１５０减２０), read as digits before matching
CHINESE = "〇零一二三四五六七八九０１２３４５６７８９．"
DIGITS = "00123456789" + "0123456789."
NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# 8点5折 (Arabic digits, 点 the decimal point before 折; 八点五折 is read with the numerals)
POINT = r"(^|[^0-9.])([0-9]+)\s*点\s*([0-9]+)(\s*折)"
# the share of the price paid in tenths (9折, 8.5折, 0.5折) or, two digits without a point,
# in hundredths (95折, 85折; 10折 is none of them: refused)
TENTHS = r"^打?\s*([0-9](?:\.[0-9]+)?)\s*折$"
HUNDREDTHS = r"^打?\s*([1-9][1-9])\s*折$"
# the percent off: 10%, 10% off, 10%off, 10 ％ OFF
PERCENT = rf"^({NUMBER})\s*[%％]\s*(?:off)?$"
# 减20, 立减20, 直减20: 20 off (an amount_off, over min_spend where the file gives one)
OFF = rf"^(?:立|直)?减\s*({NUMBER})\s*元?$"
# 满150减20 (20 off orders of at least 150), 满 150 元 减 20 元
THRESHOLD = rf"^满\s*({NUMBER})\s*元?\s*减\s*({NUMBER})\s*元?$"
# 满200打9折 (10% off orders of at least 200): a percent_off with its threshold
THRESHOLD_TENTHS = r"^满\s*([0-9]+(?:\.[0-9]+)?)\s*元?\s*打?\s*([0-9](?:\.[0-9]+)?)\s*折$"
# 每满150减20 (20 off for every full 150 of the order): amount_off_every
EVERY = rf"^每满\s*({NUMBER})\s*元?\s*减\s*({NUMBER})\s*元?$"
# $20 off every $150, 20 off each 150, ¥20 off per ¥150 (English): 每满150减20
EVERY_EN = (
    rf"^[$¥￥€£]?\s*({NUMBER})\s*元?\s*off\s+(?:every|each|per)\s+[$¥￥€£]?\s*({NUMBER})\s*元?$"
)
# 满150减20上不封顶, 每满150减20，上不封顶 ("no cap"): 每满150减20
UNCAPPED = r"^(?:每)?满(.*?)\s*[,，]?\s*上不封顶$"
# a cap after the value: 每满100减10，最高减50, 每满100减10 (封顶50元), 0.2, max 30, 20% off up
# to $30 (the value before it in group 1, the cap in group 2)
CAP = (
    r"^(.+?)\s*[,，;；]?\s*[(（]?\s*(?:最高(?:可?减|优惠)?|最多(?:可?减|优惠)?|封顶|up\s+to|"
    rf"at\s+most|max(?:imum)?\.?|capped\s+at)\s*[$¥￥€£]?\s*({NUMBER})\s*元?\s*(?:off)?\s*"
    r"[)）]?$"
)
# 包邮, 免邮, 满99包邮, 满 99 元免运费: free shipping (over a threshold), its fee not given
SHIPPING = rf"^(?:满\s*({NUMBER})\s*元?\s*)?(?:包邮|免邮|免运费)$"

EXPECTED = (
    "expected a number (percent_off: the fraction off, 0.1 = 10% off), or for percent_off 10%, "
    "9折, 8.5折, 95折, 八五折 (above 0折, below 10折) or 满200打9折, for amount_off 满150减20, "
    "满一百减二十, 减20 or 每满150减20, for free_shipping 包邮 or 满99包邮 (min_spend empty or "
    "equal)"
)
FEE_MISSING = (
    "free shipping written without its fee (the shipping fee the shop pays is the offer's "
    "value): write the fee as value and the threshold as min_spend, or set "
    "offers.free_shipping_fee in promopilot.toml"
)
KINDS = f"unknown offer kind: expected {', '.join(OFFER_KINDS[:-1])} or {OFFER_KINDS[-1]}"
CAP_BELOW = (
    "max_discount below the offer's value: a cap must allow at least one step's value off "
    "(每满100减10，最高减50: value 10, max_discount 50)"
)
CAP_FIXED = (
    "max_discount below the value of an amount_off or free_shipping, which takes all of its "
    "value off: leave max_discount empty, or write the amount it takes off as value"
)
CAP_ZERO = "max_discount 0 takes nothing off: leave it empty for no cap"
# the kinds of one fixed amount off, which a cap cannot change
FIXED = ("amount_off", "free_shipping")
CAP_OTHER = "the cap written in the value differs from max_discount: give one cap"
STEP = (
    "amount_off_every needs min_spend, the step each value is taken off for, above the value "
    "(每满150减20: value 20, min_spend 150)"
)


def _number(x: str, pattern: str, group: int = 1) -> str:
    """The SQL number of `pattern`'s `group` in the text `x`."""
    return f"CAST(regexp_extract({x}, {sql_str(pattern)}, {group}) AS DOUBLE)"


def _cap(text: str) -> str:
    """The SQL number of the cap written after a value (:data:`CAP`), NULL without one."""
    return f"TRY_CAST(NULLIF(regexp_extract({text}, {sql_str(CAP)}, 2), '') AS DOUBLE)"


def _optional_number(x: str, pattern: str) -> str:
    """The SQL number of `pattern`'s optional first group in `x`, NULL where it is absent."""
    return f"TRY_CAST(NULLIF(regexp_extract({x}, {sql_str(pattern)}, 1), '') AS DOUBLE)"


def shipping_fee() -> float:
    """The shipping fee a free-shipping offer written 包邮 costs the shop: the setting
    ``offers.free_shipping_fee`` (0: not known)."""
    return load_offer_settings().free_shipping_fee


def _given(mapping: Mapping[str, str], column: str, numerals: Mapping[str, str]) -> str:
    """SQL of a raw offers column's text, NULL when empty or absent; a number written in
    Chinese numerals (一百五十, 两百元, 1万: `numerals`) in digits, any other text as written."""
    expr = mapping.get(column)
    if not expr:
        return "CAST(NULL AS VARCHAR)"
    text = cell_text(expr)
    if not numerals:
        return text
    read = f"CASE WHEN {number_sql('_on')} IS NOT NULL THEN _on ELSE {text} END"
    return _with(_arabic(text, numerals, f"lower({text})"), read, "_on")


def _arabic(text: str, numerals: Mapping[str, str], key: str | None = None) -> str:
    """SQL of `text` (trimmed, lower case) with its Chinese numerals as digits, looked up in
    `numerals` (:func:`promopilot.data.chinese_numerals.written_numerals`) by `key` (`text`
    where None)."""
    if not numerals:
        return text
    cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in numerals.items())
    return f"CASE {key or text} {cases} ELSE {text} END"


def _digits(text: str, numerals: Mapping[str, str]) -> str:
    """SQL of `text` with its Chinese numerals (`numerals`, :func:`_arabic`), single Chinese
    digits left (九折) and full-width digits as digits, and 点 between digits before 折 a
    decimal point (8点5折: 8.5折)."""
    digits = f"translate({_arabic(text, numerals)}, {sql_str(CHINESE)}, {sql_str(DIGITS)})"
    return f"regexp_replace({digits}, {sql_str(POINT)}, '\\1\\2.\\3\\4', 'g')"


def _text(raw: str, numerals: Mapping[str, str]) -> str:
    """SQL of a value's text as compared: trimmed, lower case, Chinese numerals (`numerals`)
    and full-width digits as digits, 满减 上不封顶 and $20 off every $150 as 每满."""
    text = _digits(f"lower(trim({raw}))", numerals)
    return _english_every(f"regexp_replace({text}, {sql_str(UNCAPPED)}, '每满\\1')")


def _english_every(text: str) -> str:
    """SQL of `text` with $20 off every $150 written 每满150减20."""
    return f"regexp_replace({text}, {sql_str(EVERY_EN)}, '每满\\2减\\1')"


def _parts(mapping: Mapping[str, str], numerals: Mapping[str, str]) -> dict[str, str]:
    """SQL of the raw offers row: ``raw`` (the value as written), ``x`` (the text compared,
    :func:`_text`, without a cap that fits max_discount; 满300减30 with one as 每满), ``kind``,
    ``given`` (min_spend, NULL when empty or absent), ``cap`` (the text of the cap read from
    the value, NULL without one or with another max_discount) and ``given_cap`` (max_discount)."""
    raw = f"CAST({mapping['value']} AS VARCHAR)"
    given_cap = _given(mapping, "max_discount", numerals)
    t = "_ot"  # the text (:func:`_text`), computed once
    capped = f"regexp_full_match({t}, {sql_str(CAP)}) AND {_fits(given_cap, _cap(t))}"
    before = f"regexp_extract({t}, {sql_str(CAP)}, 1)"
    # 满300减30 最高减60: a 满减 that has a cap repeats (每满300减30, at most 60 off)
    before = _english_every(f"regexp_replace({before}, {sql_str(THRESHOLD)}, '每满\\1减\\2')")
    return {
        "raw": raw,
        "x": _with(_text(raw, numerals), f"CASE WHEN {capped} THEN {before} ELSE {t} END", t),
        "kind": f"trim(CAST({mapping['kind']} AS VARCHAR))",
        "given": _given(mapping, "min_spend", numerals),
        "cap": _with(
            _text(raw, numerals),
            f"CASE WHEN {capped} THEN regexp_extract({t}, {sql_str(CAP)}, 2) END",
            t,
        ),
        "given_cap": given_cap,
    }


def _with(compared: str, expr: str, name: str = "_ov") -> str:
    """SQL of `expr`, which names the text compared `name`, with `compared` computed once
    for it (the text is a few regular expressions long and `expr` names it twenty times)."""
    return f"list_transform([{compared}], lambda {name}: {expr})[1]"


def _fits(given: str, threshold: str) -> str:
    """A written threshold beside the file's min_spend: read when that is empty or the same."""
    return f"({given} IS NULL OR TRY_CAST({given} AS DOUBLE) = {threshold})"


def _shipping(p: dict[str, str]) -> str:
    """SQL: true where a free_shipping row's value is 包邮 or 满99包邮 (with a min_spend that
    fits)."""
    least = _optional_number(p["x"], SHIPPING)
    return (
        f"({p['kind']} = 'free_shipping' AND regexp_full_match({p['x']}, {sql_str(SHIPPING)}) "
        f"AND ({least} IS NULL OR {_fits(p['given'], least)}))"
    )


def value_sql(
    mapping: Mapping[str, str], fee: float = 0.0, numerals: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The offers `mapping` (column -> SQL expression of the raw file) with ``value`` read in
    the forms above, ``kind`` amount_off_every for 每满150减20, and the threshold of 满150减20,
    每满150减20, 满200打9折 or 满99包邮 in ``min_spend`` where the file leaves it empty, a cap
    written after the value (最高减50) in ``max_discount`` where that is empty; `fee`:
    the value of free shipping written 包邮 (0: left as written, quarantined); `numerals`:
    the values written with Chinese numerals
    (:func:`promopilot.data.chinese_numerals.written_numerals`). Unchanged without a ``value``
    or ``kind`` column."""
    if "value" not in mapping or "kind" not in mapping:
        return dict(mapping)
    p = _parts(mapping, numerals or {})
    compared, p["x"] = p["x"], "_ov"  # the text compared, computed once (:func:`_with`)
    raw, x, kind, given = p["raw"], p["x"], p["kind"], p["given"]
    tenths, hundredths = _number(x, TENTHS), _number(x, HUNDREDTHS)
    percent, flat = _number(x, PERCENT), _number(x, OFF)
    threshold, off = _number(x, THRESHOLD), _number(x, THRESHOLD, 2)
    least, paid = _number(x, THRESHOLD_TENTHS), _number(x, THRESHOLD_TENTHS, 2)
    step, each = _number(x, EVERY), _number(x, EVERY, 2)
    percent_off = f"{kind} = 'percent_off'"
    # 满150减20 beside a min_spend that says another threshold is no reading: left as written
    manjian = f"{kind} = 'amount_off' AND regexp_full_match({x}, {sql_str(THRESHOLD)})"
    manzhe = f"{percent_off} AND regexp_full_match({x}, {sql_str(THRESHOLD_TENTHS)})"
    # 每满150减20 on an amount_off or amount_off_every row; 满150减20 on an amount_off_every row
    every = (
        f"{kind} IN ('amount_off', 'amount_off_every') AND regexp_full_match({x}, {sql_str(EVERY)})"
    )
    every_plain = f"{kind} = 'amount_off_every' AND regexp_full_match({x}, {sql_str(THRESHOLD)})"
    shipping = _shipping(p) if fee > 0 else "false"
    value = (
        f"CASE WHEN {manzhe} AND {paid} > 0 AND {_fits(given, least)} "
        f"THEN CAST(round((10 - {paid}) / 10, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(TENTHS)}) "
        f"AND {tenths} > 0 THEN CAST(round((10 - {tenths}) / 10, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(HUNDREDTHS)}) "
        f"THEN CAST(round((100 - {hundredths}) / 100, 12) AS VARCHAR) "
        f"WHEN {percent_off} AND regexp_full_match({x}, {sql_str(PERCENT)}) AND {percent} < 100 "
        f"THEN CAST(round({percent} / 100, 12) AS VARCHAR) "
        f"WHEN ({manjian} OR {every_plain}) AND {_fits(given, threshold)} "
        f"THEN CAST({off} AS VARCHAR) "
        f"WHEN {every} AND {_fits(given, step)} THEN CAST({each} AS VARCHAR) "
        f"WHEN {kind} = 'amount_off' AND regexp_full_match({x}, {sql_str(OFF)}) "
        f"THEN CAST({flat} AS VARCHAR) "
        f"WHEN {shipping} THEN CAST({fee!r} AS VARCHAR) "
        # a number (with its cap: 0.2, max 30; in Chinese numerals: 二十): the number
        f"WHEN regexp_full_match({x}, {sql_str(NUMBER)}) THEN {x} "
        f"ELSE {raw} END"
    )
    out = {**mapping, "value": _with(compared, value)}
    out["kind"] = _with(
        compared, f"CASE WHEN {every} THEN 'amount_off_every' ELSE {mapping['kind']} END"
    )
    min_spend = (
        f"CASE WHEN ({manjian} OR {every_plain}) AND {given} IS NULL "
        f"THEN CAST({threshold} AS VARCHAR) "
        f"WHEN {manzhe} AND {given} IS NULL THEN CAST({least} AS VARCHAR) "
        f"WHEN {every} AND {given} IS NULL THEN CAST({step} AS VARCHAR) "
        f"WHEN {shipping} AND {given} IS NULL "
        f"THEN CAST({_optional_number(x, SHIPPING)} AS VARCHAR) END"
    )
    min_spend = _with(compared, min_spend)
    out["min_spend"] = f"coalesce({given}, {min_spend})" if mapping.get("min_spend") else min_spend
    out["max_discount"] = f"coalesce({p['given_cap']}, {p['cap']})"
    return out


def fee_taken_sql(
    mapping: Mapping[str, str], fee: float, numerals: Mapping[str, str] | None = None
) -> str:
    """SQL (of the raw offers row): true where a free-shipping value written 包邮 took `fee`,
    for the ingest note (:func:`fee_note`)."""
    if "value" not in mapping or "kind" not in mapping or fee <= 0:
        return "false"
    return _shipping(_parts(mapping, numerals or {}))


def fee_note(store: Store, stage: str, column: str, fee: float) -> list[str]:
    """The ingest note naming the shipping fee taken for free shipping written 包邮 (the
    staged rows' ``column`` of :func:`fee_taken_sql`), if any row took it."""
    n = int(store.scalar(f"SELECT count(*) FROM {stage} WHERE {column} AND _err IS NULL"))
    if not n:
        return []
    return [
        f"{counted(n, 'free-shipping offer')} written 包邮 without their fee "
        f"{'is' if n == 1 else 'are'} valued at the shipping "
        f"fee {fee:g} (offers.free_shipping_fee in promopilot.toml); write the fee as value to "
        "give another"
    ]


def checks() -> list[tuple[str, str, str]]:
    """The offers rows' own checks (column, SQL condition true for a bad row, reason) after
    their values are typed: the kind, a percent below 1, an amount_off_every's step, a cap
    (max_discount) above 0 and, but for percent_off, at least the value."""
    kinds = ", ".join(sql_str(k) for k in OFFER_KINDS)
    return [
        ("kind", f"t_kind NOT IN ({kinds})", KINDS),
        (
            "value",
            "t_kind = 'percent_off' AND t_value >= 1",
            "percent_off value must be a fraction below 1 (0.1 = 10% off; 0 = a plain message)",
        ),
        (
            "min_spend",
            "t_kind = 'amount_off_every' AND (coalesce(t_min_spend, 0) <= 0 "
            "OR t_min_spend <= t_value)",
            STEP,
        ),
        ("max_discount", "t_max_discount = 0", CAP_ZERO),
        ("max_discount", "t_kind = 'amount_off_every' AND t_max_discount < t_value", CAP_BELOW),
        ("max_discount", f"t_kind IN {FIXED} AND t_max_discount < t_value", CAP_FIXED),
    ]


def drop_fixed_caps(store: Store, stage: str) -> list[str]:
    """A cap (max_discount) at least the value of an offer of one fixed amount off
    (amount_off, free_shipping; below it the row is quarantined, :data:`CAP_FIXED`) cannot
    change what it takes off: not stored, and the ingest note names the offers."""
    where = f"_err IS NULL AND t_kind IN {FIXED} AND t_max_discount IS NOT NULL"
    row = store.query(
        f"SELECT count(*) AS n, list(t_offer_id ORDER BY _row)[1:3] AS ids FROM {stage} "
        f"WHERE {where}"
    ).iloc[0]
    n = int(row["n"])
    if not n:
        return []
    store.execute(f"UPDATE {stage} SET t_max_discount = NULL WHERE {where}")
    ids = ", ".join(row["ids"]) + (", ..." if n > 3 else "")
    return [
        f"max_discount of {counted(n, 'offer')} of one fixed amount off (amount_off or "
        "free_shipping: "
        f"{ids}) cannot change what they take off: not stored (a 满减 that repeats up to a cap "
        "is amount_off_every: 每满300减30，最高减60)"
    ]


def unread_checks(
    fee: float, numerals: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """Checks before the value's typing: with no shipping fee set, free shipping written 包邮
    is quarantined naming the missing fee (rather than the forms a value may take); a value
    whose cap is not max_discount's is quarantined naming both. `numerals`: the values
    written with Chinese numerals (:func:`promopilot.data.chinese_numerals.written_numerals`)."""
    text = _text("r_value", numerals or {})
    other = (
        f"t_max_discount IS NOT NULL AND regexp_full_match({text}, {sql_str(CAP)}) "
        f"AND {_cap(text)} <> t_max_discount"
    )
    checks = [("value", other, CAP_OTHER)]
    if fee > 0:
        return checks
    x = _digits("lower(r_value)", numerals or {})
    return [
        *checks,
        (
            "value",
            f"t_kind = 'free_shipping' AND regexp_full_match({x}, {sql_str(SHIPPING)})",
            FEE_MISSING,
        ),
    ]

"""Chinese numerals as shops write them in an offer's value (满一百减二十, 最高减五十, 八五折),
read as Arabic digits (满100减20, 最高减50, 85折) before :mod:`promopilot.data.offer_values`
matches the text.

A run of numerals with a unit (十 百 千 万) is an amount: ``一百五十`` 150, ``两百`` 200,
``十五`` 15, ``三千`` 3000, ``一万二千`` 12000, ``一百零五`` 105 (零 holds an empty
place); a unit without a digit before it at the start is one of it (``十`` 10, ``满百减十``
100 and 10) and a digit ending it right after a unit is that unit's tenth, as people say it
(``一百五`` 150, ``一千五`` 1500, ``两万三`` 23000); 十 right after the 百 of a number's
hundreds is 一十, as people write it (``一百十五`` 115, ``两百十`` 210), but ``百十`` at the
start is "about a hundred" and no amount (``满百十减十`` is not read). A run of digits alone
is read digit by digit (``八五`` 85, ``九`` 9, ``一五零`` 150). Arabic digits with one unit
of 百, 千 or 万 after them are read too (``1万`` 10000, ``1.5万`` 15000, ``2千`` 2000). Any
other run (``百一千``, ``二三百``, ``1万五``) is left as written: the value is then not
read, and quarantined (naming the numerals where they write no number:
:func:`unread_checks`). Before 折, 点 is the decimal point (``八点五折`` 8.5折,
``七点五折`` 7.5折).
:func:`written_numerals` reads an offers file's few distinct values, min_spend and
max_discount cells that hold numerals, once before staging, for the SQL to look them up."""

from __future__ import annotations

import re
from collections.abc import Mapping

from promopilot.data.rawfile import RawFile
from promopilot.data.sql import sql_str
from promopilot.data.store import Store

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
MYRIAD = "万"
NUMERALS = "".join(DIGITS) + "".join(UNITS) + MYRIAD
# a run of numerals not right after an Arabic digit or point (1万五 is not read)
RUN = re.compile(rf"(?<![0-9.０-９．])[{NUMERALS}]+")
# Arabic (or full-width) digits and one unit: 1万, 1.5万, 2千, 5百 (not 1万五)
TIMES = re.compile(
    rf"(?<![0-9.０-９．])([0-9０-９]+(?:[.．][0-9０-９]+)?)([百千万])(?![{NUMERALS}])"
)
# 八点五折: 点 the decimal point of a share of the price (8.5折); digits alone after it
POINT = re.compile(rf"(?<![0-9.０-９．])([{NUMERALS}]+)点([{''.join(DIGITS)}]+)(?=\s*折)")
WIDE = str.maketrans("０１２３４５６７８９．", "0123456789.")
UNIT_VALUES = {**UNITS, MYRIAD: 10_000}


def _section(text: str) -> int | None:
    """The value of `text`, numerals below 万: 一百五十 150, 十五 15, 一百零五 105, 一百五 150,
    一百十五 115, 五 5; None when it is no such number (百一千, 二三百, 一百零, 百十五)."""
    total, digit, last, zero = 0, None, 10_000, False
    for i, char in enumerate(text):
        if char in UNITS:
            unit = UNITS[char]
            # 一百十五: 十 right after a hundreds' 百 is 一十, as people write it (115)
            tens = char == "十" and text[i - 1 : i] == "百" and i >= 2
            if unit >= last or (digit is None and i > 0 and not tens):
                return None  # 百一千, 一百千, 零十, 百十 (about a hundred): each after its digit
            total += (1 if digit is None else digit) * unit
            digit, last, zero = None, unit, False
        elif digit is not None:
            return None  # 二三百: two digits without a unit between them
        elif DIGITS[char] == 0:
            if i == 0 or zero:
                return None  # 零 holds a place after a unit: 一百零五
            zero = True
        else:
            digit = DIGITS[char]
    if digit is None:
        return None if zero or not text else total  # 一百零: a place held for nothing
    # 一百五 is 150 (a tenth of the unit before it), 一百零五 105, 十五 15
    return total + digit * (1 if zero or last == 10_000 else last // 10)


def _spelled(text: str) -> str | None:
    """A run of digits alone read digit by digit (八五 85, 一五零 150, 〇五 05), else None."""
    if any(c not in DIGITS for c in text):
        return None
    return "".join(str(DIGITS[c]) for c in text)


def chinese_number(text: str) -> int | None:
    """The number a run of Chinese numerals writes (:data:`NUMERALS`), None when it is not
    one: 一百五十 150, 两百 200, 十五 15, 三千 3000, 一万零五百 10500, 两万三 23000, 八五 85,
    九 9; 百一千 None."""
    if not text or any(c not in NUMERALS for c in text):
        return None
    spelled = _spelled(text)
    if spelled is not None:
        return int(spelled)
    high, myriad, low = text.partition(MYRIAD)
    if not myriad:
        return _section(text)
    tens = _section(high) if high else 1  # 万 alone: 10000
    if not tens or MYRIAD in low:
        return None  # 零万, 一万万
    if len(low) == 1 and DIGITS.get(low):
        return tens * 10_000 + DIGITS[low] * 1000  # 两万三: 23000
    rest = _section(low[1:] if low[:1] in "〇零" else low) if low else 0  # 一万零五百: 10500
    return None if rest is None else tens * 10_000 + rest


def arabic_numerals(text: str) -> str:
    """`text` with each run of Chinese numerals that is a number written in Arabic digits
    (满一百减二十 -> 满100减20, 八五折 -> 85折, 八点五折 -> 8.5折, 最高减五十 -> 最高减50); other
    runs as written."""

    def point(match: re.Match[str]) -> str:
        whole = chinese_number(match.group(1))
        return match.group() if whole is None else f"{whole}.{_spelled(match.group(2))}"

    def digits(match: re.Match[str]) -> str:
        run = match.group()
        number = chinese_number(run)
        return run if number is None else _spelled(run) or str(number)

    def times(match: re.Match[str]) -> str:
        number = float(match.group(1).translate(WIDE)) * UNIT_VALUES[match.group(2)]
        return f"{number:.0f}" if abs(number - round(number)) < 1e-6 else match.group()

    return RUN.sub(digits, TIMES.sub(times, POINT.sub(point, text)))


def written_numerals(store: Store, raw: RawFile, mapping: Mapping[str, str]) -> dict[str, str]:
    """The offers file's values written with Chinese numerals (满一百减二十, 最高减五十), as
    compared (trimmed, lower case), each with its numerals in Arabic digits
    (:func:`arabic_numerals`), and so its min_spend and max_discount cells (一百五十 150, 两百
    200, 1万 10000; the SQL keeps those that are then no number as written): the few
    distinct texts of a small file, read before staging. Empty without a ``value`` or
    ``kind`` column."""
    if "value" not in mapping or "kind" not in mapping:
        return {}
    read: dict[str, str] = {}
    for column in ("value", "min_spend", "max_discount"):
        if column not in mapping:
            continue
        text = f"lower(trim(CAST({mapping[column]} AS VARCHAR)))"
        rows = store.query(
            f"SELECT DISTINCT {text} AS v FROM {raw.second_look} "
            f"WHERE regexp_matches({text}, {sql_str(f'[{NUMERALS}]')})"
        )
        read |= {v: arabic_numerals(v) for v in rows["v"].tolist()}
    # with the values left as written, whose numerals write no number (二三百): unread_checks
    return {v: a for v, a in read.items() if a != v or RUN.search(a)}


UNREAD = (
    "the Chinese numerals {run} write no one number{hint}: write the amount in digits or in "
    "full (一百一十五, 一千零一十五)"
)


def unread_checks(numerals: Mapping[str, str], limit: int = 20) -> list[tuple[str, str, str]]:
    """The offers' value checks (column, SQL condition true for a bad row, reason) naming the
    Chinese numerals of a value that write no one number (百十, 二三百, 一千十五: left as
    written by :func:`arabic_numerals`), rather than the forms a value may take; `numerals`:
    :func:`written_numerals`. At most `limit` runs are named; values of others are quarantined
    with the forms a value may take (:data:`promopilot.data.offer_values.EXPECTED`)."""
    by_run: dict[str, list[str]] = {}
    for value, digits in numerals.items():
        run = RUN.search(digits)
        if run is not None:
            by_run.setdefault(run.group(), []).append(value)
    checks = []
    for run, values in list(by_run.items())[:limit]:
        hint = " (百十 is about a hundred)" if run.startswith("百十") else ""
        listed = ", ".join(sql_str(v) for v in values)
        reason = UNREAD.format(run=run, hint=hint)
        checks.append(("value", f"t_value IS NULL AND lower(r_value) IN ({listed})", reason))
    return checks

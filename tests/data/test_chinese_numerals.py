"""Chinese numerals as an offer's value writes them (满一百减二十, 最高减五十, 八五折), read as the
number they write: checked against a writer of numbers in Chinese for 1-99,999."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promopilot.data.chinese_numerals import arabic_numerals, chinese_number

NAMES = "零一二三四五六七八九"
PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def _below_myriad(n: int, two: str, lead: bool, short: bool = False) -> str:
    """1 <= n < 10000 in Chinese: 零 for each gap before a digit (一千零五), `two` (二 or 两)
    before 百 and 千, 十五 for 一十五 when the number starts with it (`lead`), and with `short`
    十 for 一十 right after 百 (一百十五), as people write it."""
    out, gap = "", False
    for place, unit in PLACES:
        d = n // place % 10
        if d == 0:
            gap = gap or bool(out)
            continue
        if gap:
            out += "零"
        gap = False
        out += (two if d == 2 and place >= 100 else NAMES[d]) + unit
    out = out.replace("百一十", "百十") if short else out
    return out[1:] if lead and out.startswith("一十") else out


def written(n: int, two: str = "二", lead: bool = True, short: bool = False) -> str:
    """1 <= n <= 99,999 in Chinese numerals, as a price is written (`short`: 一百十五)."""
    high, low = divmod(n, 10_000)
    if not high:
        return _below_myriad(low, two, lead, short)
    out = (two if high == 2 else NAMES[high]) + "万"
    if low:
        out += ("零" if low < 1000 else "") + _below_myriad(low, two, False, short)
    return out


def test_the_writer_writes_as_people_do():
    assert [written(n) for n in (10, 15, 105, 110, 150, 1005, 10500, 20000, 99_999)] == [
        "十",
        "十五",
        "一百零五",
        "一百一十",
        "一百五十",
        "一千零五",
        "一万零五百",
        "二万",
        "九万九千九百九十九",
    ]
    assert written(2200, two="两") == "两千两百"
    assert [written(n, short=True) for n in (115, 110, 1115, 11_110, 1015)] == [
        "一百十五",
        "一百十",
        "一千一百十五",
        "一万一千一百十",
        "一千零一十五",  # 十 after 零, not after 百: 一十
    ]


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 99_999), st.sampled_from("二两"), st.booleans(), st.booleans())
def test_every_number_written_in_chinese_reads_as_itself(n, two, lead, short):
    text = written(n, two, lead, short)
    assert chinese_number(text) == n
    assert arabic_numerals(f"满{text}减{written(max(n // 10, 1))}") == f"满{n}减{max(n // 10, 1)}"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一百五十", 150),
        ("两百", 200),
        ("十五", 15),
        ("三千", 3000),
        ("十", 10),
        ("百", 100),  # 满百减十
        ("一百五", 150),  # a digit after a unit is that unit's tenth, as people say it
        ("一千五", 1500),
        ("两万三", 23_000),
        ("一万二千五", 12_500),
        ("一百零五", 105),
        ("八五", 85),  # digits alone: digit by digit (八五折)
        ("九", 9),
        ("一五零", 150),
        ("两", 2),
        ("一百十五", 115),  # 十 right after 百: 一十, as people write it
        ("两百十", 210),
    ],
)
def test_common_forms_read_as_their_number(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize(
    "text",
    # 百十 is "about a hundred"; 一千十五 leaves its hundreds out without 零
    [
        "百一千",
        "二三百",
        "一百零",
        "一百千",
        "零十",
        "零万",
        "",
        "十a",
        "百十",
        "百十五",
        "一千十五",
    ],
)
def test_a_run_that_writes_no_number_reads_as_none(text):
    assert chinese_number(text) is None


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("满一百减二十", "满100减20"),
        ("满两百减三十", "满200减30"),
        ("每满100减10，最高减五十", "每满100减10，最高减50"),
        ("八五 折", "85 折"),
        ("打八折", "打8折"),
        ("减十", "减10"),
        ("满百减十", "满100减10"),
        ("满二三百减十", "满二三百减10"),  # no number: left as written
        ("满1万减1千", "满10000减1000"),  # Arabic digits and one unit
        ("满1.5万减2千", "满15000减2000"),
        ("满１万减５百", "满10000减500"),  # full-width digits
        ("满1万五减十", "满1万5减10"),  # a unit and more after Arabic digits: not read
        ("包邮", "包邮"),
        ("八点五折", "8.5折"),  # 点 before 折: the decimal point
        ("打七点五 折", "打7.5 折"),
        ("满两百打八点五折", "满200打8.5折"),
        ("十点五折", "10.5折"),  # read, and refused as 10.5折 is
        ("八点五", "8点5"),  # 点 not before 折 (a time, 八点): each run on its own, no point
    ],
)
def test_numerals_in_a_text_are_written_in_digits(text, digits):
    assert arabic_numerals(text) == digits

"""Offer values with Chinese numerals past one digit (满一百减二十, 最高减五十, 八五折, 减十),
read in an offers file as their digits are; any other text quarantined as written."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data.chinese_numerals import UNREAD
from promopilot.data.offer_values import CAP_OTHER, EXPECTED
from tests.data.loads import load
from tests.data.test_offer_caps import capped
from tests.data.test_offer_values_every import quarantined, write

WRITTEN = [
    ("percent_off", "九折", ("percent_off", 0.10, 0.0, None)),
    ("percent_off", "八五折", ("percent_off", 0.15, 0.0, None)),  # 85% of the price
    ("percent_off", "八五 折", ("percent_off", 0.15, 0.0, None)),
    ("percent_off", "七五折", ("percent_off", 0.25, 0.0, None)),
    ("percent_off", "八点五折", ("percent_off", 0.15, 0.0, None)),  # 8.5折: 85% of the price
    ("percent_off", "8.5折", ("percent_off", 0.15, 0.0, None)),
    ("percent_off", "8点5折", ("percent_off", 0.15, 0.0, None)),  # Arabic digits, 点 the point
    ("percent_off", "打7 点 5折", ("percent_off", 0.25, 0.0, None)),
    ("percent_off", "满200打8点5折", ("percent_off", 0.15, 200.0, None)),
    ("percent_off", "八点5折", ("percent_off", 0.15, 0.0, None)),
    ("percent_off", "打七点五折", ("percent_off", 0.25, 0.0, None)),
    ("percent_off", "打八折", ("percent_off", 0.20, 0.0, None)),
    ("percent_off", "两折", ("percent_off", 0.80, 0.0, None)),
    ("percent_off", "满两百打九折", ("percent_off", 0.10, 200.0, None)),
    ("amount_off", "满一百减二十", ("amount_off", 20.0, 100.0, None)),
    ("amount_off", "满两百减三十", ("amount_off", 30.0, 200.0, None)),
    ("amount_off", "满一百五十减二十", ("amount_off", 20.0, 150.0, None)),
    ("amount_off", "满一百零五减十", ("amount_off", 10.0, 105.0, None)),
    ("amount_off", "满一百十五减十", ("amount_off", 10.0, 115.0, None)),  # 一百一十五
    ("amount_off", "满两百十减二十", ("amount_off", 20.0, 210.0, None)),
    ("amount_off", "满三千减五百", ("amount_off", 500.0, 3000.0, None)),
    ("amount_off", "满百减十", ("amount_off", 10.0, 100.0, None)),
    ("amount_off", "满1万减1千", ("amount_off", 1000.0, 10000.0, None)),
    ("amount_off", "满1.5万减2千", ("amount_off", 2000.0, 15000.0, None)),
    ("amount_off", "减十", ("amount_off", 10.0, 0.0, None)),
    ("amount_off", "立减20", ("amount_off", 20.0, 0.0, None)),
    ("amount_off", "二十", ("amount_off", 20.0, 0.0, None)),
    ("amount_off", "每满一百减十", ("amount_off_every", 10.0, 100.0, None)),
    ("amount_off", "每满100减10，最高减五十", ("amount_off_every", 10.0, 100.0, 50.0)),
    ("amount_off", "每满一百减十（封顶五十元）", ("amount_off_every", 10.0, 100.0, 50.0)),
    ("free_shipping", "满九十九包邮", ("free_shipping", 5.0, 99.0, None)),
]


@pytest.mark.parametrize(("kind", "text", "expected"), WRITTEN)
def test_chinese_numerals_are_read_as_their_digits(tmp_path, store, kind, text, expected):
    path = write(tmp_path / "offers.csv", f"offer_id,kind,value\nx,{kind},{text}\n")
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 0), quarantined(store)
    assert capped(store) == {"x": expected}


def test_a_workbook_reads_them_too_and_reingesting_adds_nothing(tmp_path, store):
    path = tmp_path / "offers.xlsx"
    pd.DataFrame(
        {
            "offer_id": [f"o{i}" for i in range(len(WRITTEN))],
            "kind": [k for k, _, _ in WRITTEN],
            "value": [t for _, t, _ in WRITTEN],
        }
    ).to_excel(path, index=False)
    report = load(store, path)
    assert (report.n_read, report.n_loaded) == (len(WRITTEN), len(WRITTEN))
    assert capped(store) == {f"o{i}": e for i, (_, _, e) in enumerate(WRITTEN)}
    again = load(store, path)
    assert (again.n_new, again.n_loaded) == (0, len(WRITTEN))


def test_numerals_that_write_no_offer_are_quarantined_as_written(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend,max_discount\n"
        "ok,amount_off,满一百减二十,,\n"
        "a,percent_off,十折,,\n"  # the whole price: no discount
        "b,percent_off,九十折,,\n"
        "c,amount_off,满一百减二十,200,\n"  # min_spend says another threshold
        "d,amount_off,满二三百减十,,\n"  # no number
        "e,amount_off,满1万五减十,,\n"  # a unit and more after Arabic digits: not read
        "f,amount_off,每满一百减十，最高减五十,,60\n"  # another cap beside it
        "g,percent_off,减十,,\n"  # an amount is no percent
        "h,percent_off,十点五折,,\n"  # 10.5折: more than the price
        "i,amount_off,满百十减十,,\n"  # 百十: about a hundred, no amount
        "j,percent_off,10点5折,,\n"  # 10.5折 in Arabic digits
        "k,percent_off,8点折,,\n"  # no digit after the point
        "l,amount_off,一千十五,,\n",  # its hundreds left out without 零 (一千零一十五)
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (13, 1, 12)
    assert capped(store) == {"ok": ("amount_off", 20.0, 100.0, None)}
    assert quarantined(store) == [
        [3, "value", "十折", EXPECTED],
        [4, "value", "九十折", EXPECTED],
        [5, "value", "满一百减二十", EXPECTED],
        [6, "value", "满二三百减十", UNREAD.format(run="二三百", hint="")],
        [7, "value", "满1万五减十", EXPECTED],
        [8, "value", "每满一百减十，最高减五十", CAP_OTHER],
        [9, "value", "减十", EXPECTED],
        [10, "value", "十点五折", EXPECTED],
        [11, "value", "满百十减十", UNREAD.format(run="百十", hint=" (百十 is about a hundred)")],
        [12, "value", "10点5折", EXPECTED],
        [13, "value", "8点折", EXPECTED],
        [14, "value", "一千十五", UNREAD.format(run="一千十五", hint="")],
    ]


def test_min_spend_and_max_discount_in_chinese_numerals_are_read(tmp_path, store):
    # the amount columns as the value is read: 一百五十 150, 两百 200, 1万 10000; a threshold
    # written in the value is compared with the column's number
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend,max_discount\n"
        "a,amount_off,20,一百五十,\n"
        "b,amount_off,30,两百,\n"
        "c,amount_off,1000,1万,\n"
        "d,amount_off_every,10,一百,五十\n"
        "e,percent_off,0.1,,三十\n"
        "f,amount_off,满一百五十减二十,一百五十,\n"  # the same threshold twice
        "g,percent_off,九折,１千,两百\n"
        "h,percent_off,0.1,两百元,五十元\n"  # a currency word after it, as 200元 is read
        "i,percent_off,0.1,200元,50元\n",
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (9, 9, 0), quarantined(store)
    assert capped(store) == {
        "a": ("amount_off", 20.0, 150.0, None),
        "b": ("amount_off", 30.0, 200.0, None),
        "c": ("amount_off", 1000.0, 10000.0, None),
        "d": ("amount_off_every", 10.0, 100.0, 50.0),
        "e": ("percent_off", 0.1, 0.0, 30.0),
        "f": ("amount_off", 20.0, 150.0, None),
        "g": ("percent_off", 0.1, 1000.0, 200.0),
        "h": ("percent_off", 0.1, 200.0, 50.0),
        "i": ("percent_off", 0.1, 200.0, 50.0),
    }
    again = load(store, path)
    assert (again.n_read, again.n_loaded, again.n_new, again.n_quarantined) == (9, 9, 0, 0)


def test_an_amount_that_is_no_number_stays_quarantined_with_its_reason(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend,max_discount\n"
        "ok,amount_off,20,两百,\n"
        "a,amount_off,20,二三百,\n"  # no number
        "c,amount_off,20,满两百,\n"  # 满200 is no number: named as written
        "d,amount_off,满一百减二十,两百,\n"  # another threshold than the value's
        "e,amount_off_every,10,一百,五\n",  # a cap below one step's value
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (5, 1, 4)
    got = quarantined(store)
    assert [row[:3] for row in got] == [
        [3, "min_spend", "二三百"],
        [4, "min_spend", "满两百"],
        [5, "value", "满一百减二十"],
        [6, "max_discount", "5"],  # named as read, as a cap read from the value is
    ]
    assert [row[3] for row in got[:2]] == ["expected a number"] * 2
    assert got[2][3] == EXPECTED
    assert got[3][3].startswith("max_discount below the offer's value")

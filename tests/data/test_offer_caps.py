"""A cap on what one order gets off an offer (max_discount): written in its own column or after
the value (每满100减10，最高减50, 20% off, up to 30), refused below one step's value, and a store
made before the column existed opens and takes it."""

from __future__ import annotations

import duckdb
import pytest

from promopilot.data.offer_values import CAP_BELOW, CAP_FIXED, CAP_OTHER, CAP_ZERO, EXPECTED
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_offer_values_every import quarantined, write


def capped(store: Store) -> dict[str, tuple]:
    rows = store.query(
        "SELECT offer_id, kind, value, min_spend, max_discount FROM offers"
    ).values.tolist()
    return {
        r[0]: (r[1], round(r[2], 9), r[3], None if r[4] != r[4] or r[4] is None else r[4])
        for r in rows
    }


EVERY_10_100_CAP_50 = ("amount_off_every", 10.0, 100.0, 50.0)


@pytest.mark.parametrize(
    ("kind", "written", "expected"),
    [
        ("amount_off", "每满100减10，最高减50", EVERY_10_100_CAP_50),  # full-width comma
        ("amount_off_every", "每满100减10,最高减50", EVERY_10_100_CAP_50),
        ("amount_off", "每满100减10 最多减50元", EVERY_10_100_CAP_50),
        ("amount_off", "每满100减10（封顶50元）", EVERY_10_100_CAP_50),  # full-width brackets
        ("amount_off", "每满100元减10元，最高50", EVERY_10_100_CAP_50),
        ("amount_off", "每满１００减１０，最高减５０", EVERY_10_100_CAP_50),  # full-width digits
        ("amount_off", "每满100减10, up to ¥50", EVERY_10_100_CAP_50),
        ("amount_off", "$10 off every $100, up to $50", EVERY_10_100_CAP_50),  # English
        ("amount_off_every", "¥10 off each ¥100 (max ¥50)", EVERY_10_100_CAP_50),
        ("amount_off", "10 off per 100", ("amount_off_every", 10.0, 100.0, None)),
        ("amount_off", "满300减30 最高减60", ("amount_off_every", 30.0, 300.0, 60.0)),  # repeats
        ("amount_off", "满300减30上不封顶", ("amount_off_every", 30.0, 300.0, None)),  # no cap
        ("amount_off", "满300减30", ("amount_off", 30.0, 300.0, None)),
        ("percent_off", "20% off, up to $30", ("percent_off", 0.2, 0.0, 30.0)),
        ("percent_off", "20% off at most 30", ("percent_off", 0.2, 0.0, 30.0)),
        ("percent_off", "0.2, max 30", ("percent_off", 0.2, 0.0, 30.0)),
        ("percent_off", "8折，最多减30", ("percent_off", 0.2, 0.0, 30.0)),
        ("percent_off", "满200打9折 capped at 40", ("percent_off", 0.1, 200.0, 40.0)),
    ],
)
def test_a_cap_written_after_the_value_is_read_as_max_discount(
    tmp_path, store, kind, written, expected
):
    path = write(tmp_path / "offers.csv", f'offer_id,kind,value\no,{kind},"{written}"\n')
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 0), quarantined(store)
    assert capped(store) == {"o": expected}


def test_the_column_max_discount_and_its_synonyms_are_read(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend,最高减\n"
        "a,amount_off_every,10,100,50\n"
        "b,amount_off,每满100减10，最高减50,,50\n"  # the same cap twice
        "c,percent_off,0.2,,30\n"
        "d,amount_off,20,150,\n",  # no cap
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (4, 0)
    assert capped(store) == {
        "a": EVERY_10_100_CAP_50,
        "b": EVERY_10_100_CAP_50,
        "c": ("percent_off", 0.2, 0.0, 30.0),
        "d": ("amount_off", 20.0, 150.0, None),
    }


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        ("amount_off_every,10,100,5", "max_discount", "5", CAP_BELOW),  # below one step
        ("amount_off,每满100减10，最高减5,,", "max_discount", "5", CAP_BELOW),
        ("amount_off,30,300,20", "max_discount", "20", CAP_FIXED),  # 30 off or 20?
        ("free_shipping,8,99,5", "max_discount", "5", CAP_FIXED),
        ("percent_off,0.1,,0", "max_discount", "0", CAP_ZERO),
        ("amount_off_every,10,100,-50", "max_discount", "-50", "negative max_discount"),
        ("amount_off,每满100减10，最高减50,,40", "value", "每满100减10，最高减50", CAP_OTHER),
        ("amount_off,最高减50,,", "value", "最高减50", EXPECTED),  # a cap of nothing
        (
            "amount_off,每满100减10 上不封顶 最高减50,,",
            "value",
            "每满100减10 上不封顶 最高减50",
            EXPECTED,
        ),
    ],
)
def test_a_cap_that_cannot_be_is_quarantined_with_its_reason(
    tmp_path, store, row, column, value, reason
):
    path = write(
        tmp_path / "offers.csv",
        f"offer_id,kind,value,min_spend,max_discount\nok,amount_off,5,,\nx,{row}\n",
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (2, 1, 1)
    ((line, col, val, why),) = quarantined(store)
    assert (line, col) == (3, column)
    assert val == value
    assert why.startswith(reason)


def test_a_cap_on_a_fixed_amount_off_is_not_stored_and_the_note_names_the_offers(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend,max_discount\n"
        "a,amount_off,满150减20,,40\n"  # 20 off, whatever the cap above it
        "b,free_shipping,8,99,10\n"
        "c,amount_off,20,150,20\n"
        "d,amount_off_every,10,100,50\n"  # caps that bound: kept
        "e,percent_off,0.2,,30\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (5, 0)
    assert capped(store) == {
        "a": ("amount_off", 20.0, 150.0, None),
        "b": ("free_shipping", 8.0, 99.0, None),
        "c": ("amount_off", 20.0, 150.0, None),
        "d": EVERY_10_100_CAP_50,
        "e": ("percent_off", 0.2, 0.0, 30.0),
    }
    (note,) = [n for n in report.files[0].notes if "max_discount" in n]
    assert note.startswith(
        "max_discount of 3 offers of one fixed amount off (amount_off or "
        "free_shipping: a, b, c) cannot change what they take off: not stored"
    )
    again = load(store, path)
    assert (again.n_new, again.n_loaded, again.n_quarantined) == (0, 5, 0)


def test_reingesting_capped_offers_adds_nothing(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,max_discount\n"
        'a,amount_off,"每满100减10，最高减50",\n'
        "b,percent_off,0.2,30\n",
    )
    assert load(store, path).n_new == 2
    again = load(store, path)
    assert (again.n_new, again.n_loaded, again.n_quarantined) == (0, 2, 0)


def test_a_store_made_before_max_discount_opens_and_takes_capped_offers(tmp_path):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        load(
            store,
            write(tmp_path / "offers.csv", "offer_id,kind,value,min_spend\nx,amount_off,20,150\n"),
        )
        # the offers table as an older version made it: no max_discount column
        store.execute("ALTER TABLE offers DROP COLUMN max_discount")
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("DESCRIBE offers").fetchall()]
        assert "max_discount" not in names
    (tmp_path / "new").mkdir()
    with Store(db) as store:  # any command's open
        assert capped(store) == {"x": ("amount_off", 20.0, 150.0, None)}
        path = write(
            tmp_path / "new" / "offers.csv",
            'offer_id,kind,value\nc,amount_off,"满300减30，最高减60"\n',
        )
        report = load(store, path)
        assert (report.n_loaded, report.n_quarantined) == (1, 0)
        assert capped(store)["c"] == ("amount_off_every", 30.0, 300.0, 60.0)
        # the old file again: nothing new
        again = load(store, tmp_path / "offers.csv")
        assert (again.n_new, again.n_quarantined) == (0, 0)

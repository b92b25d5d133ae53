"""Offer values as shops write them (9折, 95折, 10% off, 满150减20), read as the number
``offers.value`` holds; any other text quarantined with the forms it may take."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promopilot.data.offer_values import EXPECTED
from promopilot.data.store import Store
from tests.data.loads import load


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def offers(store: Store) -> dict[str, tuple[str, float, float]]:
    rows = store.query("SELECT offer_id, kind, value, min_spend FROM offers").values.tolist()
    return {r[0]: (r[1], round(r[2], 9), r[3]) for r in rows}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("9折", 0.10),
        ("8.5折", 0.15),
        ("95折", 0.05),
        ("7折", 0.30),
        ("0.5折", 0.95),
        ("打8折", 0.20),
        ("九折", 0.10),
        ("九五折", 0.05),
        ("10%", 0.10),
        ("10% off", 0.10),
        ("10%off", 0.10),
        ("12.5% OFF", 0.125),
        ("10％", 0.10),
        (" 9 折 ", 0.10),
        ("0.1", 0.10),
        ("９折", 0.10),  # full-width digits, as a Chinese input method writes them
        ("８.５折", 0.15),
        ("１０％", 0.10),
    ],
)
def test_a_percent_off_value_written_as_shops_write_it_is_the_fraction_off(
    tmp_path, store, written, value
):
    path = write(tmp_path / "offers.csv", f"offer_id,kind,value\nx,percent_off,{written}\n")
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 0)
    assert offers(store) == {"x": ("percent_off", value, 0.0)}


def test_manjian_gives_the_amount_off_and_its_threshold(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend\n"
        "a,amount_off,满150减20,\n"
        "b,amount_off,满 300 元 减 50 元,300\n"
        "c,amount_off,满150减20,200\n",  # min_spend says another threshold: not read
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (2, 1)
    assert offers(store) == {"a": ("amount_off", 20.0, 150.0), "b": ("amount_off", 50.0, 300.0)}
    got = store.query('SELECT line, "column", value, reason FROM quarantine').values.tolist()
    assert got == [[4, "value", "满150减20", EXPECTED]]


def test_a_percent_off_over_a_threshold_gives_the_fraction_and_its_threshold(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend\n"
        "a,percent_off,满200打9折,\n"
        "b,percent_off,满 300 元 8.5折,300\n"
        "c,percent_off,满１５０打９折,\n"
        "d,percent_off,满200打9折,100\n"  # min_spend says another threshold: not read
        "e,amount_off,满200打9折,\n",  # a percent is no amount off
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (3, 2)
    assert offers(store) == {
        "a": ("percent_off", 0.10, 200.0),
        "b": ("percent_off", 0.15, 300.0),
        "c": ("percent_off", 0.10, 150.0),
    }
    got = store.query("SELECT line, value FROM quarantine ORDER BY line").values.tolist()
    assert got == [[5, "满200打9折"], [6, "满200打9折"]]


def test_manjian_without_a_min_spend_column_sets_it(tmp_path, store):
    path = write(tmp_path / "offers.csv", "offer_id,kind,value\nm,amount_off,满99减10\n")
    load(store, path)
    assert offers(store) == {"m": ("amount_off", 10.0, 99.0)}


@pytest.mark.parametrize(
    ("kind", "written"),
    [
        ("percent_off", "10折"),  # the whole price: no discount
        ("percent_off", "0折"),  # no price at all
        ("percent_off", "100%"),
        ("percent_off", "105折"),
        ("percent_off", "九十折"),
        ("percent_off", "满150减20"),  # a threshold is amount_off's
        ("amount_off", "9折"),  # a share of the price is percent_off's
        ("percent_off", "ten percent"),
    ],
)
def test_other_writings_are_quarantined_naming_the_forms_accepted(tmp_path, store, kind, written):
    path = write(
        tmp_path / "offers.csv", f"offer_id,kind,value\nok,percent_off,9折\nbad,{kind},{written}\n"
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (2, 1, 1)
    got = store.query('SELECT line, "column", value, reason FROM quarantine').values.tolist()
    assert got == [[3, "value", written, EXPECTED]]
    for form in ("9折", "8.5折", "95折", "10%", "10% off", "满150减20"):
        assert form in EXPECTED


def test_reingesting_written_values_adds_nothing(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value\na,percent_off,9折\nb,percent_off,10% off\nc,amount_off,满150减20\n",
    )
    assert load(store, path).n_new == 3
    again = load(store, path)
    assert (again.n_new, again.n_loaded) == (0, 3)


# the share of the price paid in tenths (one digit, maybe a decimal, its point . or 点: 8点5折)
# or hundredths (two digits)
TENTHS = st.tuples(
    st.decimals(min_value="0.1", max_value="9.9", places=1), st.sampled_from(".点")
).map(
    lambda d: (f"{d[0].normalize():f}".replace(".", d[1]) + "折", round((10 - float(d[0])) / 10, 9))
)
HUNDREDTHS = st.integers(1, 9).flatmap(
    lambda a: st.integers(1, 9).map(lambda b: (f"{a}{b}折", round((100 - (10 * a + b)) / 100, 9)))
)
PERCENTS = st.tuples(
    st.integers(0, 99), st.sampled_from(["%", "% off", "%off", "％", " % OFF"])
).map(lambda p: (f"{p[0]}{p[1]}", p[0] / 100))
REFUSED = st.sampled_from(
    ["10折", "0折", "0.0折", "100%", "150%", "折", "10.5折", "10点5折", "8点折", "%"]
)


@settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.one_of(TENTHS, HUNDREDTHS, PERCENTS, REFUSED.map(lambda v: (v, None))),
        min_size=1,
        max_size=25,
    )
)
def test_every_written_percent_is_read_as_its_fraction_or_quarantined(rows):
    text = "offer_id,kind,value\n" + "".join(
        f"o{i},percent_off,{written}\n" for i, (written, _) in enumerate(rows)
    )
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        report = load(store, write(Path(tmp) / "offers.csv", text))
        got = offers(store)
        want = {f"o{i}": v for i, (_, v) in enumerate(rows) if v is not None}
        assert {k: v[1] for k, v in got.items()} == {k: round(v, 9) for k, v in want.items()}
        assert report.n_quarantined == len(rows) - len(want)
        lines = store.query("SELECT line FROM quarantine ORDER BY line")["line"].tolist()
        assert lines == [i + 2 for i, (_, v) in enumerate(rows) if v is None]

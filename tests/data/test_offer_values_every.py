"""Offers as Chinese shops write them beyond 9折 and 满150减20: 每满150减20 (20 off for every
full 150, the kind amount_off_every) and 包邮 / 满99包邮 (free shipping, its fee the setting
offers.free_shipping_fee, named in the ingest notes)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promopilot.data.offer_values import EXPECTED, FEE_MISSING, KINDS, STEP
from promopilot.data.store import Store
from tests.data.loads import load


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def offers(store: Store) -> dict[str, tuple[str, float, float]]:
    rows = store.query("SELECT offer_id, kind, value, min_spend FROM offers").values.tolist()
    return {r[0]: (r[1], round(r[2], 9), r[3]) for r in rows}


def quarantined(store: Store) -> list[list]:
    return store.query(
        'SELECT line, "column", value, reason FROM quarantine ORDER BY line'
    ).values.tolist()


@pytest.fixture
def fee(tmp_path, monkeypatch):
    """A settings file whose [offers] free_shipping_fee is the value written to it."""

    def set_fee(value: float) -> None:
        path = tmp_path / "promopilot.toml"
        path.write_text(f"[offers]\nfree_shipping_fee = {value}\n", encoding="utf-8")
        monkeypatch.setenv("PROMOPILOT_CONFIG", str(path))

    return set_fee


def test_meiman_is_read_as_amount_off_every_with_its_step(tmp_path, store):
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend\n"
        "a,amount_off,每满150减20,\n"  # the 满减 kind with the text: read as the new kind
        "b,amount_off_every,每满 150 元 减 20 元,150\n"
        "c,amount_off_every,20,150\n"  # the kind and its numbers
        "d,amount_off_every,满100减10,\n"  # the kind says every step
        "e,amount_off,每满１５０减２０,\n"  # full-width digits
        "f,amount_off,满150减20,\n"  # plain 满减 stays amount_off
        "g,amount_off,满150减20上不封顶,\n"  # "no cap": every step
        'h,amount_off,"每满150元减20元， 上不封顶",\n',
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (8, 0)
    every = ("amount_off_every", 20.0, 150.0)
    assert offers(store) == {
        "a": every,
        "b": every,
        "c": every,
        "d": ("amount_off_every", 10.0, 100.0),
        "e": every,
        "f": ("amount_off", 20.0, 150.0),
        "g": every,
        "h": every,
    }


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        ("amount_off,每满150减20,200", "value", "每满150减20", EXPECTED),  # another threshold
        ("amount_off_every,20,", "min_spend", None, STEP),  # no step
        ("amount_off_every,30,30", "min_spend", "30", STEP),  # all of every step off
        ("amount_off_every,9折,150", "value", "9折", EXPECTED),
        ("percent_off,每满150减20,", "value", "每满150减20", EXPECTED),
        ("amount_off,满99包邮,", "value", "满99包邮", EXPECTED),  # 包邮 is free_shipping's
        ("stacked_off,20,150", "kind", "stacked_off", KINDS),
        ("percent_off,满200打9折上不封顶,", "value", "满200打9折上不封顶", EXPECTED),
        ("free_shipping,包邮上不封顶,", "value", "包邮上不封顶", EXPECTED),
    ],
)
def test_meiman_that_cannot_be_read_is_quarantined_with_its_reason(
    tmp_path, store, row, column, value, reason
):
    path = write(
        tmp_path / "offers.csv", f"offer_id,kind,value,min_spend\nok,amount_off,5,\nx,{row}\n"
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (2, 1, 1)
    assert quarantined(store) == [[3, column, value, reason]]


def test_the_reasons_name_every_kind_and_the_forms_on_one_line():
    assert "amount_off_every" in KINDS and "free_shipping" in KINDS
    for form in ("9折", "10% off", "满150减20", "每满150减20", "包邮", "满99包邮", "满200打9折"):
        assert form in EXPECTED
    assert "\n" not in EXPECTED and len(EXPECTED) < 260


def test_baoyou_takes_its_threshold_and_the_configured_fee_named_in_the_notes(tmp_path, store, fee):
    fee(8)
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend\n"
        "a,free_shipping,满99包邮,\n"
        "b,free_shipping,满 99 元免邮,99\n"
        "c,free_shipping,包邮,\n"
        "d,free_shipping,免运费,50\n"
        "e,free_shipping,6,99\n"  # the fee written: no setting taken
        "f,free_shipping,满99包邮,120\n",  # min_spend says another threshold
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (5, 1)
    assert offers(store) == {
        "a": ("free_shipping", 8.0, 99.0),
        "b": ("free_shipping", 8.0, 99.0),
        "c": ("free_shipping", 8.0, 0.0),
        "d": ("free_shipping", 8.0, 50.0),
        "e": ("free_shipping", 6.0, 99.0),
    }
    assert quarantined(store) == [[7, "value", "满99包邮", EXPECTED]]
    (note,) = [n for f in report.files for n in f.notes if "包邮" in n]
    assert "4 free-shipping offers" in note and "shipping fee 8" in note
    assert "offers.free_shipping_fee" in note


def test_baoyou_without_a_fee_set_is_quarantined_naming_the_missing_fee(tmp_path, store, fee):
    fee(0)
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value,min_spend\na,free_shipping,满99包邮,\nb,free_shipping,5,99\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 1)
    assert quarantined(store) == [[2, "value", "满99包邮", FEE_MISSING]]
    assert not [n for f in report.files for n in f.notes if "包邮" in n]


def test_reingesting_meiman_and_baoyou_adds_nothing(tmp_path, store, fee):
    fee(5)
    path = write(
        tmp_path / "offers.csv",
        "offer_id,kind,value\na,amount_off,每满150减20\nb,free_shipping,满99包邮\n",
    )
    assert load(store, path).n_new == 2
    again = load(store, path)
    assert (again.n_new, again.n_loaded, again.n_quarantined) == (0, 2, 0)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(
            st.integers(2, 5000),  # the step
            st.floats(0.01, 0.99),  # the value as a share of it
            st.sampled_from(["每满{s}减{v}", "每满 {s} 元 减 {v} 元", "满{s}减{v}上不封顶"]),
            st.booleans(),  # full-width digits
            st.sampled_from(["amount_off", "amount_off_every"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_written_meiman_is_read_as_its_step_and_value(rows):
    text = "offer_id,kind,value\n"
    want = {}
    for i, (step, share, form, wide, kind) in enumerate(rows):
        value = max(1, int(step * share))
        if value >= step:
            value = step - 1
        written = form.format(s=step, v=value)
        text += f"o{i},{kind},{written.translate(FULL_WIDTH) if wide else written}\n"
        want[f"o{i}"] = ("amount_off_every", float(value), float(step))
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        report = load(store, write(Path(tmp) / "offers.csv", text))
        assert report.n_quarantined == 0
        assert offers(store) == want

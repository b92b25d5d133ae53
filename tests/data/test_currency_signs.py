"""A currency code and the sign it is written with are one currency: a shop whose setting says
``currency = "USD"`` and whose currency cells (or store) say ``$`` is not refused as a mismatch;
a sign of another currency still is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.currency import (
    plan_currency_error,
    shop_currency,
    sign_agrees,
    stored_currency,
)
from promopilot.data.ingest import ingest
from promopilot.data.loading import FileRefused
from promopilot.exceptions import InputError
from tests.data.loads import load

HEADER = "order_id,timestamp,customer_id,product_id,quantity,unit_price,currency"


def orders(folder: Path, cells: list[str], price: str = "$12.50") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"A{i},2025-03-0{i + 1},c{i},p1,1,{price},{c}\n" for i, c in enumerate(cells))
    (folder / "orders.csv").write_text(f"{HEADER}\n{rows}", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)


@pytest.mark.parametrize(
    ("code", "cells"),
    [
        ("USD", ["$", "$", "USD"]),
        ("EUR", ["€", "eur"]),
        ("CNY", ["￥", "元", "¥"]),
        ("JPY", ["円"]),
    ],
)
def test_a_setting_and_its_sign_in_the_currency_cells_are_one_currency(
    tmp_path, store, monkeypatch, code, cells
):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", code)
    f = load(store, orders(tmp_path / "shop", cells)).files[0]
    # before: every $ line quarantined, "another currency than the shop's USD"
    assert (f.n_loaded, f.n_quarantined) == (len(cells), 0)
    assert stored_currency(store) == code


def test_a_sign_of_another_currency_is_still_refused_in_one_line(tmp_path, store, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    with pytest.raises(FileRefused) as refused:
        ingest(store, orders(tmp_path / "shop", ["$", "$"]))
    message = str(refused.value)
    assert "\n" not in message
    assert "column currency `$`: another currency than the shop's EUR" in message


def test_a_store_kept_as_dollar_agrees_with_a_usd_setting(tmp_path, store, monkeypatch):
    load(store, orders(tmp_path / "first", ["$", "$"]))
    assert stored_currency(store) == "$"  # no code known: kept as the cells write it
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "USD")
    # before: "the currency setting is USD but the store's orders are in $"
    later = orders(tmp_path / "later", ["$", "USD"])
    f = load(store, later).files[0]
    assert (f.n_loaded, f.n_quarantined) == (2, 0)
    assert stored_currency(store) == "USD"
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "GBP")  # a real mismatch is still refused
    with pytest.raises(InputError, match="the currency setting is GBP but the store's orders"):
        ingest(store, later)


def test_a_plan_written_in_the_stores_sign_is_the_stores_currency():
    assert plan_currency_error(pd.DataFrame({"currency": ["$"]}), "USD") is None
    assert plan_currency_error(pd.DataFrame({"currency": ["USD"]}), "$") is None
    assert plan_currency_error(pd.DataFrame({"currency": ["￥"]}), "CNY") is None
    assert "'$'" in plan_currency_error(pd.DataFrame({"currency": ["$"]}), "EUR")


def test_a_full_width_yen_sign_agrees_with_cny_and_jpy():
    assert sign_agrees("￥", "CNY") and sign_agrees("￥", "JPY") and sign_agrees("$", "CAD")
    assert not sign_agrees("￥", "USD") and not sign_agrees("$", "EUR")


@pytest.mark.parametrize("setting", ["¥", "￥"])
def test_a_yen_sign_setting_keeps_its_own_yen_cells(tmp_path, store, monkeypatch, setting):
    """currency = "¥" (or the full-width "￥") with currency cells ¥ and ￥ quarantined every
    line: "another currency than the shop's ¥ ... (lines in ¥ are kept)"."""
    monkeypatch.setenv("PROMOPILOT_CURRENCY", setting)
    f = load(store, orders(tmp_path / "shop", ["¥", "￥", "USD"], price="￥8.00")).files[0]
    assert (f.n_loaded, f.n_quarantined) == (2, 1)
    reason = store.scalar("SELECT reason FROM quarantine")
    assert (
        reason == "another currency than the shop's ¥: one currency per store (lines in ¥ are kept)"
    )
    assert shop_currency(store) == "¥"  # the full-width setting is the sign ¥

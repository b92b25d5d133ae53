"""``[contact] default_country``: the country of a customer id such as ``15551234567`` (no ``+``
or ``00``), ``CN`` (+86, the default) or ``US`` (+1); a store keeps the one it was built with."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.config import load_contact_settings
from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError

ORDERS = (
    "order_id,customer_id,product_id,timestamp,quantity,unit_price\n"
    "o1,15551234567,p1,2026-01-02,1,10\n"
    "o2,+1 555 123 4567,p1,2026-01-03,1,10\n"
    "o3,1-555-123-4567,p1,2026-01-04,1,10\n"
    "o4,13800138000,p1,2026-01-05,1,10\n"
)


def _settings(tmp_path: Path, monkeypatch, country: str | None) -> None:
    path = tmp_path / f"settings-{country}.toml"
    text = f'[contact]\ndefault_country = "{country}"\n' if country else ""
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PROMOPILOT_CONFIG", str(path))


def _customers(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, tmp_path / "orders.csv")
        rows = store.query("SELECT order_id, customer_id FROM orders")
        return dict(zip(rows["order_id"], rows["customer_id"], strict=True))


def test_a_us_shops_number_without_plus_is_the_customer_its_plus_one_number_is(
    tmp_path, monkeypatch
):
    _settings(tmp_path, monkeypatch, "US")
    ids = _customers(tmp_path)
    assert not [i for i in ids.values() if "555" in i]  # 1-555-123-4567 hashed too
    assert ids["o1"] == ids["o2"] == ids["o3"] == stored_customer_id("+1 555 123 4567")
    assert ids["o4"] == stored_customer_id("+1 380 013 8000")  # read as +1 too: the setting's
    assert stored_customer_id("15551234567") == stored_customer_id("+15551234567")


def test_by_default_such_a_number_is_a_chinese_mobile_as_before(tmp_path, monkeypatch):
    _settings(tmp_path, monkeypatch, None)
    ids = _customers(tmp_path)
    assert ids["o1"] == stored_customer_id("+86 155 5123 4567") != ids["o2"]
    assert ids["o4"] == stored_customer_id("+86 138 0013 8000")


def test_a_store_keeps_the_country_it_was_built_with(tmp_path, monkeypatch):
    _settings(tmp_path, monkeypatch, None)
    _customers(tmp_path)  # built with CN
    _settings(tmp_path, monkeypatch, "US")
    with pytest.raises(InputError, match=r'as \+86 .*default_country = "CN"'):
        Store(tmp_path / "s.duckdb")
    with pytest.raises(InputError, match=r"as \+86"):
        Store(tmp_path / "s.duckdb", read_only=True)
    us = tmp_path / "us"
    us.mkdir()
    _customers(us)  # built with US
    _settings(tmp_path, monkeypatch, "CN")
    with pytest.raises(InputError, match=r'as \+1 .*default_country = "US"'):
        Store(us / "s.duckdb")
    _settings(tmp_path, monkeypatch, "US")
    with Store(us / "s.duckdb") as store:  # its own country: opened
        assert store.count("orders") == 4


def test_another_country_is_refused_in_one_line(tmp_path, monkeypatch):
    _settings(tmp_path, monkeypatch, "FR")
    with pytest.raises(InputError, match=r"\[contact\] default_country 'FR': expected CN or US"):
        load_contact_settings()

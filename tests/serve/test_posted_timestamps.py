"""``POST /v1/orders`` and ``/v1/events`` read timestamps as ingest reads a shop file's: the
batch's format is detected from its values (2025年11月30日 10:00:00, 30.11.2025 10:00, ...)."""

from __future__ import annotations

import pytest

from tests.serve.conftest import ADMIN_H


def _order(order_id: str, timestamp: str, **more) -> dict:
    return {
        "order_id": order_id,
        "timestamp": timestamp,
        "customer_id": "c3",
        "product_id": "p2",
        "quantity": 1,
        "unit_price": 12,
        **more,
    }


@pytest.mark.parametrize(
    "timestamp",
    ["2025年11月30日 10:00:00", "2025年11月30日 10:00", "30.11.2025 10:00", "2025/11/30 10:00"],
)
def test_an_order_with_a_timestamp_a_file_may_hold_is_accepted(client, store, timestamp):
    answer = client.post("/v1/orders", json=[_order("z1", timestamp)], headers=ADMIN_H)
    assert answer.status_code == 200
    assert answer.json() == {"accepted": 1, "rejected": []}
    stored = store.query(
        "SELECT strftime(timestamp, '%Y-%m-%d %H:%M') AS t FROM orders WHERE order_id = 'z1'"
    )
    assert stored["t"].tolist() == ["2025-11-30 10:00"]


def test_an_event_with_a_chinese_timestamp_is_accepted(client, store):
    event = {
        "timestamp": "2026年11月2日 09:30:00",
        "customer_id": "c1",
        "product_id": "p1",
        "event": "view",
    }
    answer = client.post("/v1/events", json=[event], headers=ADMIN_H)
    assert answer.json() == {"accepted": 1, "rejected": []}
    assert store.scalar("SELECT count(*) FROM events WHERE timestamp = '2026-11-02 09:30'") == 1


def test_dates_that_could_be_day_or_month_first_are_refused_in_one_line(client, store):
    before = store.count("orders")
    answer = client.post("/v1/orders", json=[_order("z2", "01/02/2026 10:00")], headers=ADMIN_H)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("the posted orders: column timestamp: dates like `01/02/2026 10:00`")
    assert "set date_format in promopilot.toml to '%m/%d/%Y %H:%M' (month-first)" in detail
    assert "--date-format" not in detail and ".parquet" not in detail
    assert store.count("orders") == before


def test_a_json_number_is_not_read_as_thousands_beside_decimal_comma_text(client, store):
    # "39,90" makes the batch one that writes decimal commas, where the text 1.299 is 1,299;
    # the JSON number 1.299 is one and a bit
    items = [
        _order("z3", "2026-11-03T08:00:00", unit_price="39,90"),
        _order("z4", "2026-11-03T08:00:00", unit_price=1.299),
    ]
    assert client.post("/v1/orders", json=items, headers=ADMIN_H).json()["accepted"] == 2
    prices = store.query(
        "SELECT order_id, unit_price FROM orders WHERE order_id IN ('z3', 'z4') ORDER BY 1"
    )
    assert prices["unit_price"].tolist() == [39.9, 1.299]

"""Posted records in the data layer: the ingest's checks, and idempotency keys that survive a
restart (they live in the store)."""

from __future__ import annotations

import pytest

from promopilot.data.records import IdempotencyConflictError, store_records
from promopilot.data.store import Store
from promopilot.exceptions import InputError

EVENT = {
    "timestamp": "2026-11-01T10:00:00",
    "customer_id": "顾客一",
    "product_id": "商品",
    "event": "view",
    "value": 1.5,
    "session_id": 42,
}


def test_a_retry_after_a_restart_is_answered_from_the_store(tmp_path):
    db = tmp_path / "shop.duckdb"
    with Store(db) as store:
        first = store_records(
            store, "events", [EVENT, {**EVENT, "timestamp": "x"}], idempotency_key="abc"
        )
    with Store(db) as store:
        again = store_records(
            store, "events", [EVENT, {**EVENT, "timestamp": "x"}], idempotency_key="abc"
        )
        assert again.replayed and again.to_dict() == first.to_dict()
        assert store.count("events") == 1
        row = store.query("SELECT customer_id, product_id, value, session_id FROM events")
        assert row.values.tolist() == [["顾客一", "商品", 1.5, "42"]]
        with pytest.raises(IdempotencyConflictError):
            store_records(store, "events", [EVENT], idempotency_key="abc")


def test_rejected_items_are_quarantined_like_bad_file_rows():
    with Store(":memory:") as store:
        result = store_records(
            store,
            "orders",
            [
                {
                    "order_id": "1",
                    "timestamp": "2026-11-01",
                    "customer_id": "c",
                    "product_id": "p",
                    "quantity": "two",
                    "unit_price": 3,
                }
            ],
        )
        assert result.accepted == 0 and result.rejected[0]["field"] == "quantity"
        assert store.scalar('SELECT "column" FROM quarantine') == "quantity"


def test_booleans_and_nulls_are_read_as_in_a_file():
    with Store(":memory:") as store:
        result = store_records(
            store,
            "orders",
            [
                {
                    "order_id": "1",
                    "timestamp": "2026-11-01",
                    "customer_id": "c",
                    "product_id": "p",
                    "quantity": -1,
                    "unit_price": 3,
                    "is_return": True,
                    "discount": None,
                }
            ],
        )
        assert result.accepted == 1
        assert store.query("SELECT is_return, discount FROM orders").values.tolist() == [
            [True, 0.0]
        ]


def test_only_events_and_orders_can_be_posted():
    with Store(":memory:") as store, pytest.raises(InputError, match="events, orders"):
        store_records(store, "customers", [{"customer_id": "c"}])

"""A customer forgotten on request never comes back through the server: not from the plan it
reads, not in the exposure log, not on the dashboard."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from promopilot.data.forgotten import forgotten_among
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.decisions import decide
from promopilot.serve.exposures import ExposureWriter
from promopilot.serve.gate import StoreGate
from promopilot.serve.state import build_state
from tests.serve.conftest import ADMIN, ADMIN_H, PLAN, READ, READ_H, SETTINGS, builder


def _rows_with(store, customer_id: str) -> dict[str, int]:
    found = {}
    for table in ("campaigns", "deliveries", "customers", "orders", "events", "contacts"):
        n = store.scalar(f"SELECT count(*) FROM {table} WHERE customer_id = ?", [customer_id])
        if n:
            found[table] = n
    return found


@pytest.fixture()
def forgot_c1(store):
    store.forget("c1")  # c1 is the plan's target customer with offer off10
    return store


@pytest.fixture()
def client(forgot_c1):
    app = create_app(forgot_c1, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    with TestClient(app) as test_client:
        yield test_client


def _as_a_stranger(store):
    """What a customer the plan never saw gets: the plan without c1."""
    state = build_state(
        store, plan=PLAN[PLAN["customer_id"] != "c1"], campaign_id="spring", settings=SETTINGS
    )
    return decide(state, "c1").to_dict()


def test_forgotten_customers_are_found_by_their_hash(forgot_c1):
    assert forgotten_among(forgot_c1, ["c1", "c2", "nobody"]) == {"c1"}


def _rows_seen_by(client, customer_id: str) -> dict[str, int]:
    """_rows_with through the server's gate: the app's threads use the same connection (a
    query beside them failed with DuckDB's "connection is busy" under load)."""
    with client.app.state.gate.use() as store:
        return _rows_with(store, customer_id)


def test_a_forgotten_customer_gets_a_strangers_answer_and_is_never_logged(client, forgot_c1):
    with client.app.state.gate.use() as store:
        expected = _as_a_stranger(store)
    for _ in range(2):
        answer = client.get("/v1/customers/c1/offer", headers=READ_H)
        assert answer.status_code == 200
        assert answer.json() == expected
        assert answer.json()["group"] != "target"
        client.app.state.writer.flush()
        assert _rows_seen_by(client, "c1") == {}
        # a reload reads the plan again: c1 stays out
        assert client.post("/v1/admin/reload", headers=ADMIN_H).status_code == 200
    assert client.app.state.holder.state.expected["customers"] == len(PLAN) - 1
    # the other customers of the plan are answered and logged as before
    assert client.get("/v1/customers/c3/offer", headers=READ_H).json()["group"] == "explore"
    client.app.state.writer.flush()
    assert _rows_seen_by(client, "c3")["campaigns"] == 1


def test_the_dashboard_shows_a_forgotten_customer_as_unknown(client, forgot_c1):
    assert client.post("/login", data={"key": READ}, follow_redirects=False).status_code == 303
    text = client.get("/customers/c1").text
    assert 'id="unknown-customer"' in text
    with client.app.state.gate.use() as store:
        stranger = _as_a_stranger(store)
    assert f'id="offer-group">{stranger["group"]}<' in text
    assert f'id="offer-id">{stranger["offer_id"] or "–"}<' in text
    assert ">target<" not in text
    assert 'id="history"' not in text and 'id="no-history"' in text  # no offer shown


def test_the_exposure_writer_refuses_a_forgotten_id(forgot_c1):
    state = builder(forgot_c1, 1)
    writer = ExposureWriter(StoreGate(forgot_c1))
    writer.submit(decide(state, "c1"))
    writer.submit(decide(state, "c2"))
    writer.flush()
    assert _rows_with(forgot_c1, "c1") == {}
    assert _rows_with(forgot_c1, "c2").get("campaigns") == 1

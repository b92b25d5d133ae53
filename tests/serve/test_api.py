"""Every endpoint of the HTTP API: answers, validation errors and auth refusals."""

from __future__ import annotations

import logging
import re
import sys
import threading
import types

import numpy as np
import pandas as pd
import pytest

from promopilot.data.queries import recommend as rq
from promopilot.exceptions import UnknownIdError
from promopilot.offers.randomization import randomize
from promopilot.recommend.neighbors import ItemKNNRecommender
from tests.serve.conftest import ADMIN, ADMIN_H, CONTACTS, READ, READ_H, SETTINGS

READ_ENDPOINTS = [
    ("get", "/v1/customers/c1/recommendations"),
    ("get", "/v1/customers/c1/offer"),
    ("get", "/v1/campaigns/spring/report"),
    ("get", "/metrics"),
]
WRITE_ENDPOINTS = [("post", "/v1/events"), ("post", "/v1/orders"), ("post", "/v1/admin/reload")]


@pytest.mark.parametrize(("method", "path"), READ_ENDPOINTS + WRITE_ENDPOINTS)
def test_no_key_or_an_unknown_key_is_401(client, method, path):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ADMIN}"}):
        answer = client.request(method, path, headers=headers, json=[])
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert ADMIN not in answer.text


@pytest.mark.parametrize(("method", "path"), WRITE_ENDPOINTS)
def test_a_read_key_on_a_write_or_admin_endpoint_is_403(client, method, path):
    answer = client.request(method, path, headers=READ_H, json=[])
    assert answer.status_code == 403
    assert READ not in answer.text


def test_healthz_needs_no_key(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "state_version": 1, "campaign_id": "spring"}


def test_healthz_answers_head_too(client):
    answer = client.head("/healthz")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/customers/{customer_id}/offer" in paths and "/v1/events" in paths


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_nothing_from_another_host(client, page):
    # a shop's server may have no internet: every script and style of the docs is the app's own
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def _expected_recommendations(store, customer_ids, k):
    # the served model: item-kNN on the store's interactions and catalogue
    model = ItemKNNRecommender().fit(rq.interactions(store), rq.catalogue(store))
    return model.recommend(customer_ids, k=k, exclude_seen=True)


def test_recommendations_are_the_recommenders_top_k_with_titles(client, store):
    answer = client.get("/v1/customers/c1/recommendations", params={"k": 2}, headers=READ_H)
    assert answer.status_code == 200
    body = answer.json()
    expected = _expected_recommendations(store, ["c1"], 2)
    assert body["customer_id"] == "c1"
    assert body["basis"] == "personal"
    assert [i["product_id"] for i in body["items"]] == expected["product_id"].tolist()
    assert [i["score"] for i in body["items"]] == pytest.approx(
        expected["score"].tolist(), rel=1e-6
    )
    titles = dict(
        zip(store.table("products")["product_id"], store.table("products")["title"], strict=True)
    )
    assert [i["title"] for i in body["items"]] == [titles[p] for p in expected["product_id"]]
    bought = {"p1", "p3", "p2"}  # c1 bought p1, p3 and viewed p2: seen items are excluded
    assert not bought & {i["product_id"] for i in body["items"]}


def test_default_k_is_ten_capped_by_the_catalogue(client, store):
    body = client.get("/v1/customers/c3/recommendations", headers=READ_H).json()
    assert len(body["items"]) == len(_expected_recommendations(store, ["c3"], 10))


def test_an_unknown_customer_gets_cold_start_results_not_an_error(client, store):
    answer = client.get("/v1/customers/新客-42/recommendations", params={"k": 5}, headers=READ_H)
    assert answer.status_code == 200
    assert answer.json()["basis"] == "popular"  # scores on another scale than a customer's
    items = answer.json()["items"]
    expected = _expected_recommendations(store, ["someone new"], 5)
    # the shop's bestsellers; products 3-5 tie on score, so only the leaders' order is fixed
    assert [i["product_id"] for i in items[:2]] == expected["product_id"].tolist()[:2]
    assert {i["product_id"] for i in items} == set(expected["product_id"])
    assert [i["score"] for i in items] == pytest.approx(expected["score"].tolist(), rel=1e-6)


@pytest.mark.parametrize("k", ["-3", "0", "51", "ten", "1.5"])
def test_bad_k_is_422(client, k):
    answer = client.get("/v1/customers/c1/recommendations", params={"k": k}, headers=READ_H)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "k"]


def test_a_too_long_customer_id_is_422(client):
    answer = client.get(f"/v1/customers/{'x' * 201}/offer", headers=READ_H)
    assert answer.status_code == 422


@pytest.mark.parametrize(
    "customer_id", ["%20", "%20%20%09", "%00", "c1%00", "c%0A1", "%7F", "c%E2%80%8B1"]
)
@pytest.mark.parametrize("endpoint", ["offer", "recommendations"])
def test_a_blank_or_control_character_customer_id_is_422_and_not_logged(
    client, app, store, customer_id, endpoint
):
    answer = client.get(f"/v1/customers/{customer_id}/{endpoint}", headers=READ_H)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["path", "customer_id"]
    assert "blank" in error["msg"] or "control or invisible characters" in error["msg"]
    assert error["ctx"]["error"] in error["msg"]  # the validator's message, not an empty dict
    app.state.writer.flush()
    assert store.scalar("SELECT count(*) FROM campaigns") == 0


@pytest.mark.parametrize(
    "path",
    [
        "/v1/customers//offer",
        "/v1/customers/offer",  # a proxy that merges slashes (nginx does by default)
        "/v1/customers//recommendations",
        "/v1/customers/undefined/offer",  # what a page's script sends for a visitor without id
        "/v1/customers/null/offer",
        "/v1/customers/None/offer",
        "/v1/customers/NaN/offer",
    ],
)
def test_a_request_without_a_customer_id_is_a_clear_422_and_logs_nothing(client, app, store, path):
    """Before, a missing id was a bare 404 "Not Found", and `undefined` was answered and logged
    as one customer standing for every anonymous visitor."""
    answer = client.get(path, headers=READ_H)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["path", "customer_id"]
    assert "a customer id is required" in error["msg"]
    app.state.writer.flush()
    assert store.scalar("SELECT count(*) FROM campaigns") == 0
    assert app.state.writer.n_written == 0


def test_a_placeholder_id_still_gets_recommendations(client):
    """Recommendations log nothing: `undefined` gets the cold-start list as any stranger."""
    body = client.get("/v1/customers/undefined/recommendations", headers=READ_H).json()
    assert body["basis"] == "popular" and body["items"]


def test_a_customer_id_is_read_as_ingest_stores_it(client, app, store):
    """` c1` and `c1.0`-style ids are the stored id: one customer, one exposure row."""
    plain = client.get("/v1/customers/c1/offer", headers=READ_H).json()
    spaced = client.get("/v1/customers/%20c1%20/offer", headers=READ_H).json()
    assert spaced["customer_id"] == "c1" and spaced["offer_id"] == plain["offer_id"]
    a = client.get("/v1/customers/17851/offer", headers=READ_H).json()
    b = client.get("/v1/customers/17851.0/offer", headers=READ_H).json()
    assert b["customer_id"] == "17851" and a["decision_id"] == b["decision_id"]
    app.state.writer.flush()
    logged = store.query("SELECT customer_id FROM campaigns ORDER BY 1")["customer_id"]
    assert logged.tolist() == ["17851", "c1"]


def test_customers_in_the_plan_get_the_plans_decision(client):
    for customer, offer, group, propensity in (
        ("c1", "off10", "target", 0.76),
        ("c2", None, "control", 0.14),
        ("c3", "off20", "explore", 0.15),
    ):
        body = client.get(f"/v1/customers/{customer}/offer", headers=READ_H).json()
        assert (body["customer_id"], body["offer_id"], body["group"]) == (customer, offer, group)
        assert body["propensity"] == pytest.approx(propensity)
        again = client.get(f"/v1/customers/{customer}/offer", headers=READ_H).json()
        assert again == body


def test_live_decisions_use_the_plans_randomization(client):
    """Customers the plan never saw: the same hashed draws as `randomize` with no model
    choice; exploration picks an offer, everyone else gets nothing. Outside the plan served
    they are visitors (group visitor), not the plan's explore and none groups."""
    ids = np.array([f"visitor-{i}" for i in range(200)], dtype=object)
    reference = randomize(
        ids,
        pd.Series(dtype=object),
        ["off10", "off20"],
        campaign_id="spring",
        control_share=SETTINGS.control_share,
        explore_share=SETTINGS.explore_share,
    )
    bodies = [client.get(f"/v1/customers/{c}/offer", headers=READ_H).json() for c in ids]
    offers = [b["offer_id"] or "" for b in bodies]
    assert offers == reference["offer_id"].tolist()
    assert {b["group"] for b in bodies} == {"visitor"}
    explored = np.array([b["offer_id"] is not None for b in bodies])
    np.testing.assert_array_equal(explored, reference["group"] == "explore")
    np.testing.assert_allclose([b["propensity"] for b in bodies], reference["propensity"])
    assert 0.15 < explored.mean() < 0.45  # explore_share 0.3
    assert len({b["decision_id"] for b in bodies}) == len(ids)
    assert client.get("/v1/customers/visitor-7/offer", headers=READ_H).json() == bodies[7]


def test_visitors_outside_a_served_plan_are_logged_as_visitors(client, app, store):
    """Before, they were logged as explore and none, the plan's own groups, and so measured
    with the plan's campaign; the plan's customers keep their groups."""
    for customer in ("c1", "c2", "visitor-1", "visitor-2", "visitor-3"):
        client.get(f"/v1/customers/{customer}/offer", headers=READ_H)
    app.state.writer.flush()
    with app.state.gate.use():
        logged = store.query('SELECT customer_id, "group" FROM campaigns ORDER BY 1')
    assert dict(zip(logged["customer_id"], logged["group"], strict=True)) == {
        "c1": "target",
        "c2": "control",
        "visitor-1": "visitor",
        "visitor-2": "visitor",
        "visitor-3": "visitor",
    }


def test_without_a_plan_live_decisions_are_the_campaign_explore_and_none(store):
    """`serve --campaign-id` alone: no plan, so nobody is outside it."""
    from fastapi.testclient import TestClient

    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig
    from promopilot.serve.state import build_state

    def no_plan(s, version):
        return build_state(s, campaign_id="spring", settings=SETTINGS, version=version)

    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=no_plan)
    with TestClient(app) as client:
        groups = {
            client.get(f"/v1/customers/visitor-{i}/offer", headers=READ_H).json()["group"]
            for i in range(60)
        }
    assert groups == {"explore", "none"}


def test_every_decision_is_logged_once_as_an_exposure(client, app, store):
    for customer in ("c1", "c2", "visitor-1", "visitor-2", "c1", "visitor-1"):
        client.get(f"/v1/customers/{customer}/offer", headers=READ_H)
    app.state.writer.flush()
    with app.state.gate.use():
        logged = store.query(
            "SELECT * FROM campaigns WHERE campaign_id = 'spring' ORDER BY customer_id"
        )
    decisions = {
        c: client.get(f"/v1/customers/{c}/offer", headers=READ_H).json()
        for c in ("c1", "c2", "visitor-1", "visitor-2")
    }
    # every decision, a no-offer one too, is logged with its group (`none` is not control)
    assert logged["customer_id"].tolist() == sorted(decisions)
    assert logged["group"].tolist() == [decisions[c]["group"] for c in sorted(decisions)]
    for row in logged.itertuples():
        assert (None if pd.isna(row.offer_id) else row.offer_id) == decisions[row.customer_id][
            "offer_id"
        ]
        assert row.propensity == pytest.approx(decisions[row.customer_id]["propensity"])
        assert row.channel == "api" and pd.notna(row.sent_at)


def test_posting_events_stores_good_items_and_reports_bad_ones(client, store):
    items = [
        {
            "timestamp": "2026-11-01T10:00:00",
            "customer_id": "c1",
            "product_id": "p4",
            "event": "view",
        },
        {"timestamp": "yesterday", "customer_id": "c1", "product_id": "p4", "event": "view"},
        {"customer_id": "c2", "product_id": "p4", "event": "view"},
        {
            "timestamp": "2026-11-01",
            "customer_id": "c2",
            "product_id": "p4",
            "event": "rating",
            "value": "five",
        },
        {
            "timestamp": "2026-11-02",
            "customer_id": "c3",
            "product_id": "p5",
            "event": "cart",
            "session_id": {"nested": True},
        },
        {
            "timestamp": "2026-11-02",
            "customer_id": "新客",
            "product_id": "p5",
            "event": "wishlist",
            "extra": "ignored",
        },
    ]
    answer = client.post("/v1/events", json=items, headers=ADMIN_H)
    assert answer.status_code == 200
    body = answer.json()
    assert body["accepted"] == 2
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [
        (1, "timestamp"),
        (2, "timestamp"),
        (3, "value"),
        (4, "session_id"),
    ]
    assert all(r["reason"] for r in body["rejected"])
    assert "required" in body["rejected"][1]["reason"]
    stored = store.query(
        "SELECT customer_id, product_id, event FROM events "
        "WHERE timestamp >= '2026-11-01' ORDER BY customer_id"
    )
    assert stored.values.tolist() == [["c1", "p4", "view"], ["新客", "p5", "wishlist"]]


def test_posting_orders_partial_batch(client, store):
    items = [
        {
            "order_id": "n1",
            "timestamp": "2026-11-03T08:00:00",
            "customer_id": "c3",
            "product_id": "p2",
            "quantity": 2,
            "unit_price": 12.0,
            "coupon_code": "SPRING-1",
        },
        {
            "order_id": "n2",
            "timestamp": "2026-11-03T08:00:00",
            "customer_id": "c3",
            "product_id": "p2",
            "quantity": -1,
            "unit_price": 12.0,
            "is_return": False,  # without it a negative quantity is a return
        },
        {
            "order_id": "n3",
            "timestamp": "2026-11-03T08:00:00",
            "customer_id": "c3",
            "product_id": "p2",
            "quantity": 1,
        },
        {
            "order_id": "o1",
            "timestamp": "2026-10-01T10:00:00",
            "customer_id": "c1",
            "product_id": "p1",
            "quantity": 9,
            "unit_price": 10,
        },  # conflicts with stored o1
    ]
    body = client.post("/v1/orders", json=items, headers=ADMIN_H).json()
    assert body["accepted"] == 1
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [
        (1, "quantity"),
        (2, "unit_price"),
        (3, "quantity"),  # the field that conflicts with stored o1
    ]
    rows = store.query(
        "SELECT order_id, quantity, coalesce(coupon_code, '-') FROM orders "
        "WHERE order_id IN ('n1', 'n2', 'n3', 'o1') ORDER BY order_id"
    )
    assert rows.values.tolist() == [["n1", 2.0, "SPRING-1"], ["o1", 2.0, "-"]]


def test_an_empty_batch_accepts_nothing(client):
    assert client.post("/v1/events", json=[], headers=ADMIN_H).json() == {
        "accepted": 0,
        "rejected": [],
    }


@pytest.mark.parametrize(
    "body", [{"timestamp": "2026-11-01"}, [1, 2], ["a"], "text", None, [[{"a": 1}]]]
)
def test_a_body_that_is_not_a_list_of_objects_is_422(client, body):
    for path in ("/v1/events", "/v1/orders"):
        answer = client.post(path, json=body, headers=ADMIN_H)
        assert answer.status_code == 422, (path, body)


def test_a_422_does_not_echo_the_request_body(client):
    item = {"timestamp": "2026-11-01", "customer_id": "c1", "product_id": "p1", "note": "x" * 300}
    body = [item] * 10_001  # one item over the limit: about 3.5 MB
    answer = client.post("/v1/events", json=body, headers=ADMIN_H)
    assert answer.status_code == 422
    assert len(answer.content) < 2_000  # the whole body came back before
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["body"] and "10000" in error["msg"]
    assert error["input"] == "<list of 10,001 items>"


def test_a_long_bad_value_comes_back_as_a_short_excerpt(client):
    answer = client.post("/v1/events", json=[], headers={**ADMIN_H, "Idempotency-Key": "k" * 5_000})
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert error["input"] == "k" * 80 + "…"
    assert error["ctx"] == {"max_length": 200}


def test_a_body_over_50_mib_is_413_before_it_is_read(client, store):
    n = store.count("events")
    body = b"[" + b"{}," * (50 * 1024 * 1024 // 3) + b"{}]"
    answer = client.post(
        "/v1/events", content=body, headers={**ADMIN_H, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert "limit of 52,428,800 bytes" in answer.json()["detail"]
    assert store.count("events") == n


def test_a_streamed_body_over_the_limit_is_413(store):
    from fastapi.testclient import TestClient

    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig
    from tests.serve.conftest import builder

    app = create_app(
        store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder, max_body_bytes=1_000
    )
    row = b'{"timestamp": "2026-11-01", "customer_id": "c1", "product_id": "p2", "event": "view"}'

    def chunks(n):  # no Content-Length: the limit is found while reading
        yield b"["
        for i in range(n):
            yield (b"," if i else b"") + row
        yield b"]"

    headers = {**ADMIN_H, "Content-Type": "application/json"}
    with TestClient(app) as small:
        answer = small.post("/v1/events", content=chunks(20), headers=headers)
        assert answer.status_code == 413, answer.text
        assert "limit of 1,000 bytes" in answer.json()["detail"]
        answer = small.post("/v1/events", content=chunks(2), headers=headers)
        assert answer.status_code == 200, answer.text


def test_invalid_json_is_422(client):
    answer = client.post(
        "/v1/events", content=b"[{not json", headers={**ADMIN_H, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422


def test_an_idempotency_key_makes_retries_safe(client, store):
    items = [
        {
            "timestamp": "2026-11-05T09:00:00",
            "customer_id": "c2",
            "product_id": "p3",
            "event": "view",
        },
        {"timestamp": "bad", "customer_id": "c2", "product_id": "p3", "event": "view"},
    ]
    headers = {**ADMIN_H, "Idempotency-Key": "batch-0001"}
    first = client.post("/v1/events", json=items, headers=headers)
    retry = client.post("/v1/events", json=items, headers=headers)
    assert first.status_code == retry.status_code == 200
    assert (
        first.json()
        == retry.json()
        == {
            "accepted": 1,
            "rejected": [
                {"index": 1, "field": "timestamp", "reason": first.json()["rejected"][0]["reason"]}
            ],
        }
    )
    assert "Idempotent-Replayed" not in first.headers
    assert retry.headers["Idempotent-Replayed"] == "true"
    n = store.scalar("SELECT count(*) FROM events WHERE timestamp = '2026-11-05 09:00:00'")
    assert n == 1
    # the same key on the other endpoint is another request
    other = client.post("/v1/orders", json=[], headers=headers)
    assert other.status_code == 200 and "Idempotent-Replayed" not in other.headers


def test_an_idempotency_key_reused_with_another_body_is_409(client):
    headers = {**ADMIN_H, "Idempotency-Key": "k-1"}
    item = {"timestamp": "2026-11-05", "customer_id": "c2", "product_id": "p3", "event": "view"}
    assert client.post("/v1/events", json=[item], headers=headers).status_code == 200
    answer = client.post("/v1/events", json=[{**item, "event": "cart"}], headers=headers)
    assert answer.status_code == 409
    assert "different body" in answer.json()["detail"]


def test_a_too_long_idempotency_key_is_422(client):
    answer = client.post("/v1/events", json=[], headers={**ADMIN_H, "Idempotency-Key": "k" * 201})
    assert answer.status_code == 422


def test_retries_without_a_key_store_nothing_twice_for_identical_rows(client, store):
    item = {"timestamp": "2026-11-06", "customer_id": "c1", "product_id": "p5", "event": "view"}
    for _ in range(2):
        assert client.post("/v1/events", json=[item], headers=ADMIN_H).json()["accepted"] == 1
    assert store.scalar("SELECT count(*) FROM events WHERE timestamp = '2026-11-06'") == 1


@pytest.fixture()
def fake_measure(monkeypatch):
    """`promopilot.campaigns.measure` is built in another branch: a stand-in module."""
    calls = []

    def measure_campaign(store, campaign_id, *, window_days=None, confidence=0.95):
        calls.append((campaign_id, window_days, confidence))
        if campaign_id != "spring":
            raise UnknownIdError(f"campaign {campaign_id!r} is not in the store")
        n = int(store.scalar("SELECT count(*) FROM campaigns WHERE campaign_id = ?", [campaign_id]))
        return {
            "campaign_id": campaign_id,
            "window_days": window_days or 14,
            "confidence": confidence,
            "control": {"customers": n},
            "arms": [],
            "incremental_profit": {"estimate": 1.5, "low": -0.5, "high": 3.5},
            "verdict": "no clear effect",
        }

    module = types.ModuleType("promopilot.campaigns.measure")
    module.measure_campaign = measure_campaign
    monkeypatch.setitem(sys.modules, "promopilot.campaigns.measure", module)
    return calls


def test_campaign_report_is_the_measurement_json(client, fake_measure, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_CONFIDENCE", "0.8")
    answer = client.get(
        "/v1/campaigns/spring/report", params={"window_days": 7, "confidence": 0.9}, headers=READ_H
    )
    assert answer.status_code == 200
    assert answer.json()["verdict"] == "no clear effect"
    assert answer.json()["window_days"] == 7
    assert fake_measure == [("spring", 7, 0.9)]
    client.get("/v1/campaigns/spring/report", headers=READ_H)
    assert fake_measure[-1] == ("spring", None, 0.8)  # the shop's confidence setting


def test_report_of_an_unknown_campaign_is_404(client, fake_measure):
    answer = client.get("/v1/campaigns/winter/report", headers=READ_H)
    assert answer.status_code == 404
    assert "winter" in answer.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"confidence": 2}, {"confidence": 0.3}, {"window_days": 0}, {"window_days": "x"}]
)
def test_bad_report_parameters_are_422(client, fake_measure, params):
    answer = client.get("/v1/campaigns/spring/report", params=params, headers=READ_H)
    assert answer.status_code == 422
    assert fake_measure == []


def test_report_without_the_measurement_module_is_503(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "promopilot.campaigns.measure", None)
    answer = client.get("/v1/campaigns/spring/report", headers=READ_H)
    assert answer.status_code == 503


def test_metrics_count_requests_latencies_and_decisions(client):
    client.get("/v1/customers/c1/offer", headers=READ_H)
    client.get("/v1/customers/c2/offer", headers=READ_H)
    client.get("/v1/customers/c1/recommendations", params={"k": -3}, headers=READ_H)
    answer = client.get("/metrics", headers=READ_H)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert (
        'promopilot_requests_total{method="GET",route="/v1/customers/{customer_id}/offer",'
        'status="200"} 2.0'
    ) in text
    assert 'route="/v1/customers/{customer_id}/recommendations",status="422"} 1.0' in text
    assert 'promopilot_request_seconds_bucket{le="0.005",route="/v1/customers/' in text
    assert 'promopilot_decisions_total{group="target",source="plan"} 1.0' in text
    assert 'promopilot_decisions_total{group="control",source="plan"} 1.0' in text
    assert READ not in text and ADMIN not in text


def test_reload_swaps_the_state_without_dropping_requests(client):
    errors: list = []
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            answer = client.get("/v1/customers/c1/offer", headers=READ_H)
            if answer.status_code != 200 or answer.json()["offer_id"] != "off10":
                errors.append(answer.text)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        answer = client.post("/v1/admin/reload", headers=ADMIN_H)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert answer.status_code == 200 and answer.json()["state_version"] == 2
    assert errors == []
    assert client.get("/healthz").json()["state_version"] == 2


def test_no_contact_data_and_no_key_leaves_through_the_api(client, fake_measure, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []
    for customer in ("c1", "c2", "c3"):
        texts.append(client.get(f"/v1/customers/{customer}/recommendations", headers=READ_H).text)
        texts.append(client.get(f"/v1/customers/{customer}/offer", headers=READ_H).text)
    texts.append(client.get("/v1/campaigns/spring/report", headers=READ_H).text)
    texts.append(client.get("/metrics", headers=READ_H).text)
    texts.append(client.get("/openapi.json").text)
    for text in texts:
        for contact in CONTACTS:
            assert contact not in text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ADMIN not in logged and READ not in logged

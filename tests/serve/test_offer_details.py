"""``/v1/customers/{id}/offer`` says what the offer is (kind, value, min_spend, category,
valid_days, expiry, coupon code) and its campaign, from the serving state: a site can show it
without another data source."""

from __future__ import annotations

import pandas as pd
from fastapi.testclient import TestClient

from promopilot.campaigns.delivery import send_campaign
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state
from tests.serve.conftest import ADMIN, ADMIN_H, PLAN, READ, READ_H, SETTINGS

OLD_FIELDS = ("customer_id", "offer_id", "group", "propensity", "decision_id")


def _offer(client: TestClient, customer_id: str) -> dict:
    answer = client.get(f"/v1/customers/{customer_id}/offer", headers=READ_H)
    assert answer.status_code == 200
    return answer.json()


def test_a_planned_offer_says_what_it_is_and_keeps_the_old_fields(client):
    body = _offer(client, "c3")  # planned: off20, 满100减20
    assert {k: body[k] for k in OLD_FIELDS} == {
        "customer_id": "c3",
        "offer_id": "off20",
        "group": "explore",
        "propensity": 0.15,
        "decision_id": body["decision_id"],
    }
    assert body["campaign_id"] == "spring"
    assert body["offer"] == {
        "offer_id": "off20",
        "kind": "amount_off",
        "value": 20.0,
        "min_spend": 100.0,
        "max_discount": None,
        "category": None,
        "valid_days": None,
        "expires_at": None,
        "coupon_code": None,
    }


def test_no_offer_is_null_with_its_campaign(client):
    body = _offer(client, "c2")  # control
    assert (body["offer_id"], body["offer"], body["campaign_id"]) == (None, None, "spring")


def test_a_live_explore_offer_has_terms_but_no_code(client):
    answers = [_offer(client, f"visitor-{i}") for i in range(60)]
    explored = [a for a in answers if a["offer_id"] is not None]
    assert explored  # explore_share 0.3 of 60 visitors
    assert {a["group"] for a in answers} == {"visitor"}  # outside the plan served
    for answer in explored:
        assert answer["offer"]["offer_id"] == answer["offer_id"]
        assert answer["offer"]["kind"] in ("percent_off", "amount_off")
        assert (answer["offer"]["expires_at"], answer["offer"]["coupon_code"]) == (None, None)


def test_a_sent_coupon_comes_with_its_code_and_expiry(store, tmp_path):
    store.execute("UPDATE offers SET valid_days = 14, category = 'tea' WHERE offer_id = 'off10'")
    plan = PLAN.assign(expires_at=["2026-11-15", "", "2026-11-20"])
    path = tmp_path / "plan.csv"
    plan.to_csv(path, index=False)
    send_campaign(
        store,
        path,
        campaign_id="spring",
        channel="csv",
        dry_run=True,
        out=tmp_path / "out",
        sent_at="2026-12-01 09:00",
    )
    code = store.scalar(
        "SELECT coupon_code FROM campaigns WHERE campaign_id = 'spring' AND customer_id = 'c1'"
    )
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), state=state)
    with TestClient(app) as client:
        c1, c3 = _offer(client, "c1"), _offer(client, "c3")
    # the coupon import file's dates: 14 days from the send, later than the plan's date
    coupons = pd.read_csv(tmp_path / "out" / "coupons.csv", dtype=str)
    row = coupons.set_index("customer_id").loc["c1"]
    assert c1["offer"] == {
        "offer_id": "off10",
        "kind": "percent_off",
        "value": 0.1,
        "min_spend": 0.0,
        "max_discount": None,
        "category": "tea",
        "valid_days": 14,
        "expires_at": "2026-12-15",
        "coupon_code": code,
    }
    assert (row["code"], row["expires_at"]) == (code, "2026-12-15")
    assert c3["offer"]["coupon_code"] == coupons.set_index("customer_id").loc["c3", "code"]


def test_the_terms_are_read_once_per_state_not_per_request(client, store):
    assert _offer(client, "c3")["offer"]["value"] == 20.0
    # the store changes beside the served state (an ingest would); the answer waits for a reload
    store.execute("UPDATE offers SET value = 25 WHERE offer_id = 'off20'")
    assert _offer(client, "c3")["offer"]["value"] == 20.0  # the served state's
    assert client.post("/v1/admin/reload", headers=ADMIN_H).status_code == 200
    assert _offer(client, "c3")["offer"]["value"] == 25.0


def test_an_offer_the_offers_table_lacks_is_named_with_null_terms(store):
    plan = PLAN.assign(offer_id=["gone", "", "off20"])
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), state=state)
    with TestClient(app) as client:
        offer = _offer(client, "c1")["offer"]
    assert offer["offer_id"] == "gone"
    assert set(offer.values()) == {"gone", None}


def test_the_customer_page_says_what_the_offer_is(logged_in):
    """The dashboard's customer page gives the offer's terms in the page's language, as the
    customer's message words them, not its id alone."""
    zh = logged_in.get("/customers/c3?lang=zh").text  # planned: off20, 满100减20
    assert 'id="offer-terms">满100减20<' in zh
    en = logged_in.get("/customers/c3?lang=en").text
    terms = en.split('id="offer-terms">')[1].split("<")[0]
    assert "20 off orders of" in terms and "100 or more" in terms
    assert 'id="offer-code">–<' in en  # no code sent yet
    nothing = logged_in.get("/customers/c2?lang=en").text  # control: nothing
    assert 'id="offer-terms">–<' in nothing

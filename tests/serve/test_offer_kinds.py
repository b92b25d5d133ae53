"""Offers as Chinese shops write them, served: 每满100减10 (amount_off_every) and 满99包邮
(free shipping over a threshold) in ``/v1/customers/{id}/offer``, its schema and the
dashboard's words for them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from promopilot.data.ingest import ingest
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.routes.customers import OfferTerms
from promopilot.serve.state import build_state
from promopilot.serve.views import offer_words
from tests.serve.conftest import ADMIN, PLAN, READ, READ_H, SETTINGS


def test_meiman_and_baoyou_are_served_with_their_terms(store, tmp_path, monkeypatch):
    settings = tmp_path / "promopilot.toml"
    settings.write_text("[offers]\nfree_shipping_fee = 6\n", encoding="utf-8")
    monkeypatch.setenv("PROMOPILOT_CONFIG", str(settings))
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "offer_id,kind,value,min_spend\nevery,amount_off,每满100减10,\nship,free_shipping,满99包邮,\n",
        encoding="utf-8",
    )
    ingest(store, offers)
    plan = PLAN.assign(offer_id=["every", "", "ship"])
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), state=state)
    with TestClient(app) as client:
        every = client.get("/v1/customers/c1/offer", headers=READ_H).json()["offer"]
        ship = client.get("/v1/customers/c3/offer", headers=READ_H).json()["offer"]
    assert (every["kind"], every["value"], every["min_spend"]) == ("amount_off_every", 10, 100)
    assert (ship["kind"], ship["value"], ship["min_spend"]) == ("free_shipping", 6, 99)
    assert offer_words(every, "EUR") == {"en": "€10 off every €100", "zh": "每满100减10"}
    assert offer_words(ship, "EUR") == {
        "en": "free shipping on orders of €99 or more",
        "zh": "满99包邮",
    }


def test_the_api_schema_describes_amount_off_every():
    fields = OfferTerms.model_json_schema()["properties"]
    assert "amount_off_every" in fields["kind"]["description"]
    assert "every full min_spend" in fields["value"]["description"]
    assert "step" in fields["min_spend"]["description"]


def test_a_capped_meiman_is_served_with_its_cap(store, tmp_path):
    offers = tmp_path / "offers.csv"
    offers.write_text(
        'offer_id,kind,value,min_spend\nevery,amount_off,"每满100减10，最高减50",\n'
        "pct,percent_off,0.2,\n",
        encoding="utf-8",
    )
    ingest(store, offers)
    plan = PLAN.assign(offer_id=["every", "", "pct"])
    state = build_state(store, plan=plan, campaign_id="spring", settings=SETTINGS)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), state=state)
    with TestClient(app) as client:
        every = client.get("/v1/customers/c1/offer", headers=READ_H).json()["offer"]
        pct = client.get("/v1/customers/c3/offer", headers=READ_H).json()["offer"]
    assert (every["kind"], every["value"], every["min_spend"], every["max_discount"]) == (
        "amount_off_every",
        10,
        100,
        50,
    )
    assert pct["max_discount"] is None  # no cap
    assert offer_words(every, "¥") == {
        "en": "¥10 off every ¥100, up to ¥50",
        "zh": "每满100减10，最高减50",
    }
    fields = OfferTerms.model_json_schema()["properties"]
    assert "最高减50" in fields["max_discount"]["description"]

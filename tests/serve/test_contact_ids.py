"""A shop whose customer ids are e-mail addresses: the API and the dashboard find a customer by
the address, and answer, log and store only its hash."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.runner import make_builder
from promopilot.serve.state import build_state, read_plan
from tests.serve.conftest import ADMIN, ADMIN_H, PLAN, READ, READ_H, SETTINGS, SHOP

ANN = stored_customer_id("ann@example.com")


def _shop() -> dict[str, str]:
    """The tiny shop with customer c1 known by their e-mail address in every file."""
    shop = {k: v.replace(",c1,", ",Ann@Example.com,") for k, v in SHOP.items()}
    shop["customers.csv"] = shop["customers.csv"].replace(
        "c1,2026-01-05,上海,ann@example.com,", "ann@example.com ,2026-01-05,上海,,"
    )
    return shop


@pytest.fixture()
def store(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    for name, text in _shop().items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store(tmp_path / "shop.duckdb") as s:
        ingest(s, folder)
        yield s


@pytest.fixture()
def client(store):
    plan = PLAN.replace({"customer_id": {"c1": ANN}})

    def builder(store: Store, version: int):
        return build_state(
            store, plan=plan, campaign_id="spring", settings=SETTINGS, version=version
        )

    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    with TestClient(app) as test_client:
        yield test_client


def test_the_store_holds_the_hash_and_the_address_only_in_contacts(store):
    assert ANN in set(store.table("customers")["customer_id"])
    assert store.scalar("SELECT email FROM contacts WHERE customer_id = ?", [ANN]) == (
        "ann@example.com"
    )
    assert store.scalar("SELECT count(*) FROM orders WHERE customer_id = ?", [ANN]) == 2


def test_the_api_finds_a_customer_by_their_address_and_answers_with_the_hash(client, store):
    by_hash = client.get(f"/v1/customers/{ANN}/recommendations?k=3", headers=READ_H).json()
    by_mail = client.get("/v1/customers/Ann@Example.com/recommendations?k=3", headers=READ_H).json()
    assert by_mail == by_hash and by_mail["customer_id"] == ANN
    offer = client.get("/v1/customers/ann@example.com/offer", headers=READ_H)
    assert offer.status_code == 200 and "@" not in offer.text
    assert offer.json()["customer_id"] == ANN and offer.json()["offer_id"] == "off10"  # the plan's
    client.app.state.writer.flush()
    logged = store.query("SELECT customer_id FROM campaigns")["customer_id"].tolist()
    assert logged == [ANN]


def test_posted_orders_with_an_address_as_id_are_stored_under_its_hash(client, store):
    item = {
        "order_id": "o9",
        "timestamp": "2026-10-11T10:00:00",
        "customer_id": " ANN@example.com",
        "product_id": "p2",
        "quantity": 1,
        "unit_price": 12,
    }
    answer = client.post("/v1/orders", json=[item], headers=ADMIN_H)
    assert answer.json() == {"accepted": 1, "rejected": []}
    assert store.scalar("SELECT customer_id FROM orders WHERE order_id = 'o9'") == ANN
    assert store.scalar("SELECT count(*) FROM orders WHERE contains(customer_id, '@')") == 0


def test_the_dashboards_lookup_by_address_opens_the_customers_page(client):
    assert client.post("/login", data={"key": READ}, follow_redirects=False).status_code == 303
    found = client.get("/customers?id=ann%40example.com", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/customers/{ANN}"
    typed = client.get(f"/customers/{quote('Ann@Example.com')}", follow_redirects=False)
    assert typed.headers["location"] == f"/customers/{ANN}"
    page = client.get(f"/customers/{ANN}").text
    assert 'id="unknown-customer"' not in page and "@example.com" not in page
    # a phone number typed into the URL with its + not encoded (read as a space): the number's
    # page, never a redirect to its digits (which the access log would show)
    plus = client.get("/customers?id=+8613800138000", follow_redirects=False)
    assert plus.headers["location"] == f"/customers/{stored_customer_id('+8613800138000')}"
    spaced = client.get("/customers?id=+17850", follow_redirects=False)
    assert spaced.headers["location"] == "/customers/17850"


def test_a_plan_file_keyed_by_address_is_served_under_the_hash(store, tmp_path):
    # `serve --plan`: the plan file is read afresh on each (re)build
    path = tmp_path / "plan.csv"
    PLAN.replace({"customer_id": {"c1": " Ann@Example.COM"}}).to_csv(path, index=False)
    builder = make_builder(path, "spring", SETTINGS)
    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    with TestClient(app) as client:
        offer = client.get("/v1/customers/ann@example.com/offer", headers=READ_H).json()
    assert offer["customer_id"] == ANN
    assert (offer["offer_id"], offer["group"], offer["propensity"]) == ("off10", "target", 0.76)


def test_a_plan_file_naming_a_customer_twice_is_refused_masked(tmp_path):
    path = tmp_path / "plan.csv"
    plan = PLAN.replace({"customer_id": {"c1": "ann@example.com", "c3": "ANN@example.com"}})
    plan.to_csv(path, index=False)
    with pytest.raises(InputError) as refused:
        read_plan(path)
    assert str(refused.value) == (
        f"{path}: line 4, column customer_id: 'a***@example.com': each customer once per plan "
        "(line 2 is the same customer)"
    )

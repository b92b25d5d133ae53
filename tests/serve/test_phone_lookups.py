"""A shop whose orders file names its buyers only by their mobile number (Pinduoduo's 手机, a
US shop's phone column): the API and the dashboard find a customer by every spelling of the
number a mobile number column reads, as ``promopilot forget`` does, and the access log shows
the number's hash, never the number."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.ingest import ingest
from promopilot.data.phone_text import typed_customer_id
from promopilot.data.store import Store
from promopilot.serve.access_log import clean_path
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state
from tests.serve.conftest import ADMIN, PLAN, READ, READ_H, SETTINGS, SHOP

ZHANG = stored_customer_id("13812345678")  # the hash of +8613812345678
JOE = stored_customer_id("+1 555 123 4567")
LI = stored_customer_id("13900139000")
NUMBERS = {"c1": "13812345678", "c2": "(555) 123-4567", "c3": "139 0013 9000"}
ZHANG_SPELLINGS = [
    "86-13812345678",
    "86 138 1234 5678",
    "8613812345678",
    "1.3812345678E10",
    "13812345678.0",
    "+86 138 1234 5678",
    "138-1234-5678",
]
JOE_SPELLINGS = ["(555) 123-4567", "555-123-4567", "555.123.4567", "+1 555 123 4567"]


@pytest.fixture()
def store(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    orders = SHOP["orders.csv"].replace(",customer_id,", ",phone,")
    events = SHOP["events.csv"]
    for customer, number in NUMBERS.items():
        cell = f'"{number}"' if "," in number else number
        orders = orders.replace(f",{customer},", f",{cell},")
        events = events.replace(f",{customer},", f",{cell},")
    shop = {**SHOP, "orders.csv": orders, "events.csv": events}
    del shop["customers.csv"]
    for name, text in shop.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store(tmp_path / "shop.duckdb") as s:
        ingest(s, folder)
        yield s


@pytest.fixture()
def client(store):
    plan = PLAN.replace({"customer_id": {"c1": ZHANG, "c2": JOE, "c3": LI}})

    def builder(store: Store, version: int):
        return build_state(
            store, plan=plan, campaign_id="spring", settings=SETTINGS, version=version
        )

    app = create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)
    with TestClient(app) as test_client:
        yield test_client


def test_the_shop_is_told_apart_by_the_numbers(store):
    assert set(store.table("orders")["customer_id"]) == {ZHANG, JOE, LI}


@pytest.mark.parametrize(
    ("typed", "customer"),
    [*((t, ZHANG) for t in ZHANG_SPELLINGS), *((t, JOE) for t in JOE_SPELLINGS)],
)
def test_the_api_finds_a_customer_by_any_spelling_of_their_number(client, store, typed, customer):
    path = quote(typed, safe="")
    found = client.get(f"/v1/customers/{path}/recommendations?k=3", headers=READ_H).json()
    assert found["customer_id"] == customer and found["basis"] == "personal"
    offer = client.get(f"/v1/customers/{path}/offer", headers=READ_H).json()
    planned = "off10" if customer == ZHANG else None  # the plan's: c1 target, c2 control
    assert (offer["customer_id"], offer["offer_id"]) == (customer, planned)
    client.app.state.writer.flush()
    assert store.query("SELECT customer_id FROM campaigns")["customer_id"].tolist() == [customer]


@pytest.mark.parametrize(
    ("typed", "customer"),
    [*((t, ZHANG) for t in ZHANG_SPELLINGS), *((t, JOE) for t in JOE_SPELLINGS)],
)
def test_the_dashboards_lookup_finds_a_customer_by_any_spelling_of_their_number(
    client, typed, customer
):
    assert client.post("/login", data={"key": READ}, follow_redirects=False).status_code == 303
    found = client.get(f"/customers?id={quote(typed, safe='')}", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/customers/{customer}"
    typed_url = client.get(f"/customers/{quote(typed, safe='')}", follow_redirects=False)
    assert typed_url.headers["location"] == f"/customers/{customer}"
    page = client.get(f"/customers/{customer}").text
    assert 'id="unknown-customer"' not in page
    for digits in ("12345678", "1234567", "123-4567", "1234 5678"):
        assert digits not in page


def test_a_number_no_customer_has_stays_the_id_as_ingest_stores_it(client):
    answer = client.get("/v1/customers/86-13700137000/recommendations", headers=READ_H).json()
    assert (answer["customer_id"], answer["basis"]) == ("86-13700137000", "popular")


def test_an_id_the_shop_holds_as_written_is_that_customer_not_the_numbers():
    # a shop's own id 8613812345678 (kept as written by a customer id column) is its customer
    # where the store holds it; the number's customer only where it does not
    both = {"8613812345678", ZHANG}.__contains__
    assert typed_customer_id("8613812345678", both) == "8613812345678"
    assert typed_customer_id("8613812345678", {ZHANG}.__contains__) == ZHANG
    assert typed_customer_id("8613812345678", set().__contains__) == "8613812345678"


@pytest.mark.parametrize("typed", ["1.3812345678E10", "8613812345678"])
def test_the_access_log_shows_such_a_number_as_its_hash(typed):
    assert clean_path(f"/v1/customers/{typed}/offer") == f"/v1/customers/{ZHANG}/offer"
    assert clean_path(f"/customers?id={typed}") == f"/customers?id={ZHANG}"

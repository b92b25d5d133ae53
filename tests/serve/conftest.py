"""A tiny hand-made shop (Chinese titles, contact data that must never leak), a plan for it,
and an app around a fresh store per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.config import Settings
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state

ADMIN, READ = "admin-key-123", "read-key-456"
ADMIN_H = {"Authorization": f"Bearer {ADMIN}"}
READ_H = {"Authorization": f"Bearer {READ}"}
CONTACTS = ("ann@example.com", "+86 138 0000 0000", "王小明", "bob@example.com")
SETTINGS = Settings(control_share=0.2, explore_share=0.3)

SHOP = {
    "products.csv": """product_id,title,category,price,cost,in_stock
p1,绿茶 Green tea,tea,10,4,true
p2,乌龙茶 Oolong,tea,12,5,true
p3,茶杯 Cup,ware,20,8,true
p4,茶壶 Teapot,ware,50,20,true
p5,咖啡 Coffee,coffee,15,6,true
""",
    "customers.csv": """customer_id,signup_at,region,email,phone,name
c1,2026-01-05,上海,ann@example.com,+86 138 0000 0000,王小明
c2,2026-02-01,Beijing,bob@example.com,,Bob
c3,2026-03-01,Shenzhen,,,
""",
    "orders.csv": """order_id,timestamp,customer_id,product_id,quantity,unit_price,discount
o1,2026-10-01T10:00:00,c1,p1,2,10,0
o2,2026-10-03T10:00:00,c1,p3,1,20,2
o3,2026-10-05T11:00:00,c2,p5,1,15,0
o4,2026-10-07T12:00:00,c2,p1,3,10,0
o5,2026-10-09T09:00:00,c3,p4,1,50,5
""",
    "events.csv": """timestamp,customer_id,product_id,event
2026-10-10T10:00:00,c1,p2,view
2026-10-10T10:05:00,c3,p2,cart
""",
    "offers.csv": """offer_id,kind,value,min_spend
off10,percent_off,0.1,0
off20,amount_off,20,100
""",
}
PLAN = pd.DataFrame(
    {
        "customer_id": ["c1", "c2", "c3"],
        "offer_id": ["off10", "", "off20"],
        "group": ["target", "control", "explore"],
        "propensity": [0.76, 0.14, 0.15],
        "expected_incremental_profit": [3.5, 0.0, 1.0],
    }
)


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny shop ingested once into a file; tests copy it."""
    folder = tmp_path_factory.mktemp("tiny-shop")
    for name, text in SHOP.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("tiny-store") / "shop.duckdb"
    with Store(path) as store:
        ingest(store, folder)
    return path


@pytest.fixture()
def store(tiny_db: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, copy)
    store = Store(copy)
    yield store
    store.close()


def builder(store: Store, version: int):
    return build_state(store, plan=PLAN, campaign_id="spring", settings=SETTINGS, version=version)


@pytest.fixture()
def app(store: Store):
    return create_app(store, ServeConfig.from_keys([ADMIN], [READ]), builder=builder)


@pytest.fixture()
def client(app) -> TestClient:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def logged_in(client, monkeypatch):
    """A client logged in with the read key, the model-quality fakes installed and the live
    campaign's three customers exposed."""
    from tests.serve import fakes

    fakes.install(monkeypatch)
    client.post("/v1/admin/reload", headers=ADMIN_H)
    for customer in ("c1", "c2", "c3"):  # exposures of the live campaign
        client.get(f"/v1/customers/{customer}/offer", headers={"Authorization": f"Bearer {READ}"})
    client.app.state.writer.flush()
    answer = client.post("/login", data={"key": READ}, follow_redirects=False)
    assert answer.status_code == 303
    return client

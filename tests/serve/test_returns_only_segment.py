"""A customer whose only orders are credits (UCI's credit notes of purchases made before its
data begin) was put in "No purchases", whose revenue per customer then read −315.49 on UCI
with nothing to say why. They are "Returns only (no purchase)" in the profile and on the
dashboard's segments page, their net revenue below 0 and no days since a purchase; customers
without any order stay "No purchases"."""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary
from promopilot.profile.build import build_profile
from promopilot.profile.segments import NO_PURCHASES, RETURNS_ONLY, rfm_segments
from promopilot.serve import views
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.gate import StoreGate
from promopilot.serve.state import build_state

KEY = "admin-key-returns-only"

# c4 and c5 only have credit notes (C-invoices, as UCI writes them); c6 only browsed
ORDERS = """order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-10-01T10:00:00,c1,p1,12,5.25
o2,2026-10-02T10:00:00,c2,p2,1,50
o3,2026-10-03T10:00:00,c3,p1,2,10
C4,2026-10-20T10:00:00,c4,p1,-3,100
C5,2026-10-21T10:00:00,c5,p2,-1,50
"""
EVENTS = """timestamp,customer_id,product_id,event
2026-10-05T10:00:00,c6,p1,view
"""


def test_the_rfm_grid_names_customers_who_only_returned():
    customers = pd.DataFrame(
        {
            "recency_days": [3.0, 40.0, 50.0],
            "frequency": [2, 0, 0],
            "monetary": [80.0, 0.0, 0.0],
            "n_returns": [1, 2, 0],
        }
    )
    assert rfm_segments(customers).tolist()[1:] == [RETURNS_ONLY, NO_PURCHASES]
    # a table without returns names them as before
    assert rfm_segments(customers.drop(columns="n_returns")).tolist()[1:] == [NO_PURCHASES] * 2


@pytest.fixture
def shop(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "events.csv").write_text(EVENTS, encoding="utf-8")
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, folder)
        yield store


def test_the_profile_and_the_segments_page_say_returns_only(shop):
    customers = build_profile(shop, evaluate=False).customers
    profile = customers.set_index("customer_id")["rfm_segment"]
    assert profile["c4"] == profile["c5"] == RETURNS_ONLY
    assert profile["c6"] == NO_PURCHASES
    page = views.segments(StoreGate(shop), defaultdict(str))
    shown = pd.DataFrame(page["table"]).set_index("segment")
    assert shown.loc[RETURNS_ONLY, "customers"] == 2
    assert shown.loc[RETURNS_ONLY, "revenue_per_customer"] == pytest.approx(-175.0)
    assert shown.loc[NO_PURCHASES, "revenue_per_customer"] == 0  # no order: nothing
    # the segments still add up to the shop's net revenue
    net = shop_summary(shop).revenue
    assert (shown["revenue_per_customer"] * shown["customers"]).sum() == pytest.approx(net)


@pytest.mark.parametrize(
    ("lang", "name"), [("en", "Returns only (no purchase)"), ("zh", "仅有退货（无购买）")]
)
def test_the_segments_page_names_them_with_no_recency(shop, lang, name):
    app = create_app(shop, ServeConfig.from_keys([KEY]), state=build_state(shop))
    with TestClient(app) as client:
        client.post("/login", data={"key": KEY})
        html = client.get(f"/segments?lang={lang}").text
    rows = re.findall(rf"<tr><td>{re.escape(name)}</td>.*?</tr>", html, re.S)
    assert len(rows) == 1
    assert "-175.00" in rows[0] and 'class="recency">–<' in rows[0]
    assert "Returns only" in html if lang == "en" else "仅有退货" in html

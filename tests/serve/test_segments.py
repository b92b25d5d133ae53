"""The dashboard's RFM segments are the profile's: same customers and counts; their revenue is
the customers' net revenue, which adds up to the shop's."""

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
from promopilot.serve import views
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.gate import StoreGate
from promopilot.serve.state import build_state
from promopilot.synth.shop import make_shop

KEY = "admin-key-segments"


def with_returns(orders: pd.DataFrame, n: int) -> pd.DataFrame:
    """`orders` plus a return of one unit of the first line of `n` orders, a day later."""
    firsts = orders.drop_duplicates("order_id").head(n).copy()
    firsts["order_id"] = "R" + firsts["order_id"]
    firsts["quantity"] = -1
    firsts["timestamp"] = (pd.to_datetime(firsts["timestamp"]) + pd.Timedelta(days=1)).dt.strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    return pd.concat([orders.assign(is_return=False), firsts.assign(is_return=True)])


def test_dashboard_segments_equal_the_profiles(tmp_path):
    folder = make_shop(600, seed=3).write(tmp_path / "shop")
    orders = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False)
    with_returns(orders, 60).to_csv(folder / "orders.csv", index=False)
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, folder)
        profile = build_profile(store, evaluate=False)
        page = views.segments(StoreGate(store), defaultdict(str))
    assert page["as_of"] == profile.as_of
    shown = pd.DataFrame(page["table"]).set_index("segment")
    customers = profile.customers.groupby("rfm_segment")
    assert shown["customers"].sort_index().to_dict() == customers.size().sort_index().to_dict()
    # nobody here was credited more than they bought: net revenue is the profile's net spend
    pd.testing.assert_series_equal(
        shown["revenue"].sort_index(),
        customers["monetary"].sum().sort_index(),
        check_names=False,
        check_index_type=False,
    )
    assert page["n_customers"] == len(profile.customers)


# c1 bought 63.00 and was credited 106.40 (UCI's 14437): net -43.40, which the profile's
# monetary floors at 0; c3 returned all it bought; the shop's net revenue is 6.60
CREDITED = """order_id,timestamp,customer_id,product_id,quantity,unit_price
o1,2026-10-01T10:00:00,c1,p1,12,5.25
o2,2026-10-02T10:00:00,c2,p2,1,50
C3,2026-10-20T10:00:00,c1,M,-1,106.40
o4,2026-10-03T10:00:00,c3,p1,2,10
C5,2026-10-04T10:00:00,c3,p1,-2,10
"""


def test_segment_revenue_adds_up_to_the_shops_net_revenue(tmp_path):
    """The page's revenue per customer was the mean of the profile's monetary, floored at 0:
    c1's -43.40 counted as 0, so the segments summed 50.00 where the shop took 6.60 (on UCI,
    about -3,040 of such customers went missing)."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(CREDITED, encoding="utf-8")
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, folder)
        net = shop_summary(store).revenue
        page = views.segments(StoreGate(store), defaultdict(str))
        app = create_app(store, ServeConfig.from_keys([KEY]), state=build_state(store))
        with TestClient(app) as client:
            client.post("/login", data={"key": KEY})
            html = client.get("/segments").text
            chinese = client.get("/segments?lang=zh").text
        floored = build_profile(store, evaluate=False).customers["monetary"].sum()
    assert net == pytest.approx(6.60) and floored == pytest.approx(50.0)  # the case at hand
    shown = pd.DataFrame(page["table"])
    assert (shown["revenue_per_customer"] * shown["customers"]).sum() == pytest.approx(net)
    # and on the page, to the cent each row shows
    rows = re.findall(r"<tr><td>[^<]*</td><td>([\d,]+)</td><td>[^<]*</td>\s*<td>([^<]*)</td>", html)
    assert len(rows) == len(shown)
    total = sum(int(n.replace(",", "")) * float(v.replace(",", "")) for n, v in rows)
    assert total == pytest.approx(net, abs=0.005 * shown["customers"].sum())
    assert "credited more than they bought counts below 0" in html
    assert "退款多于购买的客户在此计为负数" in chinese

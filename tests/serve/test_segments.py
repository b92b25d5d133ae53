"""The dashboard's RFM segments are the profile's: same customers, counts and revenue."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.build import build_profile
from promopilot.serve import views
from promopilot.serve.gate import StoreGate
from promopilot.synth.shop import make_shop


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
    pd.testing.assert_series_equal(
        shown["revenue"].sort_index(),
        customers["monetary"].sum().sort_index(),
        check_names=False,
        check_index_type=False,
    )
    assert page["n_customers"] == len(profile.customers)

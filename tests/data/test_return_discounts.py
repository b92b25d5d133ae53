"""A return line gives back what was paid for its items: |quantity| × unit_price less their
discount. Every figure that adds returns to sales (the summary, the profile's RFM and return
share, the CLV model's order values) reads a discounted return the same way."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.queries.profile import order_day_summary, rfm_inputs
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary

AS_OF = pd.Timestamp("2026-03-01")
ORDERS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount,is_return\n"
    "o1,2026-01-05T10:00:00,a,tea,4,10,8,false\n"  # paid 32
    "o1-R,2026-01-09T10:00:00,a,tea,-2,10,4,true\n"  # half given back: 16 refunded
    "o2,2026-01-20T10:00:00,a,tea,1,10,0,false\n"  # paid 10
    "o3,2026-01-07T10:00:00,b,mug,1,30,0,false\n"
)


@pytest.fixture()
def store(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    with Store(":memory:") as store:
        ingest(store, shop)
        yield store


def test_the_summary_gives_back_what_was_paid(store):
    summary = shop_summary(store)
    assert summary.returns == pytest.approx(16.0)
    assert summary.revenue == pytest.approx(32 + 10 + 30 - 16)


def test_the_profiles_money_nets_a_discounted_return_as_the_summary_does(store):
    rfm = rfm_inputs(store, AS_OF).set_index("customer_id")
    assert rfm.loc["a", "monetary"] == pytest.approx(32 + 10 - 16)  # not 42 - 24
    assert rfm.loc["b", "monetary"] == pytest.approx(30)


def test_the_returned_share_and_clv_order_values_read_the_refund(store):
    from promopilot.profile.features import build_features

    features = build_features(store, as_of=AS_OF).set_index("customer_id")
    assert features.loc["a", "return_share"] == pytest.approx(16 / 42)  # 24 / 42 before
    summary = order_day_summary(store, ["a", "b"], AS_OF).set_index("customer_id")
    # two purchase days, 32 and 10, shrunk by the returned share of 16 / 42
    assert summary.loc["a", "monetary_value"] == pytest.approx(10 * (1 - 16 / 42))
    assert summary.loc["a", "first_value"] == pytest.approx(32 * (1 - 16 / 42))

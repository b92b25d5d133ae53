"""The plan's check of its purchase rates on the days before the plan date: who really bought
against what the policy expected, the cost forecast scaled by their ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import CONTROL, campaign_training_data
from promopilot.data.store import Store
from promopilot.offers.inputs import default_feature_fn, load_offers
from promopilot.offers.policies import EVERYONE, fit_policy, log_values
from promopilot.offers.recent import PRIOR, RecentCheck, recent_check
from promopilot.synth.world import END, SALE

WINDOW = 14


@pytest.fixture(scope="module")
def everyone(shop_db):
    """The same-offer-for-everyone policy fitted on the shop's past campaign."""
    with Store(shop_db, read_only=True) as store:
        data = campaign_training_data(store, default_feature_fn, window_days=WINDOW)
        offers = load_offers(store, END)
        values = log_values(store, data, offers, 0.35, END)
    return fit_policy(EVERYONE, data, values, random_state=0), offers, data


def _check(store, policy, offers, as_of=END):
    return recent_check(
        store,
        policy,
        default_feature_fn,
        offers,
        as_of=as_of,
        window_days=WINDOW,
        default_margin=0.35,
        confidence=0.9,
    )


def _window_buyers(store, start, end) -> set[str]:
    orders = store.table("orders")
    ts = pd.to_datetime(orders["timestamp"])
    hit = (~orders["is_return"].astype(bool)) & (ts >= start) & (ts < end)
    return set(orders.loc[hit, "customer_id"].astype(str))


def test_buyers_and_forecast_are_counted_on_the_customers_not_contacted(shop_db, everyone):
    policy, offers, data = everyone
    start = END - pd.Timedelta(days=WINDOW)
    with Store(shop_db, read_only=True) as store:
        check = _check(store, policy, offers)
        features = default_feature_fn(store, start)
        campaigns = store.table("campaigns")
        buyers = _window_buyers(store, start, END)
    sent = pd.to_datetime(campaigns["sent_at"])
    contacted = set(
        campaigns.loc[sent >= start - pd.Timedelta(days=WINDOW), "customer_id"].astype(str)
    )
    kept = set(features["customer_id"].astype(str)) - contacted
    assert check is not None
    assert check.customers == len(kept)
    assert check.bought == len(kept & buyers)
    # the everyone policy forecasts the control arm's purchase rate for every customer
    control_rate = data.bought[data.treatment == CONTROL].mean()
    assert check.forecast / check.customers == pytest.approx(control_rate, rel=0.15)
    assert check.factor == pytest.approx((check.bought + PRIOR) / (check.forecast + PRIOR))
    assert f"{check.bought:,} of {check.customers:,}" in check.line()


def test_fewer_recent_buyers_scale_the_cost_down(shop_store, everyone):
    policy, offers, _ = everyone
    before = _check(shop_store, policy, offers)
    start = END - pd.Timedelta(days=WINDOW)
    buyers = sorted(_window_buyers(shop_store, start, END))
    gone = pd.DataFrame({"customer_id": buyers[::2]})  # half of them did not buy after all
    with shop_store.frame("gone_df", gone):
        shop_store.execute(
            "DELETE FROM orders WHERE customer_id IN (SELECT customer_id FROM gone_df) "
            "AND timestamp >= CAST($start AS TIMESTAMP)",
            {"start": str(start)},
        )
    after = _check(shop_store, policy, offers)
    assert after.bought < 0.6 * before.bought
    assert after.factor < before.factor
    assert np.isclose(after.forecast, before.forecast, rtol=0.05)


def test_a_window_with_sale_days_is_not_used(shop_db, everyone):
    policy, offers, _ = everyone
    with Store(shop_db, read_only=True) as store:
        assert _check(store, policy, offers, as_of=SALE[1] + pd.Timedelta(days=2)) is None


def test_the_recent_window_is_said_in_the_shops_time_zone():
    """The window ends at the plan date, 2026-10-13 00:00 UTC: 17:00 on the 12th in Los
    Angeles (it read "2026-10-13", the UTC date, beside a summary in the shop's dates)."""
    check = RecentCheck(
        factor=1.0,
        bought=5,
        forecast=5.0,
        customers=300,
        start=pd.Timestamp("2026-09-13 07:00"),
        end=pd.Timestamp("2026-10-13"),
        timezone="America/Los_Angeles",
    )
    assert "bought between 2026-09-13 and 2026-10-12 17:00 where" in check.line()

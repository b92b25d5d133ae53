"""Churn risk of customers without an order (browsers) on a history too short for the churn
model: a probability of no order in 180 days, on the buyers' scale, not a recency rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.build import build_profile
from promopilot.profile.silence import carried, dropout_curve

AS_OF = pd.Timestamp("2026-07-01")
START = AS_OF - pd.Timedelta(days=120)


def _shop(tmp_path, rng, n_browsers: int, history_days: int, never: float, rate: float):
    """Browsers first seen over the history (a few views each); a share `never` of them never
    order, the rest place a first order at `rate` a day after first seen. Returns the shop
    folder and, for the customers without an order by AS_OF, the days from AS_OF to their
    first order (inf: never; the held-out truth)."""
    start = AS_OF - pd.Timedelta(days=history_days)
    first = rng.uniform(0, history_days, n_browsers)
    ordering = rng.random(n_browsers) >= never
    first_order = np.where(ordering, first + rng.exponential(1.0 / rate, n_browsers), np.inf)
    ids = np.array([f"b{i}" for i in range(n_browsers)])
    views = rng.integers(1, 5, n_browsers)
    owner = np.repeat(np.arange(n_browsers), views)
    # views in the two weeks after first seen (never past an order or the as-of date)
    end = np.minimum(np.minimum(first + 14, first_order), history_days - 0.01)
    at = first[owner] + rng.random(len(owner)) * (end[owner] - first[owner]).clip(min=0)
    events = pd.DataFrame(
        {
            "customer_id": ids[owner],
            "product_id": [f"p{k % 7}" for k in range(len(owner))],
            "event": "view",
            "timestamp": (start + pd.to_timedelta(at, "D")).astype(str),
        }
    )
    bought = first_order < history_days
    buyers = np.flatnonzero(bought)
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in buyers],
            "customer_id": ids[buyers],
            "product_id": [f"p{i % 7}" for i in buyers],
            "quantity": 1,
            "price": rng.uniform(5, 50, len(buyers)).round(2),
            "ordered_at": (start + pd.to_timedelta(first_order[buyers], "D")).astype(str),
        }
    )
    folder = tmp_path / "shop"
    folder.mkdir()
    events.to_csv(folder / "events.csv", index=False)
    orders.to_csv(folder / "orders.csv", index=False)
    return folder, pd.Series(first_order[~bought] - history_days, index=ids[~bought])


def _profile(folder):
    with Store(":memory:") as store:
        ingest(store, folder)
        return build_profile(store, as_of=AS_OF, evaluate=False)


def test_browsers_churn_risk_is_the_share_that_stays_silent_not_a_recency_rank(tmp_path):
    """On a 120-day history the churn model cannot be fitted; browsers (no order) read the
    percentile of their days since the last activity: a rank (a median browser 50%) beside the
    buyers' BG/NBD probabilities. Here 70% of browsers never order and the rest at 1/60 a day:
    86% of those without an order now stay silent 180 days. Their churn_risk is now that
    probability, measured on the shop's own earlier window."""
    folder, days_to_order = _shop(
        tmp_path, np.random.default_rng(11), 3000, history_days=120, never=0.7, rate=1 / 60
    )
    silent = days_to_order >= 180
    profile = _profile(folder)
    c = profile.customers.set_index("customer_id")
    browsers = c.loc[silent.index]
    assert (browsers["frequency"] == 0).all()
    truth = float(silent.mean())
    assert 0.7 < truth < 0.9, truth
    assert abs(browsers["churn_risk"].mean() - truth) < 0.06, (browsers["churn_risk"].mean(), truth)
    # still ranked: the longer silent, the likelier silent
    assert browsers["churn_risk"].corr(browsers["days_since_last_event"], "spearman") > 0.9
    note = next(n for n in profile.notes if n.startswith("churn_risk:"))
    assert "never ordering" in note and "percentile" not in note, note


def test_browsers_30_day_purchase_propensity_is_their_chance_of_an_order_in_30_days(tmp_path):
    """The purchase model cannot be fitted either; browsers' purchase_propensity_30d was 1 -
    churn_risk: 1 minus a recency rank, then 1 - P(no order in 180 days), which counts six
    months of orders as one. It is now 1 - P(no order in 30 days), measured the same way."""
    # under 30 days of history: the purchase model has no window to learn from
    folder, days_to_order = _shop(
        tmp_path, np.random.default_rng(11), 3000, history_days=29, never=0.7, rate=1 / 60
    )
    profile = _profile(folder)
    browsers = profile.customers.set_index("customer_id").loc[days_to_order.index]
    truth = float((days_to_order < 30).mean())
    p = browsers["purchase_propensity_30d"]
    assert abs(p.mean() - truth) < 0.03, (p.mean(), truth)
    assert p.mean() < (1.0 - browsers["churn_risk"]).mean() - 0.05
    note = next(n for n in profile.notes if n.startswith("purchase_propensity_30d:"))
    assert "more history is needed" in note and "1 - the share" in note, note


def test_a_history_too_short_to_measure_reads_the_share_without_an_order(tmp_path):
    """Under four weeks of history no window can be measured: customers without an order read
    the share of the customers seen who have no order yet (one probability for all), not a
    rank that spreads them from 0 to 1."""
    folder, silent = _shop(
        tmp_path, np.random.default_rng(12), 400, history_days=20, never=0.5, rate=1 / 30
    )
    profile = _profile(folder)
    c = profile.customers.set_index("customer_id")
    share = float((c["frequency"] == 0).mean())
    browsers = c.loc[silent.index, "churn_risk"]
    assert np.allclose(browsers, share), browsers.describe()
    note = next(n for n in profile.notes if n.startswith("churn_risk:"))
    assert "too short a history to measure" in note, note


def test_the_dropout_curve_recovers_a_never_ordering_share_and_carries_it():
    """40% who never order, the rest at a constant rate that leaves half silent after 30 days:
    measured on 60 days, the curve finds both and carries a share to 180 days."""
    rng = np.random.default_rng(4)
    n = 200_000
    rate = np.log(2.0) / 30.0
    days_to_order = np.where(rng.random(n) < 0.4, np.nan, rng.exponential(1 / rate, n))
    days_to_order[days_to_order >= 60] = np.nan  # the window ends at 60 days
    reference = pd.DataFrame({"days_to_order": days_to_order})
    pi, u = dropout_curve(reference, 60)
    assert abs(pi - 0.4) < 0.01 and abs(u - 0.5) < 0.01, (pi, u)
    # the whole group's share over 60 days carried to 180: 0.4 + 0.6 * 0.5^6
    share = np.array([0.4 + 0.6 * 0.25])
    out, _ = carried(share, reference, 60, 180)
    assert abs(out[0] - (0.4 + 0.6 * 0.5**6)) < 0.01, out
    # a rate that rises (everyone orders within the 60 days) leaves no never-ordering share
    rising = pd.DataFrame({"days_to_order": rng.uniform(0, 60, n)})
    assert dropout_curve(rising, 60)[0] == 0.0

"""Churn risk on a history shorter than the churn horizon (the churn model cannot be fitted)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.build import build_profile


def test_a_short_history_does_not_read_churn_risk_zero_for_buyers(tmp_path):
    """On the first 60 days of UCI Online Retail every buying segment read churn risk 0%: the
    fallback was 1 - p_alive (BG/NBD), 0 for every customer without a repeat order and, with
    no dropout seen in so short a history, for the rest too. It is now BG/NBD's probability of
    no order in the 180-day horizon: a one-off buyer long silent is likelier gone than a
    regular who bought last week."""
    rng = np.random.default_rng(5)
    start = pd.Timestamp("2026-05-01")
    rows = []
    for i in range(400):  # 300 one-off buyers, 100 regulars (an order every ~6 days)
        if i < 300:
            days = [rng.integers(0, 60)]
        else:
            days = np.sort(rng.integers(0, 60, rng.integers(5, 12)))
        rows += [(f"c{i}", int(d)) for d in days]
    n = len(rows)
    orders = pd.DataFrame(
        {
            "order_id": [f"o{k}" for k in range(n)],
            "customer_id": [c for c, _ in rows],
            "product_id": [f"p{k % 7}" for k in range(n)],
            "quantity": 1,
            "price": rng.uniform(5, 50, n).round(2),
            "ordered_at": [str(start + pd.Timedelta(days=d)) for _, d in rows],
        }
    )
    (tmp_path / "shop").mkdir()
    orders.to_csv(tmp_path / "shop" / "orders.csv", index=False)
    with Store(":memory:") as store:
        ingest(store, tmp_path / "shop")
        profile = build_profile(store, as_of=pd.Timestamp("2026-07-01"), evaluate=False)
    c = profile.customers.set_index("customer_id")
    one_off = c.loc[[f"c{i}" for i in range(300)]]
    regular = c.loc[[f"c{i}" for i in range(300, 400)]]
    assert one_off["churn_risk"].min() > 0.05, one_off["churn_risk"].describe()
    assert one_off["churn_risk"].mean() > regular["churn_risk"].mean() + 0.1
    # among one-off buyers, the longer silent the likelier gone
    assert one_off["churn_risk"].corr(one_off["recency_days"], method="spearman") > 0.5
    # a segment of one-off buyers does not read 0% (the old profile's table)
    one_off_segments = profile.segments[profile.segments["frequency"] < 1.5]
    assert len(one_off_segments) and (one_off_segments["churn_risk"] > 0.1).all()
    note = next(n for n in profile.notes if n.startswith("churn_risk:"))
    assert "more history is needed" in note and "no order in 180 days" in note, note


def test_the_fallback_reads_the_churn_horizon():
    """The BG/NBD column the fallback reads is the one lifetime writes, for the churn horizon."""
    from promopilot.profile import fallbacks, lifetime
    from promopilot.profile.build import CHURN_HORIZON_DAYS

    assert fallbacks.NO_ORDER == lifetime.NO_ORDER_COLUMN
    assert lifetime.NO_ORDER_DAYS == CHURN_HORIZON_DAYS
    assert lifetime.NO_ORDER_COLUMN.endswith(f"_{CHURN_HORIZON_DAYS}d")

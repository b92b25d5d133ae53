"""Satisfaction after a campaign leaves out the customers no offer could reach (group ``none``,
nothing for certain, in a campaign that sent offers), as the lift table does: the query read
every non-visitor row, so in a designed test the customers left out before it was drawn were
counted among the control's buyers, setting the offer's buyers against customers unlike any
who could have got it."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.campaigns.satisfaction import campaign_satisfaction, satisfaction_frame
from promopilot.data.store import Store

SENT = pd.Timestamp("2026-03-01 09:00")
N = 30


@pytest.fixture()
def store(tmp_path):
    """A designed test: N sent pct10 (rating 1), N control (rating 4), N left out (group none,
    propensity 1; rating 5, wholesale buyers who liked everything); each buys and reviews."""
    arms = {
        "t": ("pct10", 0.5, "explore", 1.0, "Poor quality"),
        "c": ("", 0.5, "control", 4.0, "Fine"),
        "n": ("", 1.0, "none", 5.0, "Great quality, very happy"),
    }
    with Store(tmp_path / "s.duckdb") as store:
        for prefix, (offer, p, group, rating, text) in arms.items():
            for i in range(N):
                customer = f"{prefix}{i}"
                store.execute(
                    "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, channel, "
                    'propensity, "group") VALUES (?, ?, ?, ?, ?, ?, ?)',
                    ["k", customer, offer, SENT.to_pydatetime(), "csv", p, group],
                )
                store.execute(
                    "INSERT INTO orders (order_id, customer_id, timestamp, product_id, quantity, "
                    "unit_price, discount, is_return) VALUES (?, ?, ?, 'p1', 1, 10, 0, false)",
                    [f"o{customer}", customer, (SENT + pd.Timedelta(days=2)).to_pydatetime()],
                )
                store.execute(
                    "INSERT INTO reviews (review_id, customer_id, product_id, text, rating, "
                    "timestamp) VALUES (?, ?, 'p1', ?, ?, ?)",
                    [f"r{customer}", customer, text, rating, (SENT + pd.Timedelta(days=9))],
                )
        yield store


def test_customers_no_offer_could_reach_are_no_control_buyers(store):
    row = campaign_satisfaction(store, "k", window_days=14).set_index("offer_id").loc["pct10"]
    # with them, 60 control buyers whose rating averaged (2*30*4 + 30*5) / 90 = 4.33
    assert row["control_buyers"] == N and row["control_customers"] == N
    assert row["rating_control"] == pytest.approx(4.0)
    assert row["rating_diff"] == pytest.approx(-3.0)
    frame = satisfaction_frame(store, "k", window_days=14)
    assert not frame["customer_id"].str.startswith("n").any()
    assert frame.attrs["never_offered"] == N


def test_a_campaign_that_sent_nothing_keeps_its_customers(store):
    store.execute("UPDATE campaigns SET offer_id = '', propensity = 1.0, \"group\" = 'none'")
    frame = satisfaction_frame(store, "k", window_days=14)
    assert len(frame) == 3 * N and frame.attrs["never_offered"] == 0

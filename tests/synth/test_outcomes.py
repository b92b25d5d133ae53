import numpy as np
import pandas as pd
import pytest

from promopilot.synth.outcomes import random_campaign, simulate_plan_outcomes


def test_plan_outcomes_follow_the_truth(shop):
    truth = shop.truth
    ids = truth["customer_id"].to_numpy()
    offer = np.where(np.arange(len(ids)) % 2 == 0, "pct10", "")
    plan = pd.DataFrame(
        {
            "customer_id": ids,
            "offer_id": offer,
            "propensity": 0.5,
            "group": np.where(offer == "", "control", "target"),
            "coupon_code": np.where(offer == "", None, "PP-" + ids),
        }
    )
    sent_at = pd.Timestamp("2026-07-01T10:00:00")
    out = simulate_plan_outcomes(
        truth, plan, shop.tables["products"], campaign_id="t", sent_at=sent_at, seed=1
    )
    orders, campaigns = out["orders"], out["campaigns"]
    assert len(campaigns) == len(ids) and set(campaigns.columns) >= {"group", "coupon_code"}
    times = pd.to_datetime(orders["timestamp"])
    assert (times > sent_at).all() and (times < sent_at + pd.Timedelta(days=14)).all()
    buyers = set(orders["customer_id"])
    for name, mask in (("pct10", offer == "pct10"), ("none", offer == "")):
        observed = np.isin(ids[mask], list(buyers)).mean()
        expected = truth.loc[mask, f"p_buy__{name}"].mean()
        assert observed == pytest.approx(expected, abs=4 * np.sqrt(expected / mask.sum()))
    coded = orders[orders["coupon_code"].notna()]
    assert len(coded) and (coded["coupon_code"] == "PP-" + coded["customer_id"]).all()
    assert orders.loc[orders["customer_id"].isin(ids[offer == ""]), "coupon_code"].isna().all()
    assert set(orders["product_id"]) <= set(shop.tables["products"]["product_id"])


def test_random_campaign_truth_is_consistent():
    rng = np.random.default_rng(0)
    campaign = random_campaign(rng, 20000, effects={"a": 0.02}, send_cost=None, unequal=True)
    assert campaign.true_lift.loc["a", "profit_per_customer"] == pytest.approx(0, abs=1e-9)
    assert campaign.true_lift.loc["a", "conversion"] > 0
    frame = campaign.frame
    assert set(frame["arm"]) == {"control", "a"}
    assert frame["propensity"].between(0, 1).all() and frame["propensity"].nunique() > 2
    # Horvitz-Thompson checks that the logged propensities are the real ones
    w = 1 / frame["propensity"]
    share = w.groupby(frame["arm"]).sum() / len(frame)
    assert share.to_numpy() == pytest.approx([1.0, 1.0], abs=0.05)
    nothing = np.full(len(frame), "control", dtype=object)
    assert campaign.policy_value(nothing) == 0

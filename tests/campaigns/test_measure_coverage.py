"""Honest intervals: over hundreds of synthetic campaigns with known true effects (our own
simulator, `synth.outcomes.random_campaign`), the 95% intervals cover the truth."""

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.measure import estimate_lift
from promopilot.synth.outcomes import random_campaign

METRICS = ["conversion", "revenue_per_customer", "profit_per_customer"]
# per-arm effects on the daily purchase rate; send_cost None makes the true profit lift zero
SCENARIOS = [
    ({"a": 0.0, "b": 0.02}, None),  # zero true incremental profit
    ({"a": 0.01, "b": 0.02}, 0.05),
    ({"a": 0.03, "b": 0.0}, 0.05),  # b: no response at all, only costs
    ({"a": 0.005, "b": 0.04}, 0.05),
]
SIZES = [600, 2000, 6000]


def _run(n_campaigns: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_campaigns):
        effects, send_cost = SCENARIOS[i % len(SCENARIOS)]
        n = SIZES[(i // len(SCENARIOS)) % len(SIZES)]
        unequal = (i // 12) % 2 == 1
        campaign = random_campaign(rng, n, effects=effects, send_cost=send_cost, unequal=unequal)
        result = estimate_lift(campaign.frame, confidence=0.95, with_segments=False)
        for arm in result["arms"]:
            for metric in METRICS:
                lift = arm["lift"][metric]
                truth = campaign.true_lift.loc[arm["offer_id"], metric]
                rows.append(
                    {
                        "campaign": i,
                        "n": n,
                        "unequal": unequal,
                        "metric": metric,
                        "covered": lift["low"] <= truth <= lift["high"],
                    }
                )
        total = campaign.true_incremental_profit()
        ip = result["incremental_profit"]
        verdict = result["verdict"]
        rows.append(
            {
                "campaign": i,
                "n": n,
                "unequal": unequal,
                "metric": "incremental_profit",
                "covered": ip["low"] <= total <= ip["high"],
                "truth": total,
                "wrong_sign": (verdict == "gain" and total < 0)
                or (verdict == "loss" and total > 0),
                "claim_on_zero": send_cost is None and verdict != "no clear effect",
                "zero": send_cost is None,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.slow  # about 8 s of CPU
def test_intervals_cover_the_true_lift_over_240_campaigns():
    results = _run(240, seed=20261202)
    coverage = results.groupby("metric")["covered"].agg(["mean", "size"])
    by_design = results.groupby(["unequal", "metric"])["covered"].mean().unstack()
    totals = results[results["metric"] == "incremental_profit"]
    print("\ncoverage of 95% intervals over 240 synthetic campaigns (own simulator):")
    print(coverage.to_string())
    print("by assignment (unequal = inverse-propensity weighted):")
    print(by_design.round(3).to_string())
    print("by campaign size (customers, three arms):")
    print(results.groupby(["n", "metric"])["covered"].mean().unstack().round(3).to_string())
    wrong = totals["wrong_sign"].mean()
    zero = totals[totals["zero"]]
    print(
        f"verdicts with the wrong sign: {wrong:.3f}; claims of an effect in campaigns whose true "
        f"profit lift is zero: {zero['claim_on_zero'].mean():.3f} of {len(zero)}"
    )
    for metric in [*METRICS, "incremental_profit"]:
        assert 0.90 <= coverage.loc[metric, "mean"] <= 0.99, metric
    assert by_design.to_numpy().min() >= 0.88  # each design on its own (fewer campaigns)
    assert wrong <= 0.05
    assert zero["claim_on_zero"].mean() <= 0.10  # 5% expected by construction
    assert len(zero) >= 50


def test_cuped_narrows_revenue_intervals_where_pre_period_spend_predicts():
    rng = np.random.default_rng(7)
    ratios, covered = [], []
    for i in range(40):
        campaign = random_campaign(rng, 3000, effects={"a": 0.02}, activity=6.0, unequal=i % 2 == 1)
        arm = estimate_lift(campaign.frame, with_segments=False)["arms"][0]
        adjusted, plain = (
            arm["lift"]["revenue_per_customer"],
            arm["lift_unadjusted"]["revenue_per_customer"],
        )
        ratios.append((adjusted["high"] - adjusted["low"]) / (plain["high"] - plain["low"]))
        truth = campaign.true_lift.loc["a", "revenue_per_customer"]
        covered.append(adjusted["low"] <= truth <= adjusted["high"])
    print(
        f"\nCUPED / plain Welch revenue interval width: mean {np.mean(ratios):.3f}, "
        f"max {np.max(ratios):.3f}; CUPED coverage {np.mean(covered):.3f} (40 campaigns)"
    )
    assert np.mean(ratios) < 0.9
    assert np.max(ratios) < 1.0
    assert np.mean(covered) >= 0.85


def test_cuped_is_harmless_when_the_pre_period_says_nothing():
    rng = np.random.default_rng(8)
    ratios = []
    for _ in range(20):
        campaign = random_campaign(rng, 3000, effects={"a": 0.02}, predictive=0.0)
        arm = estimate_lift(campaign.frame, with_segments=False)["arms"][0]
        adjusted, plain = (
            arm["lift"]["revenue_per_customer"],
            arm["lift_unadjusted"]["revenue_per_customer"],
        )
        ratios.append((adjusted["high"] - adjusted["low"]) / (plain["high"] - plain["low"]))
    assert 0.97 < np.mean(ratios) < 1.02


def test_unequal_propensities_need_the_weights():
    """A targeted plan gives the offer mostly to past buyers: the unweighted comparison is
    biased upward, the weighted one is centred on the truth."""
    rng = np.random.default_rng(9)
    naive, weighted, truths = [], [], []
    for _ in range(60):
        campaign = random_campaign(rng, 4000, effects={"a": 0.01}, unequal=True)
        frame = campaign.frame
        result = estimate_lift(frame, covariates=None, with_segments=False)
        weighted.append(result["arms"][0]["lift"]["revenue_per_customer"]["estimate"])
        plain = frame.groupby("arm")["revenue"].mean()
        naive.append(plain["a"] - plain["control"])
        truths.append(campaign.true_lift.loc["a", "revenue_per_customer"])
    bias_naive = np.mean(np.subtract(naive, truths))
    bias_weighted = np.mean(np.subtract(weighted, truths))
    se_weighted = np.std(np.subtract(weighted, truths)) / np.sqrt(60)
    assert bias_naive > 5 * abs(bias_weighted)
    assert abs(bias_weighted) < 3 * se_weighted
    assert result["method"]["weights"].startswith("inverse propensity")


@pytest.mark.parametrize("confidence", [0.8, 0.9])
def test_other_confidence_levels_cover_at_their_level(confidence):
    rng = np.random.default_rng(11)
    covered = []
    for _ in range(120):
        campaign = random_campaign(rng, 1500, effects={"a": 0.02})
        lift = estimate_lift(campaign.frame, confidence=confidence, with_segments=False)["arms"][0][
            "lift"
        ]["profit_per_customer"]
        truth = campaign.true_lift.loc["a", "profit_per_customer"]
        covered.append(lift["low"] <= truth <= lift["high"])
    assert abs(np.mean(covered) - confidence) < 0.08

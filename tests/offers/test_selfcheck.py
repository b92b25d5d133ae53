"""The plan's self-check: the out-of-fold, doubly robust value of its own policy on the past
campaigns refuses a model with no real signal and passes one with a strong one."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import CONTROL, campaign_training_data
from promopilot.data.store import Store
from promopilot.offers.inputs import default_feature_fn, load_offers
from promopilot.offers.plan import build_plan
from promopilot.offers.policies import log_values
from promopilot.offers.selfcheck import (
    COST_PRIOR,
    COST_RATIO_LIMITS,
    _cost_ratio,
    cross_fitted_check,
    policy_interval,
)
from promopilot.synth.shop import END


@pytest.fixture(scope="module")
def logs(shop_db):
    with Store(shop_db, read_only=True) as store:
        data = campaign_training_data(store, default_feature_fn, window_days=14)
        offers = load_offers(store, END)
    return data, offers


def _check(shop_db, data, offers, budget_per_customer=0.6, **options):
    with Store(shop_db, read_only=True) as store:
        return cross_fitted_check(
            store,
            data,
            offers,
            budget_per_customer=budget_per_customer,
            default_margin=0.35,
            confidence=0.9,
            as_of=END,
            **options,
        )


def test_no_true_effect_is_refused(shop_db, logs):
    data, offers = logs
    # the outcomes shuffled over all exposures: the offers change nothing
    perm = np.random.default_rng(1).permutation(data.n)
    null = replace(
        data, bought=data.bought[perm], revenue=data.revenue[perm], discount=data.discount[perm]
    )
    check = _check(shop_db, null, offers)
    assert not check.passes
    assert check.low <= 0 < check.high or check.high <= 0
    assert check.customers == data.n


@pytest.mark.slow
def test_each_offer_s_cost_is_checked_on_its_own_followers(shop_db, logs):
    data, offers = logs
    with Store(shop_db, read_only=True) as store:
        values = log_values(store, data, offers, 0.35, END)

    # a response model: its cost forecast comes from the offers' terms, not from the logged
    # discounts
    base = _check(shop_db, data, offers, values=values, candidates=("t-learner",))
    sent = sorted(base.offer_cost_ratios)
    assert sent and set(sent) <= set(offers["offer_id"])
    low, high = COST_RATIO_LIMITS
    assert all(low <= r <= high for r in base.offer_cost_ratios.values())
    # one offer's redemptions cost twice what was logged: its ratio rises, and further from
    # the overall ratio than before
    dear = sent[0]
    doubled = np.where(data.treatment == dear, 2 * values.discount, values.discount)
    pricier = _check(
        shop_db, data, offers, values=replace(values, discount=doubled), candidates=("t-learner",)
    )
    before, after = base.offer_cost_ratios, pricier.offer_cost_ratios
    assert after[dear] > 1.05 * before[dear]
    assert after[dear] - pricier.cost_ratio > before[dear] - base.cost_ratio
    assert pricier.cost_ratio > base.cost_ratio


def test_a_cost_ratio_is_shrunk_by_how_many_redeemed_and_kept_within_limits():
    forecast = np.full(100, 10.0)
    # 80 of 100 followers redeemed at twice the forecast cost: 2, shrunk toward 1.2
    discount = np.r_[np.full(80, 25.0), np.zeros(20)]
    weight = np.ones(100)
    expected = (80 * 2.0 + COST_PRIOR * 1.2) / (80 + COST_PRIOR)
    assert _cost_ratio(weight, discount, forecast, toward=1.2) == pytest.approx(expected)
    # no follower: the ratio it is shrunk toward
    assert _cost_ratio(np.zeros(100), discount, forecast, toward=1.2) == 1.2
    # far above the forecast with many redeemers: the upper limit
    assert _cost_ratio(weight, 100 * discount, forecast, toward=1.0) == 3.0


@pytest.mark.slow
def test_a_strong_effect_passes(shop_db, logs):
    data, offers = logs
    # planted: every offer makes its customers with above-median recent spend buy, with a
    # basket worth far more than any discount
    treated = data.treatment != CONTROL
    spend = data.X["monetary"].fillna(0).to_numpy()
    lift = treated & (spend > np.median(spend))
    strong = replace(
        data,
        bought=np.where(lift, 1, data.bought),
        revenue=np.where(lift, data.revenue + 400.0, data.revenue),
    )
    check = _check(shop_db, strong, offers)
    assert check.passes and check.low > 0
    # every candidate is valued; the chosen one has the highest lower bound
    assert check.low == pytest.approx(check.candidates["low"].max())
    assert check.policy_sends > 0
    est, low, high = check.scaled(1000)
    assert low < est < high and est == pytest.approx(1000 * check.per_customer)


@pytest.mark.slow
def test_a_failing_check_sends_nothing_and_proposes_a_test(shop_db, monkeypatch):
    # the synthetic shop's 3,000-customer logs are too few to prove a plan's profit: nothing
    # is sent (no exploration either), and a randomized test within the budget is proposed;
    # with run_test the proposed test is what the plan sends
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")  # its money named in the plan's words
    with Store(shop_db, read_only=True) as store:
        quiet = build_plan(store, budget=1800.0, campaign_id="checked", as_of=END, n_bootstrap=5)
        test = build_plan(
            store, budget=1800.0, campaign_id="checked", as_of=END, n_bootstrap=5, run_test=True
        )
    check = quiet.self_check
    assert check is not None and not check.passes
    assert set(check.candidates["policy"]) == {"pooled-x", "t-learner", "one column", "everyone"}
    assert check.policy in set(check.candidates["policy"])
    assert "do not show" in quiet.design and "randomized test" in quiet.design
    # the dashboard's English warning is the plan's own, word for word
    from promopilot.offers.forecast import plan_forecast
    from promopilot.serve.i18n import labels
    from promopilot.serve.views import plan_words

    shown = plan_words(plan_forecast(quiet), labels("en"))["plan_warning"]
    assert shown == quiet.self_check_note and str(check.policy) in shown
    assert shown.count(" EUR") == 3 and "Budget 1,800.00 EUR" in quiet.design
    assert (quiet.plan["offer_id"] == "").all() and (quiet.plan["group"] == "none").all()
    assert quiet.plan["expected_cost"].sum() == 0 and quiet.totals["n_explore"] == 0
    assert (test.plan["group"] != "target").all() and (test.plan["offer_id"] != "").any()
    assert test.plan["expected_cost"].sum() <= 1800.0 + 1e-6


def test_policy_interval_finds_a_planted_profit_effect_and_nothing_for_sending_nothing():
    rng = np.random.default_rng(3)
    n = 6000
    arm = rng.choice(np.array([CONTROL, "a"], dtype=object), n)
    frame = pd.DataFrame(
        {"f0": rng.gamma(2.0, 50.0, n), "f1": rng.poisson(3, n).astype(float)}
    ).assign(arm=arm, propensity=0.5)
    frame["profit"] = 0.05 * frame["f0"] + rng.normal(0, 5, n) + np.where(arm == "a", 2.0, 0.0)
    estimate, low, high = policy_interval(frame, np.full(n, "a", dtype=object), confidence=0.9)
    assert 0 < low < 2.0 < high
    assert low < estimate < high
    nothing = policy_interval(frame, np.full(n, CONTROL, dtype=object), confidence=0.9)
    assert nothing == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)

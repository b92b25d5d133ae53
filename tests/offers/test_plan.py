"""Plans on the synthetic shop, judged against the generator's hidden truth."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import campaign_training_data
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.offers.assignment import assign_offers
from promopilot.offers.economics import offer_terms, redemption_scale
from promopilot.offers.explain import plan_rules, row_reasons
from promopilot.offers.forecast import plan_forecast
from promopilot.offers.inputs import customer_value_inputs, default_feature_fn, load_offers
from promopilot.offers.plan import PLAN_COLUMNS, build_plan
from promopilot.offers.randomization import LEFT_OUT_REASON
from promopilot.report.labels import readable_rules
from promopilot.synth.shop import (
    END,
    OFFERS,
    likeliest_buyers_plan,
    oracle_plan,
    plan_true_value,
    random_plan,
)

BUDGET = 1800.0  # about 0.6 per customer, as in the demo
# the default shop's 3,000 customers are too few for the self-check to prove a plan's profit
# (tests/offers/test_selfcheck.py): these tests plan with the default model whatever its
# bound (`plan --allow-uncertain`) to check the targeting itself
TARGET = {"n_bootstrap": 5, "select_model": False, "do_no_harm": False}


@pytest.fixture(scope="module")
def result(shop_db):
    with Store(shop_db, read_only=True) as store:
        return build_plan(store, budget=BUDGET, campaign_id="test", as_of=END, **TARGET)


def test_plan_has_one_row_per_customer_and_the_documented_columns(result, shop):
    plan = result.plan
    assert list(plan.columns) == PLAN_COLUMNS
    assert plan["customer_id"].is_unique
    assert set(plan["customer_id"]) == set(shop.truth["customer_id"])
    assert set(plan["group"]) == {"target", "control", "explore", "none"}
    assert set(plan["offer_id"]) - {""} <= set(OFFERS["offer_id"])


def test_target_offers_are_expected_to_be_profitable(result):
    plan = result.plan
    sent = plan[(plan["group"] == "target") & (plan["offer_id"] != "")]
    assert len(sent) > 100
    assert (sent["expected_incremental_profit"] > 0).all()


def test_expected_cost_stays_within_the_budget(result, shop):
    plan = result.plan
    sent = plan[plan["offer_id"] != ""]
    predicted = sent["expected_cost"].sum()
    assert predicted <= BUDGET + 1e-6
    assert predicted >= 0.9 * BUDGET  # the budget is used, not left on the table
    _, true_cost = plan_true_value(plan, shop.truth)
    # and in truth: the forecast is scaled by what the offers cost their followers in the
    # logs, out of fold (x1.17 here); the true expected discount was 0.86 of the budget
    # (2026-12-02), 0.95 before that correction
    assert 0.85 * BUDGET <= true_cost <= 1.1 * BUDGET


def test_groups_follow_the_documented_propensities(result):
    plan = result.plan
    # exploration is 5% unless its cost would pass half the budget (then a smaller slice)
    e, c, k = result.totals["explore_share"], 0.10, len(OFFERS)
    assert 0 < e <= 0.05
    explore = plan[plan["group"] == "explore"]
    control = plan[plan["group"] == "control"]
    target = plan[plan["group"] == "target"]
    # exploration: a random offer with probability e/K, plus (1-e)(1-c) when it happens to be
    # the model's choice too
    assert np.isin(
        explore["propensity"].round(6), np.round([e / k, e / k + (1 - e) * (1 - c)], 6)
    ).all()
    assert (explore["offer_id"] != "").all()
    assert np.allclose(control["propensity"], (1 - e) * c)
    assert (control["offer_id"] == "").all()
    sent = target["offer_id"] != ""
    assert np.allclose(target.loc[sent, "propensity"], e / k + (1 - e) * (1 - c))
    assert np.allclose(target.loc[~sent, "propensity"], 1 - e)
    # the hashed draws give the advertised shares (binomial bounds, 4 standard errors)
    n = len(plan)
    assert abs(len(explore) / n - e) < 4 * np.sqrt(e * (1 - e) / n)
    chosen = len(control) + sent.sum()
    assert abs(len(control) / chosen - c) < 4 * np.sqrt(c * (1 - c) / chosen) + 0.02


@pytest.mark.slow
def test_randomization_is_fixed_by_campaign_and_customer(shop_db, result):
    with Store(shop_db, read_only=True) as store:
        again = build_plan(store, budget=BUDGET, campaign_id="test", as_of=END, **TARGET)
        other = build_plan(store, budget=BUDGET, campaign_id="another", as_of=END, **TARGET)
    pd.testing.assert_series_equal(again.plan["group"], result.plan["group"])
    assert (other.plan["group"] != result.plan["group"]).any()


def test_plan_beats_the_usual_ways_and_earns_a_good_share_of_the_oracle(result, shop):
    truth = shop.truth
    profit, _ = plan_true_value(result.plan, truth)
    # the oracle with the same control group and exploration slice: only who gets what differs
    best, _ = plan_true_value(oracle_plan(truth, BUDGET, plan=result.plan), truth)
    econ = result.economics
    p_none = econ.drop_duplicates("customer_id").set_index("customer_id")["p_buy_none"]
    likeliest, _ = plan_true_value(likeliest_buyers_plan(truth, p_none, "pct10", BUDGET), truth)
    rand, _ = plan_true_value(random_plan(truth, BUDGET, seed=0), truth)
    assert profit > likeliest and profit > rand
    assert profit > 1.5 * rand
    # at least half of what a planner who knows the truth earns with the same slices
    # (bench/plan_oracle.py measures it over five shops for the README)
    assert profit >= 0.50 * best


def test_the_oracle_keeps_the_same_slices(result, shop):
    oracle = oracle_plan(shop.truth, BUDGET, plan=result.plan).set_index("customer_id")
    plan = result.plan.set_index("customer_id")
    explore = plan["group"] == "explore"
    assert (oracle.loc[explore.index[explore], "group"] == "explore").all()
    pd.testing.assert_series_equal(
        oracle.loc[explore.index[explore], "offer_id"], plan.loc[explore, "offer_id"]
    )
    held = (oracle["group"] == "control").sum()
    chosen = held + ((oracle["group"] == "target") & (oracle["offer_id"] != "")).sum()
    assert 0.05 < held / chosen < 0.15


def test_discounts_are_corrected_by_past_redemptions(result, shop_store):
    scale = result.discount_scale
    assert scale["freeship"] == 1.0  # its fee is not on order lines: kept as stated
    # the terms already count the beauty item a beauty coupon's buyer adds, so past
    # redemptions confirm them; 满减 pays out less often than expected baskets suggest
    assert 0.7 < scale["beauty15"] < 1.4
    assert scale["mj150_20"] < 1.0
    data = campaign_training_data(shop_store, default_feature_fn)
    offers = load_offers(shop_store)
    no_evidence = redemption_scale(shop_store, data, offers, default_margin=0.3, prior=1e9)
    assert np.allclose(no_evidence, 1.0)  # an overwhelming prior keeps the stated terms


def test_offers_state_their_expiry(result):
    plan = result.plan
    sent = plan[plan["offer_id"] != ""]
    valid = OFFERS.set_index("offer_id")["valid_days"]
    expected = (END + pd.to_timedelta(sent["offer_id"].map(valid), unit="D")).dt.strftime(
        "%Y-%m-%d"
    )
    limited = sent["offer_id"].map(valid).notna()
    assert limited.any()
    assert (sent.loc[limited, "expires_at"] == expected[limited]).all()


def test_every_row_has_a_reason_and_the_plan_has_rules(result):
    assert (result.plan["reason"].str.len() > 0).all()
    assert "class:" in result.rules
    assert {"alternative", "expected_profit"} <= set(result.alternatives.columns)


def test_assignment_respects_budget_messages_and_one_offer_each():
    rng = np.random.default_rng(0)
    n, k = 300, 3
    econ = pd.DataFrame(
        {
            "customer_id": np.repeat([f"c{i}" for i in range(n)], k),
            "offer_id": np.tile(["a", "b", "c"], n),
            "expected_incremental_profit": rng.normal(1, 2, n * k),
            "expected_cost": rng.uniform(0.1, 3, n * k),
        }
    )
    econ["profit_lower"] = econ["expected_incremental_profit"] - 0.5
    chosen = assign_offers(econ, budget=50, max_messages=40)
    assert chosen["customer_id"].is_unique
    assert chosen["expected_cost"].sum() <= 50 + 1e-9
    assert len(chosen) <= 40
    assert (chosen["profit_lower"] > 0).all()
    # the LP bound is an upper bound, and rounding down loses little
    assert chosen["expected_incremental_profit"].sum() <= chosen.attrs["lp_bound"] + 1e-6
    assert chosen["expected_incremental_profit"].sum() >= 0.95 * chosen.attrs["lp_bound"]


@pytest.fixture(scope="module")
def fresh_db(shop_db, tmp_path_factory):
    """The synthetic shop without its past campaigns."""
    path = tmp_path_factory.mktemp("fresh") / "fresh.duckdb"
    shutil.copy(shop_db, path)
    with Store(path) as store:
        store.execute("DELETE FROM campaigns")
    return path


@pytest.mark.parametrize("budget", [300.0, BUDGET, pytest.param(1e7, marks=pytest.mark.slow)])
def test_no_campaign_history_gives_a_designed_test_within_budget(fresh_db, budget):
    with Store(fresh_db, read_only=True) as store:
        result = build_plan(store, budget=budget, campaign_id="first", as_of=END, run_test=True)
    plan = result.plan
    assert "randomized test" in result.design and f"Budget {budget:,.2f}" in result.design
    assert (plan["campaign_id"] == "first").all()
    # the forecast cost of the whole test is within the budget, and uses most of it
    cost = plan["expected_cost"].sum()
    assert cost <= budget + 1e-6
    inside = plan[plan["group"] != "none"]
    if budget < 1e6:
        assert cost >= 0.95 * budget
        assert 0 < len(inside) < len(plan)
        assert "per arm" in result.design
    else:
        assert len(inside) == len(plan)
    # inside the test every arm has the same share; the propensities are exact
    arms = inside["offer_id"].value_counts(normalize=True)
    assert len(arms) == len(OFFERS) + 1
    share = 1 / len(arms)  # binomial bounds, 4 standard errors
    assert (arms - share).abs().max() < 4 * np.sqrt(share * (1 - share) / len(inside))
    sent = plan["offer_id"] != ""
    # left out before the draw (one arm would cost more than the cap): nothing, for sure
    out = (plan["reason"] == LEFT_OUT_REASON).to_numpy()
    assert (plan.loc[out, "group"] == "none").all() and np.allclose(plan["propensity"][out], 1)
    k, n = len(OFFERS), int((~out).sum())
    q = plan.loc[sent, "propensity"].to_numpy() * (k + 1)  # the test's inclusion probability
    assert np.allclose(q, q[0])
    assert np.allclose(plan.loc[~sent & ~out, "propensity"], 1 - q[0] * k / (k + 1))
    assert abs(len(inside) / n - q[0]) <= 4 * np.sqrt(q[0] * (1 - q[0]) / n) + 1e-9
    assert (plan.loc[plan["group"] == "none", "offer_id"] == "").all()


def test_a_budget_too_small_for_a_test_sends_nothing(fresh_db, monkeypatch):
    """A budget that holds fewer customers than the test has arms said "nothing is sent"
    while the plan still sent the offers of the few it held (found with a shop whose 每满
    offer costs one wholesale customer more than the budget)."""
    # only customers dearer than the whole budget are left out before the draw, so that a
    # budget of a few units holds a customer or two (at 5 % of it nobody may enter)
    monkeypatch.setenv("PROMOPILOT_TEST_MAX_COST_SHARE", "1")
    found = []
    with Store(fresh_db, read_only=True) as store:
        for budget in (1.0, 2.0, 4.0, 6.0, 8.0):
            result = build_plan(store, budget=budget, campaign_id="first", as_of=END, run_test=True)
            if "too small for a test: nothing is sent" not in result.design:
                continue
            plan = result.plan
            assert (plan["offer_id"] == "").all() and (plan["group"] == "none").all()
            assert plan["expected_cost"].sum() == 0 and np.allclose(plan["propensity"], 1.0)
            # "it holds 1 of the N customers the test may draw", or nobody may enter it
            held = re.search(r"it holds (\d+) of the|no customer may enter the test", result.design)
            found.append(int(held[1] or 0))
            # nor is such a test proposed (`plan` said "Send this test with --run-test.")
            quiet = build_plan(store, budget=budget, campaign_id="first", as_of=END)
            assert "nothing is sent" in quiet.design and not quiet.test_proposed
    # at least one budget held a customer or more (the old plan sent their offers)
    assert found and max(found) >= 1, found


def test_a_designed_test_writes_its_money_in_the_shops_currency(fresh_db, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    with Store(fresh_db, read_only=True) as store:
        result = build_plan(store, budget=300.0, campaign_id="first", as_of=END)
    assert result.currency == "EUR"
    cost = result.plan["expected_cost"].sum()
    assert "Budget 300.00 EUR: the test holds " in result.design
    # the proposed test's cost (not sent: the plan's own cost is 0)
    assert re.search(r"expected discount cost \d[\d,]*\.\d\d EUR \(", result.design)
    assert cost == 0 and plan_forecast(result)["currency"] == "EUR"


def test_reasons_and_rules_write_money_in_the_shops_currency():
    plan = pd.DataFrame(
        {
            "offer_id": ["pct10", "", ""],
            "group": ["target", "none", "control"],
            "p_buy": [0.4, np.nan, np.nan],
            "expected_incremental_profit": [1234.5, 0.0, 0.0],
            "model_choice": ["pct10", "", "pct10"],
        }
    )
    best = pd.DataFrame(
        {
            "offer_id": ["pct10", "pct10", "pct10"],
            "p_buy_none": [0.1, 0.1, 0.1],
            "expected_incremental_profit": [1234.5, 2.5, 1.0],
            "profit_lower": [3.0, -1.0, -1.0],
        }
    )
    reasons = row_reasons(plan, best, {"pct10": "10% off"}, "EUR")
    assert (
        reasons[0] == "persuadable: P(buy) 10% -> 40% with 10% off; +1,234.50 EUR expected profit"
    )
    assert reasons[1] == "not clearly profitable: pct10 might earn +2.50 EUR but could lose money"
    rng = np.random.default_rng(0)
    n = 1000
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "monetary": rng.uniform(0, 4000, n),
            "recency_days": rng.uniform(0, 400, n),
        }
    )
    spend = features["monetary"] > 2000
    choice = np.where(spend, np.where(features["recency_days"] > 200, "pct10", ""), "freeship")
    rules = plan_rules(features, pd.Series(choice, index=features["customer_id"]), currency="EUR")
    lines = rules.splitlines()[1:]
    # a cut of net spend is a sum of money; one of days is not
    cut = re.fullmatch(r"\|--- monetary <= (\d,\d{3}\.\d\d) EUR", lines[0])
    assert cut and 1900 < float(cut[1].replace(",", "")) < 2100, lines[0]
    assert re.fullmatch(r"\|   \|--- recency_days <= \d+\.\d\d", lines[3]), lines[3]
    assert f"net spend <= {cut[1]} EUR" in readable_rules(rules)
    assert f"净消费额 <= {cut[1]} EUR" in readable_rules(rules, "zh")


@pytest.mark.parametrize("history", [True, False])
def test_budget_zero_sends_nothing(shop_db, fresh_db, history):
    with Store(shop_db if history else fresh_db, read_only=True) as store:
        result = build_plan(store, budget=0.0, campaign_id="zero", as_of=END)
    assert (result.plan["offer_id"] == "").all()
    assert (result.plan["group"] == "none").all()
    assert result.plan["expected_cost"].sum() == 0


@pytest.mark.slow
def test_small_budget_holds_with_exploration_inside(shop_db):
    with Store(shop_db, read_only=True) as store:
        result = build_plan(store, budget=60.0, campaign_id="small", as_of=END, **TARGET)
    plan = result.plan
    assert plan["expected_cost"].sum() <= 60.0 + 1e-6
    # exploration shrank to fit half the budget instead of spending all of it
    explore_cost = plan.loc[plan["group"] == "explore", "expected_cost"].sum()
    assert 0 < explore_cost <= 30.0 + 1e-6
    assert result.totals["explore_share"] < 0.05


def test_total_intervals_bracket_the_point_estimates(result):
    # the intervals come from the same economics as the point estimates (bootstrap draws of
    # purchase probabilities, the same redemption-corrected discounts)
    t = result.totals
    low, high = t["profit_interval"]
    assert low < t["expected_profit"] < high
    low, high = t["cost_interval"]
    assert low < t["expected_cost"] < high


def test_category_coupon_costs_at_least_an_item_of_its_category(shop, shop_store):
    """A beauty coupon is redeemed with a beauty item, also by customers who never bought
    beauty: its predicted discount per purchase follows the truth's, shop-wide and for the
    customers with the smallest beauty share."""
    offers = load_offers(shop_store)
    inputs = customer_value_inputs(shop_store, as_of=END, default_margin=0.35)
    truth = shop.truth.set_index("customer_id").reindex(inputs["customer_id"])
    known = inputs["n_orders"].to_numpy() >= 2
    j = list(offers["offer_id"]).index("beauty15")
    predicted = offer_terms(offers, inputs, 0.35).discount[:, j]
    true = truth["discount__beauty15"].to_numpy()
    assert predicted[known].mean() == pytest.approx(true[known].mean(), rel=0.25)
    low = known & (inputs["share_beauty"].to_numpy() < 0.02)
    assert low.sum() > 50
    assert predicted[low].mean() == pytest.approx(true[low].mean(), rel=0.35)
    assert (predicted > 0).all()


def test_rules_print_a_split_only_where_the_offer_changes():
    rng = np.random.default_rng(0)
    n = 2000
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "recency_days": rng.uniform(0, 400, n),
            "discount_sensitivity": rng.uniform(0, 1, n),
        }
    )
    choice = np.where(
        features["recency_days"] > 200,
        "",
        np.where(features["discount_sensitivity"] > 0.5, "pct10", "freeship"),
    )
    noisy = rng.random(n) < 0.1
    choice[noisy] = ""  # some noise: a purity-grown tree splits leaves that agree
    rules = plan_rules(features, pd.Series(choice, index=features["customer_id"]))
    lines = rules.splitlines()[1:]
    # three groups, three leaves: old customers get nothing, the others split by sensitivity
    assert [line.split("class: ")[1] for line in lines if "class:" in line] == [
        "freeship",
        "pct10",
        "nothing",
    ]
    assert lines[0].startswith("|--- recency_days <= ")
    assert 190 < float(lines[0].split("<= ")[1]) < 210


def test_the_plan_runs_on_one_blas_thread(shop_db, monkeypatch):
    from threadpoolctl import threadpool_info

    from promopilot.offers import plan as plan_module

    seen = []

    def spy(store, as_of):
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        raise RuntimeError("stop here")

    monkeypatch.setattr(plan_module, "load_offers", spy)

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    with Store(shop_db, read_only=True) as store, pytest.raises(RuntimeError, match="stop here"):
        build_plan(store, budget=BUDGET, as_of=END)
    assert seen and set(seen) == {1}
    assert blas_threads() == before  # the limit ends with the plan


def test_offers_expire_on_the_shops_day_counted_from_its_plan_date(tmp_path):
    """In Los Angeles the plan date 2026-10-13 00:00 UTC (a timestamp: a stored instant) is
    17:00 on the 12th: a 14-day offer expires on the 26th there (it read the 27th, counted
    from the UTC date). The text "2026-10-13" is the shop's midnight: the 27th."""
    from promopilot.data.ingest import ingest

    shop = tmp_path / "shop"
    shop.mkdir()
    files = {
        "products.csv": "product_id,title,category,price,cost\np1,绿茶,tea,10,4\n",
        "orders.csv": "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o1,2026-09-20 10:00,c1,p1,1,10\no2,2026-10-04 12:00,c2,p1,2,10\n"
        "o3,2026-10-11 20:00,c3,p1,1,10\n",
        "offers.csv": "offer_id,kind,value,min_spend,valid_days\noff10,percent_off,0.1,0,14\n",
    }
    for name, text in files.items():
        (shop / name).write_text(text, encoding="utf-8")
    with Store(":memory:", timezone="America/Los_Angeles") as store:
        ingest(store, shop)
        instant, text = (
            build_plan(store, budget=100.0, campaign_id="first", as_of=as_of, run_test=True)
            for as_of in (pd.Timestamp("2026-10-13"), "2026-10-13")
        )
    assert text.as_of == pd.Timestamp("2026-10-13 07:00")  # the shop's midnight, in UTC
    for result, expiry in ((instant, "2026-10-26"), (text, "2026-10-27")):
        sent = result.plan[result.plan["offer_id"] != ""]
        assert len(sent) and set(sent["expires_at"]) == {expiry}


def test_a_budget_that_is_not_an_amount_is_refused_by_name():
    """From Python, budget="100" stopped on "'<' not supported between instances of 'str'
    and 'int'", and a NaN budget was taken (NaN < 0 is false)."""
    store = Store(":memory:")
    for budget in ("100", float("nan"), -1, None):
        with pytest.raises(InputError, match=r"budget must be a number >= 0, got"):
            build_plan(store, budget=budget)

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from promopilot.campaigns.lift import arm_mean, difference, needed_per_group
from promopilot.campaigns.measure import estimate_lift, measure_campaign
from promopilot.campaigns.outcomes import campaign_outcomes, daily_profit
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError, UnknownIdError


def _shop(tmp_path, campaigns: str, orders: str):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,price,cost\np1,10,6\np2,20,\n")
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,send_cost\npct10,percent_off,0.1,0.5\nship,free_shipping,8,0\n"
    )
    (folder / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount,coupon_code,"
        "is_return\n" + orders
    )
    (folder / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,channel,propensity\n" + campaigns
    )
    store = Store(":memory:")
    ingest(store, folder)
    return store


CAMPAIGNS = (
    "k1,a,pct10,2026-02-01,email,\n"
    "k1,b,,2026-02-01,email,\n"
    "k1,c,pct10,2026-02-01,sms,\n"
    "k1,d,,2026-02-01,sms,\n"
    "k2,a,ship,2026-05-01,email,0.5\n"
)
ORDERS = (
    "o1,2026-01-25,a,p1,1,10,0,,false\n"  # a: pre-period (within 14 days before)
    "o2,2026-02-03,a,p1,2,10,2,PCT10,false\n"  # a: outcome: revenue 18, cost 12
    "o3,2026-02-05,a,p2,1,20,0,,false\n"  # a: cost unknown: 20 x (1 - 0.35) = 13
    "o4,2026-02-06,a,p2,1,20,0,,true\n"  # a: a return: not an outcome
    "o5,2026-02-16,b,p1,1,10,0,,false\n"  # b: after the 14-day window
    "o6,2026-02-10,d,p1,3,10,0,,false\n"  # d: control buyer: revenue 30, cost 18
    "o7,2025-12-01,c,p1,1,10,0,,false\n"  # c: long before: an order before, not pre-period
)


def test_outcomes_follow_the_definitions(tmp_path):
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    frame = campaign_outcomes(store, "k1", window_days=14, default_margin=0.35)
    rows = frame.set_index("customer_id")
    assert rows["arm"].to_dict() == {"a": "pct10", "b": "control", "c": "pct10", "d": "control"}
    assert rows["converted"].to_dict() == {"a": 1, "b": 0, "c": 0, "d": 1}
    assert rows["revenue"].to_dict() == pytest.approx({"a": 38.0, "b": 0, "c": 0, "d": 30.0})
    # profit = revenue - cost - send cost (sent customers only)
    assert rows.loc["a", "profit"] == pytest.approx(38 - 12 - 13 - 0.5)
    assert rows.loc["c", "profit"] == pytest.approx(-0.5)
    assert rows.loc["d", "profit"] == pytest.approx(12.0)
    assert rows["pre_revenue"].to_dict() == pytest.approx({"a": 10.0, "b": 0, "c": 0, "d": 0})
    assert rows["segment"].to_dict()["c"] == "one order before"
    assert np.allclose(rows["propensity"], 0.5)  # missing: uniform over the 2 arms


def test_measure_campaign_returns_the_issue_json(tmp_path):
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    # two customers per arm: the arithmetic, below the size a report shows an offer's lift at
    result = measure_campaign(store, "k1", window_days=14, confidence=0.9, min_arm_customers=2)
    assert {
        "campaign_id",
        "window_days",
        "confidence",
        "control",
        "arms",
        "incremental_profit",
        "verdict",
    } <= set(result)
    assert result["campaign_id"] == "k1" and result["window_days"] == 14
    assert result["control"]["customers"] == 2
    assert result["control"]["conversion"] == pytest.approx(0.5)
    assert result["control"]["revenue_per_customer"] == pytest.approx(15.0)
    (arm,) = result["arms"]
    assert arm["offer_id"] == "pct10" and arm["customers"] == 2
    assert set(arm["lift"]) == {"conversion", "revenue_per_customer", "profit_per_customer"}
    for lift in arm["lift"].values():
        assert set(lift) >= {"estimate", "low", "high", "p_value"}
        assert lift["low"] <= lift["estimate"] <= lift["high"]
    assert arm["lift_unadjusted"]["revenue_per_customer"]["estimate"] == pytest.approx(19 - 15)
    assert set(result["incremental_profit"]) >= {"estimate", "low", "high"}
    assert result["verdict"] == "no clear effect"
    assert "No clear effect" in result["summary"]
    assert [s["segment"] for s in result["segments"]]
    json.dumps(result, allow_nan=False)  # plain JSON for the HTTP server: no NaN, no numpy


def test_welch_without_covariates_equals_scipy(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "arm": np.where(np.arange(n) % 2 == 0, "control", "x"),
            "propensity": 0.5,
            "converted": rng.random(n) < 0.3,
            "revenue": rng.exponential(20, n),
        }
    )
    frame["profit"] = frame["revenue"] * 0.3
    result = estimate_lift(frame, covariates=None, with_segments=False, confidence=0.95)
    lift = result["arms"][0]["lift"]["revenue_per_customer"]
    x, c = (
        frame.loc[frame["arm"] == "x", "revenue"],
        frame.loc[frame["arm"] == "control", "revenue"],
    )
    test = scipy_stats.ttest_ind(x, c, equal_var=False)
    low, high = test.confidence_interval(0.95)
    assert lift["estimate"] == pytest.approx(x.mean() - c.mean())
    assert lift["p_value"] == pytest.approx(test.pvalue)
    assert (lift["low"], lift["high"]) == pytest.approx((low, high))
    assert result["method"]["weights"].startswith("equal")


def test_weighted_mean_is_hajek_and_its_variance_reduces_to_welch():
    z = np.array([1.0, 2.0, 3.0, 10.0])
    w = np.array([1.0, 1.0, 2.0, 4.0])
    a = arm_mean(z, w)
    assert a.mean == pytest.approx((1 + 2 + 6 + 40) / 8)
    assert a.variance == pytest.approx((w**2 * (z - a.mean) ** 2).sum() / 64 * 4 / 3)
    plain = arm_mean(z)
    assert plain.variance == pytest.approx(z.var(ddof=1) / 4)
    assert arm_mean(z, np.full(4, 3.0)).variance == pytest.approx(plain.variance)


def test_needed_sample_size_matches_the_textbook_formula():
    # sigma 1 in each group, effect 0.2, 95% two-sided, 80% power: 2 x 7.849 / 0.04 = 392.4
    assert needed_per_group(1.0, 1.0, 0.2, confidence=0.95) == 393
    assert needed_per_group(1.0, 1.0, 0.0, confidence=0.95) is None


def test_clear_gain_and_loss_verdicts():
    rng = np.random.default_rng(1)
    n = 4000
    arm = np.where(rng.random(n) < 0.5, "control", "x")
    base = rng.exponential(10, n)
    for shift, verdict in ((3.0, "gain"), (-3.0, "loss")):
        frame = pd.DataFrame(
            {
                "arm": arm,
                "propensity": 0.5,
                "converted": base > 5,
                "revenue": base,
                "profit": base + shift * (arm == "x"),
                "pre_revenue": 0.0,
                "pre_orders": 0,
            }
        )
        result = estimate_lift(frame, with_segments=False)
        assert result["verdict"] == verdict
        assert ("earned" if verdict == "gain" else "lost") in result["summary"]
        assert difference(
            arm_mean(frame["profit"][arm == "x"]), arm_mean(frame["profit"][arm == "control"]), 0.95
        ).estimate == (pytest.approx(result["arms"][0]["lift"]["profit_per_customer"]["estimate"]))


def test_unknown_campaign_and_missing_control_are_said_plainly(tmp_path):
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    with pytest.raises(UnknownIdError, match=r"'nope' is not in the store.*k1"):
        measure_campaign(store, "nope")
    with pytest.raises(NotEnoughDataError, match="control"):
        measure_campaign(store, "k2")


def test_group_and_coupon_columns_are_used_when_present(tmp_path):
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    store.execute(
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END, coupon_code = CASE customer_id "
        "WHEN 'a' THEN 'PCT10' WHEN 'c' THEN 'ZZZ' END"
    )
    result = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert result["arms"][0]["redemptions"] == 1
    assert result["groups"] == {"control": 2, "target": 2}


def test_a_code_typed_in_lower_case_or_with_spaces_is_a_redemption(tmp_path):
    # shop platforms accept codes case-insensitively and customers paste them with spaces
    orders = ORDERS.replace(",PCT10,", ", pct 10 ,") + "o8,2026-02-04,c,p1,1,10,1,zzz,false\n"
    store = _shop(tmp_path, CAMPAIGNS, orders)
    store.execute(
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END, coupon_code = CASE customer_id "
        "WHEN 'a' THEN 'PCT10' WHEN 'c' THEN 'ZZZ' END"
    )
    result = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert result["arms"][0]["redemptions"] == 2


def test_a_code_used_by_a_customer_it_was_not_given_to_is_named(tmp_path):
    # d got nothing (control) but ordered with a's code: the control group used an offer
    orders = ORDERS + "o9,2026-02-08,d,p1,1,10,1,pct10,false\n"
    store = _shop(tmp_path, CAMPAIGNS, orders)
    clean = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert "shared_codes" not in clean  # no codes logged yet
    store.execute(
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END, coupon_code = CASE customer_id "
        "WHEN 'a' THEN 'PCT10' WHEN 'c' THEN 'ZZZ' END"
    )
    result = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert result["shared_codes"] == {"customers": 1, "sent_nothing": 1}
    summary = result["summary"]
    assert "1 customer ordered with a code of this campaign that was given to someone" in summary
    assert "1 of them were sent nothing" in summary


def test_orders_with_a_code_before_it_was_sent_are_counted_and_said(tmp_path):
    # c used its code ZZZ on 31 January, the day before the send (a code in another time
    # zone's clock, or one known before): not an outcome, and the summary says why
    orders = ORDERS + "o8,2026-01-31 20:00,c,p1,1,10,1,zzz,false\n"
    store = _shop(tmp_path, CAMPAIGNS, orders)
    assert "early_code_orders" not in measure_campaign(
        store, "k1", window_days=14, min_arm_customers=2
    )
    store.execute(
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END, coupon_code = CASE customer_id "
        "WHEN 'a' THEN 'PCT10' WHEN 'c' THEN 'ZZZ' END"
    )
    result = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert result["early_code_orders"] == 1
    assert result["arms"][0]["redemptions"] == 1  # a's, in the window; c's came before it
    assert "1 order used a code of this campaign before it was sent" in result["summary"]
    # a code used only in the window is not early
    (tmp_path / "clean").mkdir()
    clean = _shop(tmp_path / "clean", CAMPAIGNS, ORDERS)
    clean.execute("UPDATE campaigns SET coupon_code = 'PCT10' WHERE customer_id = 'a'")
    assert "early_code_orders" not in measure_campaign(
        clean, "k1", window_days=14, min_arm_customers=2
    )


def test_the_shops_own_codes_used_in_the_window_are_named(tmp_path):
    # b (control) and d (control) ordered with the shop's public code during the window, d
    # also with a second one; a's PCT10 is the campaign's own code, not another promotion
    orders = (
        ORDERS.replace("o5,2026-02-16,b,p1,1,10,0,,", "o5,2026-02-12,b,p1,1,10,0,welcome,").replace(
            "o6,2026-02-10,d,p1,3,10,0,,", "o6,2026-02-10,d,p1,3,10,0,WELCOME ,"
        )
        + "o8,2026-02-11,d,p2,1,20,0,VIP5,false\n"
        + "o9,2026-03-20,d,p2,1,20,0,LATE,false\n"  # after the window: not counted
    )
    store = _shop(tmp_path, CAMPAIGNS, orders)
    # a campaign that logged no codes says nothing: the orders may carry its own code
    assert "other_codes" not in measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    store.execute(
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END, coupon_code = CASE customer_id "
        "WHEN 'a' THEN 'PCT10' WHEN 'c' THEN 'ZZZ' END"
    )
    result = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert result["other_codes"] == {"customers": 2, "codes": 2, "top": {"WELCOME": 2, "VIP5": 1}}
    assert (
        "2 of the campaign's customers ordered in their window with codes it did not send "
        "(WELCOME (2), VIP5 (1))" in result["summary"]
    )


def test_a_window_that_runs_past_the_latest_order_is_said_to_be_not_final(tmp_path):
    # the last order is on 16 February: a 14-day window from 1 February is over, a 30-day one
    # is not, and its figures would still change as later orders come in
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    past = measure_campaign(store, "k1", window_days=30, min_arm_customers=2)
    assert "open_windows" not in past  # handed over in campaigns.csv: history as it is
    store.execute(  # as `promopilot send` logs it
        "UPDATE campaigns SET \"group\" = CASE WHEN offer_id IS NULL OR offer_id = '' "
        "THEN 'control' ELSE 'target' END"
    )
    over = measure_campaign(store, "k1", window_days=14, min_arm_customers=2)
    assert "open_windows" not in over and "Not final" not in over["summary"]
    still = measure_campaign(store, "k1", window_days=30, min_arm_customers=2)
    assert still["open_windows"]["customers"] == 4
    assert "Not final: the 30-day window of every customer" in still["summary"]
    assert "(2026-02-16)" in still["summary"]


def test_cumulative_profit_ends_at_the_window_totals(tmp_path):
    store = _shop(tmp_path, CAMPAIGNS, ORDERS)
    frame = campaign_outcomes(store, "k1", window_days=14, default_margin=0.35)
    daily = daily_profit(store, frame, "k1", default_margin=0.35)
    assert daily["day"].max() == 13
    last = daily[daily["day"] == 13].set_index("arm")["profit_per_customer"]
    means = frame.groupby("arm")["profit"].mean()
    assert last.to_dict() == pytest.approx(means.to_dict())
    day1 = daily[(daily["day"] == 1) & (daily["arm"] == "pct10")]["profit_per_customer"]
    assert float(day1.iloc[0]) == pytest.approx(-0.5)  # only the send costs so far


def test_the_summary_names_the_randomized_control_apart_from_other_customers_who_got_nothing():
    from promopilot.campaigns.lift_words import baseline_words

    logged = {"control": {"customers": 900}, "groups": {"control": 100, "none": 800}}
    assert baseline_words(logged) == (
        "900 customers who got nothing (100 of them the randomized control group)"
    )
    past = {"control": {"customers": 300}}  # a past campaign: no groups logged
    assert baseline_words(past) == "300 control customers"


def test_a_campaign_without_outcomes_yet_says_so_instead_of_a_zero_lift():
    n = 200
    arm = np.where(np.arange(n) % 2 == 0, "control", "x")
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": 0.5,
            "converted": False,
            "revenue": 0.0,
            "profit": np.where(arm == "x", -0.05, 0.0),  # only the sending cost so far
            "pre_revenue": 0.0,
            "pre_orders": 0,
        }
    )
    result = estimate_lift(frame, with_segments=False)
    assert result["buyers"] == 0
    assert result["summary"].startswith("No outcomes yet: none of the 200 customers")


def test_the_summary_of_an_unclear_campaign_survives_an_undetectable_effect():
    from promopilot.campaigns.lift_words import summary

    result = {
        "confidence": 0.95,
        "incremental_profit": {"estimate": 1.0, "low": -2.0, "high": 4.0},
        "control": {"customers": 3},
        "verdict": "no clear effect",
        "buyers": 2,
        "power": {
            "power": 0.8,
            "sent_customers": 3,
            "minimum_detectable_profit_lift": None,
            "needed_customers_per_group": None,
            "profit_lift_per_customer": None,
        },
    }
    text = summary(result)
    assert text.startswith("No clear effect") and "too few outcomes vary" in text


def test_the_verdict_writes_money_as_every_table_does_with_its_currency():
    from promopilot.campaigns.lift_words import summary

    result = {
        "confidence": 0.9,
        "incremental_profit": {"estimate": -0.004, "low": -1234.5, "high": 2000.0},
        "control": {"customers": 3},
        "verdict": "no clear effect",
        "buyers": 2,
        "currency": "EUR",
        "power": {
            "power": 0.8,
            "sent_customers": 3,
            "minimum_detectable_profit_lift": 1.5,
            "needed_customers_per_group": None,
            "profit_lift_per_customer": None,
        },
    }
    text = summary(result)
    # never -0.00 (the verdict wrote its own "-0.00"), thousands separated, EUR after each sum
    assert "incremental profit 0.00 EUR (90% interval -1,234.50 EUR to 2,000.00 EUR)" in text
    assert "detect a profit lift of 1.50 EUR per customer" in text


def test_a_targeted_offer_is_measured_against_the_control_held_out_from_the_same_choices():
    """The plan chose low spenders (persuadable) for the offer and left big spenders alone:
    against everyone who got nothing the offer would look harmful; against its own held-out
    control it shows the planted +2.0 profit per customer."""
    from promopilot.campaigns.measure import _measure

    rng = np.random.default_rng(7)
    n = 6000
    big = rng.random(n) < 0.4  # left alone by the plan
    held_out = rng.random(n) < 0.15
    group = np.where(big, "none", np.where(held_out, "control", "target"))
    arm = np.where(group == "target", "x", "control")
    base = np.where(big, 30.0, 5.0) + rng.normal(0, 2, n)
    profit = base + 2.0 * (arm == "x")
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "arm": arm,
            "group": group,
            "propensity": np.where(group == "none", 1.0, np.where(group == "control", 0.15, 0.85)),
            "converted": (profit > 4).astype(int),
            "revenue": profit,
            "profit": profit,
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "coupon_code": None,
            "segment": "all",
        }
    )
    frame.attrs["window_days"] = 14
    result = _measure(frame, "t", confidence=0.95)
    lift = result["arms"][0]["lift"]["profit_per_customer"]
    assert lift["low"] < 2.0 < lift["high"] and abs(lift["estimate"] - 2.0) < 0.3
    assert result["per_offer_control"]["customers"] == int((group == "control").sum())
    assert result["control"]["customers"] == int((group != "target").sum())
    naive = estimate_lift(frame, with_segments=False)["arms"][0]["lift"]["profit_per_customer"]
    assert naive["high"] < 0  # what the pooled comparison said


def test_an_offer_too_few_customers_got_is_named_not_given_an_interval():
    rng = np.random.default_rng(3)
    arm = np.array(["control"] * 300 + ["x"] * 300 + ["tiny"] * 2, dtype=object)
    bought = (rng.random(len(arm)) < 0.3) & (arm != "tiny")  # neither of the two bought
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": np.where(arm == "tiny", 2 / 602, 300 / 602),
            "converted": bought.astype(int),
            "revenue": bought * 50.0,
            "profit": bought * 20.0,
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "segment": np.where(np.arange(len(arm)) % 2 == 0, "new", "repeat"),
        }
    )
    result = estimate_lift(frame)
    assert [a["offer_id"] for a in result["arms"]] == ["x"]
    assert result["too_few"] == [{"offer_id": "tiny", "customers": 2}]
    assert "tiny (2)" in result["summary"] and "at least 30" in result["summary"]
    for segment in result["segments"]:
        assert [a["offer_id"] for a in segment["arms"]] == ["x"]
    # the whole campaign still counts everyone: the same total as when tiny is measured too
    everything = estimate_lift(frame, min_arm_customers=2)
    assert "tiny" in [a["offer_id"] for a in everything["arms"]]
    assert result["incremental_profit"] == everything["incremental_profit"]
    json.dumps(result, allow_nan=False)


def test_a_segments_counts_are_named_sent_control_and_all():
    """The JSON's segments[].customers counted the segment's control group too, which the HTML
    segment table (counting those sent an offer) had to subtract: Hillstrom's one segment read
    64,000 beside 21,306 in control where 42,694 were sent an e-mail. Each count is now named
    for what it counts, and a segment too small to measure says the same."""
    arm = np.array(["control"] * 300 + ["x"] * 400 + ["control"] * 5 + ["x"] * 40, dtype=object)
    segment = np.array(["big"] * 700 + ["small"] * 45, dtype=object)
    bought = np.arange(len(arm)) % 3 == 0
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": 0.5,
            "converted": bought.astype(int),
            "revenue": bought * 50.0,
            "profit": bought * 20.0,
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "segment": segment,
        }
    )
    big, small = estimate_lift(frame)["segments"]
    assert "customers" not in big and "customers" not in small
    assert (big["sent_customers"], big["control_customers"], big["all_customers"]) == (
        400,
        300,
        700,
    )
    assert big["verdict"] and sum(a["customers"] for a in big["arms"]) == big["sent_customers"]
    assert (small["sent_customers"], small["control_customers"], small["all_customers"]) == (
        40,
        5,
        45,
    )
    assert small["arms"] == [] and small["note"]


def test_a_control_group_smaller_than_the_fewest_measured_is_refused():
    arm = np.array(["control"] * 5 + ["x"] * 300, dtype=object)
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": np.where(arm == "x", 300 / 305, 5 / 305),
            "converted": np.arange(len(arm)) % 3 == 0,
            "revenue": 0.0,
            "profit": 0.0,
            "pre_revenue": 0.0,
            "pre_orders": 0,
        }
    )
    with pytest.raises(NotEnoughDataError, match=r"5 control customer.*at least 30"):
        estimate_lift(frame, with_segments=False)
    assert estimate_lift(frame, with_segments=False, min_arm_customers=5)["arms"]


def test_a_plan_log_with_a_small_held_out_control_shows_no_offer_lift():
    from promopilot.campaigns.measure import _measure

    n = 400
    group = np.array(["control"] * 10 + ["target"] * 190 + ["none"] * 200, dtype=object)
    arm = np.where(group == "target", "x", "control")
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "arm": arm,
            "group": group,
            "coupon_code": None,
            "propensity": 1.0,
            "converted": np.arange(n) % 4 == 0,
            "revenue": (np.arange(n) % 4 == 0) * 40.0,
            "profit": (np.arange(n) % 4 == 0) * 15.0,
            "pre_revenue": 0.0,
            "pre_orders": 0,
            "segment": "all",
        }
    )
    frame.attrs["window_days"] = 14
    result = _measure(frame, "k", confidence=0.95)
    assert result["held_out_customers"] == 10
    assert result["arms"] == [] and result["segments"] == []
    assert "held out from the plan's choices has 10 customers" in result["summary"]
    assert result["incremental_profit"]["estimate"] is not None  # the whole campaign stands


def test_an_arm_nobody_in_bought_borrows_the_campaigns_spread():
    rng = np.random.default_rng(5)
    arm = np.array(["control"] * 300 + ["x"] * 40, dtype=object)
    bought = (rng.random(len(arm)) < 0.3) & (arm == "control")  # nobody with x bought
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": 0.5,
            "converted": bought.astype(int),
            "revenue": bought * 50.0,
            "profit": bought * 20.0,
            "pre_revenue": 0.0,
            "pre_orders": 0,
        }
    )
    lift = estimate_lift(frame, with_segments=False)["arms"][0]["lift"]["conversion"]
    pooled = np.var(bought.astype(float), ddof=1)
    # its own spread is zero: without the floor the interval would be the control's alone
    # (about +-0.05 here); with it, the arm counts as varying like the campaign
    assert (lift["high"] - lift["low"]) / 2 > 1.9 * np.sqrt(pooled / 40)
    assert lift["low"] < lift["estimate"] < lift["high"] < 0


@pytest.mark.parametrize("big", [1e150, 1e308])
def test_absurd_outcomes_are_not_measurable_instead_of_a_crash(big):
    from rich.console import Console

    from promopilot.cli.lift_tables import lift_table

    rng = np.random.default_rng(0)
    n = 80
    revenue = rng.integers(0, 2, n) * rng.uniform(1, 50, n)
    revenue[45] = big  # a store filled before magnitudes were bounded
    frame = pd.DataFrame(
        {
            "arm": ["control"] * 40 + ["pct10"] * 40,
            "propensity": 0.5,
            "converted": (revenue > 0).astype(float),
            "revenue": revenue,
            "profit": revenue * 0.3,
            "pre_revenue": rng.uniform(0, 10, n),
            "pre_orders": 1.0,
        }
    )
    with np.errstate(all="ignore"):
        result = estimate_lift(frame)
    assert result["summary"].startswith("Not measurable")
    result.update(campaign_id="k", window_days=14)
    console = Console(width=200, record=True)
    console.print(lift_table(result))
    assert "not measurable" in console.export_text()


def _with_visitors(store, tmp_path, n=300, campaign_id="plan"):
    """`n` visitors `promopilot serve` answered outside the plan (group visitor, every 5th shown
    an exploration offer), few of whom buy in their window."""
    from promopilot.data.queries.serve import insert_exposures

    ids = [f"v{i:04d}" for i in range(n)]
    offered = [i % 5 == 0 for i in range(n)]
    insert_exposures(
        store,
        pd.DataFrame(
            {
                "campaign_id": campaign_id,
                "customer_id": ids,
                "offer_id": ["pct10" if o else None for o in offered],
                "sent_at": pd.Timestamp("2026-03-01 10:00"),
                "channel": "api",
                "propensity": [0.075 if o else 0.7 for o in offered],
                "group": "visitor",
            }
        ),
    )
    folder = tmp_path / "visitor-orders"
    folder.mkdir()
    buyers = ids[::20]
    pd.DataFrame(
        {
            "order_id": [f"vo{i}" for i in range(len(buyers))],
            "timestamp": "2026-03-05T12:00:00",
            "customer_id": buyers,
            "product_id": "p",
            "quantity": 1,
            "unit_price": 40.0,
            "discount": 0.0,
        }
    ).to_csv(folder / "orders.csv", index=False)
    ingest(store, folder)
    return sum(offered)


def test_visitors_answered_outside_the_plan_are_counted_apart_not_measured(tmp_path):
    """Before, 300 visitors (240 sent nothing) joined the customers who got nothing and moved
    the whole campaign's incremental profit; now its figures are the plan's customers' alone,
    and the visitors are counted in a sentence of their own."""
    from tests.campaigns.report_helpers import plan_store

    store = plan_store(tmp_path)
    plan_only = measure_campaign(store, "plan", window_days=14)
    n_offered = _with_visitors(store, tmp_path)
    result = measure_campaign(store, "plan", window_days=14)
    assert result["visitors"] == {"customers": 300, "offered": n_offered}
    assert result["control"] == plan_only["control"]
    assert result["incremental_profit"] == pytest.approx(plan_only["incremental_profit"])
    assert result["groups"] == plan_only["groups"] and "visitor" not in result["groups"]
    assert (
        "300 visitors answered outside the plan while it was served (60 of them shown an "
        "exploration offer) are not in these figures" in result["summary"]
    )
    assert "visitor" not in plan_only["summary"]
    outcomes = campaign_outcomes(store, "plan", window_days=14)
    assert not outcomes["customer_id"].str.startswith("v").any()


def test_a_campaign_of_visitors_only_is_not_measured_and_says_why(tmp_path):
    from tests.campaigns.report_helpers import plan_store

    store = plan_store(tmp_path)
    _with_visitors(store, tmp_path, campaign_id="visitors-only")
    with pytest.raises(NotEnoughDataError, match="only 300 visitor"):
        measure_campaign(store, "visitors-only", window_days=14)

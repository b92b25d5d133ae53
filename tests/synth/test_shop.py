import numpy as np
import pandas as pd
import pytest

from promopilot.synth.shop import CAMPAIGN_AT, END, OFFERS, WINDOW_DAYS, make_shop, plan_true_value
from promopilot.synth.truth import true_purchase_probability


def test_same_seed_same_shop():
    a, b = make_shop(200, seed=3), make_shop(200, seed=3)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_tables_follow_the_shop_folder_format(shop):
    orders = shop.tables["orders"]
    assert not orders.duplicated(["order_id", "product_id"]).any()
    assert (pd.to_datetime(orders["timestamp"]) < END).all()
    events = shop.tables["events"]
    assert not events.duplicated(["timestamp", "customer_id", "product_id", "event"]).any()
    assert {"view", "cart", "purchase"} <= set(events["event"])
    reviews = shop.tables["reviews"]
    assert reviews["text"].str.contains("[\u4e00-\u9fff]").any()  # Chinese
    assert reviews["text"].str.contains("[a-z]").any()  # and English


def test_no_line_is_discounted_below_zero(shop):
    """A 满减 discount (20 off orders of 150) sits on a line worth at least 20, or is spread
    over the order's lines: ingest quarantines a line whose discount exceeds its value."""
    orders = shop.tables["orders"]
    line = orders["quantity"].abs() * orders["unit_price"]
    assert (orders["discount"] <= line + 1e-9).all()
    per_order = orders.groupby("order_id")["discount"].sum()
    assert np.isclose(per_order, 20).sum() > 10  # the money-off orders keep their 20


def test_past_campaign_is_a_uniform_randomized_test_with_real_uplift(shop):
    camp = shop.tables["campaigns"]
    assert set(camp["offer_id"]) == {"", *OFFERS["offer_id"]}
    assert np.allclose(camp["propensity"], 1 / 5)
    orders = shop.tables["orders"]
    ts = pd.to_datetime(orders["timestamp"])
    window = orders[(ts >= CAMPAIGN_AT) & (ts < CAMPAIGN_AT + pd.Timedelta(days=14))]
    bought = camp["customer_id"].isin(window["customer_id"])
    rate = bought.groupby(camp["offer_id"]).mean()
    assert rate.drop("").mean() > rate[""]  # offers raise the purchase rate on average


def test_truth_purchase_probabilities_match_the_past_campaigns_orders(shop):
    """The truth against something it was not computed from: the shop's own orders.

    The generator drew the past randomized campaign's purchases; the truth's purchase
    probabilities at the campaign's date, recomputed from the truth's traits, must explain
    them: per arm, the observed purchase rate (and per offer, its difference to the no-offer
    arm) lies within 3.3 standard errors of what the truth expects."""
    camp = shop.tables["campaigns"]
    orders = shop.tables["orders"]
    ts = pd.to_datetime(orders["timestamp"])
    window = orders[(ts >= CAMPAIGN_AT) & (ts < CAMPAIGN_AT + pd.Timedelta(days=WINDOW_DAYS))]
    bought = camp["customer_id"].isin(window["customer_id"]).to_numpy()
    p = true_purchase_probability(shop.truth, CAMPAIGN_AT).loc[camp["customer_id"]]
    arm = camp["offer_id"].to_numpy()

    def expected(mask: np.ndarray, column: str) -> tuple[float, float]:
        """Mean purchase probability of the customers in `mask`, and its sampling variance."""
        q = p[column].to_numpy()[mask]
        return q.mean(), (q * (1 - q)).sum() / mask.sum() ** 2

    control = arm == ""
    base, base_var = expected(control, "p_buy__none")
    assert abs(bought[control].mean() - base) < 3.3 * np.sqrt(base_var)
    lifts = {}
    for offer in OFFERS["offer_id"]:
        treated = arm == offer
        rate, var = expected(treated, f"p_buy__{offer}")
        observed = bought[treated].mean() - bought[control].mean()
        assert abs(observed - (rate - base)) < 3.3 * np.sqrt(var + base_var), offer
        lifts[offer] = rate - base
    assert min(lifts.values()) > 0  # every offer raises the purchase rate in truth


def test_truth_at_the_as_of_date_is_what_the_truth_file_says(shop):
    recomputed = true_purchase_probability(shop.truth, END)
    for name in ("none", *OFFERS["offer_id"]):
        np.testing.assert_allclose(
            recomputed[f"p_buy__{name}"].to_numpy(), shop.truth[f"p_buy__{name}"].to_numpy()
        )


def test_plan_values_add_up_per_row_and_refuse_strangers(shop):
    truth = shop.truth
    nobody = pd.DataFrame({"customer_id": truth["customer_id"], "offer_id": ""})
    assert plan_true_value(nobody, truth) == (0.0, 0.0)
    two = pd.DataFrame({"customer_id": truth["customer_id"][:2], "offer_id": ["pct10", "freeship"]})
    first, second = (plan_true_value(two.iloc[[k]], truth) for k in range(2))
    both = plan_true_value(two, truth)
    assert np.isclose(both[0], first[0] + second[0]) and np.isclose(both[1], first[1] + second[1])
    with pytest.raises(KeyError):
        plan_true_value(pd.DataFrame({"customer_id": ["nobody"], "offer_id": ["pct10"]}), truth)


def test_truth_discounts_match_what_the_generated_orders_give(shop):
    """The truth's discount per purchase with an offer is what the shop's own orders show for
    the past campaign's buyers of that offer (a beauty coupon's buyer adds a beauty item; 满减
    only pays out when the realized basket reaches the threshold)."""
    camp = shop.tables["campaigns"]
    orders = shop.tables["orders"]
    ts = pd.to_datetime(orders["timestamp"])
    window = orders[(ts >= CAMPAIGN_AT) & (ts < CAMPAIGN_AT + pd.Timedelta(days=14))]
    given = window.groupby("customer_id")["discount"].sum()
    truth = shop.truth.set_index("customer_id")
    for offer in ("pct10", "mj150_20", "beauty15"):
        buyers = camp.loc[
            (camp["offer_id"] == offer) & camp["customer_id"].isin(given.index), "customer_id"
        ]
        assert len(buyers) > 40
        observed = given.loc[buyers].mean()
        expected = truth.loc[buyers, f"discount__{offer}"].mean()
        # about 80 buyers per offer: their mean discount has a standard error near 10%
        assert abs(observed / expected - 1) < 0.3, (offer, observed, expected)

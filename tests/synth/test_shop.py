import numpy as np
import pandas as pd

from promopilot.synth.shop import CAMPAIGN_AT, END, OFFERS, make_shop, plan_true_value


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


def test_truth_prices_plans(shop):
    truth = shop.truth
    everyone = pd.DataFrame({"customer_id": truth["customer_id"], "offer_id": "pct10"})
    profit, cost = plan_true_value(everyone, truth)
    assert cost > 0
    expected = truth["profit__pct10"].sum()
    assert np.isclose(profit, expected)
    nobody = everyone.assign(offer_id="")
    assert plan_true_value(nobody, truth) == (0.0, 0.0)


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
        buyers = camp.loc[(camp["offer_id"] == offer) & camp["customer_id"].isin(given.index),
                          "customer_id"]
        assert len(buyers) > 40
        observed = given.loc[buyers].mean()
        expected = truth.loc[buyers, f"discount__{offer}"].mean()
        # about 80 buyers per offer: their mean discount has a standard error near 10%
        assert abs(observed / expected - 1) < 0.3, (offer, observed, expected)

"""The terms of offers over a threshold: 满减 (amount_off), 每满 (amount_off_every: value per
full step) and 满99包邮 (free shipping with a min_spend), over customers' usual baskets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.campaigns.history import campaign_training_data
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.offers.economics import every_step_discount, offer_terms
from promopilot.offers.inputs import default_feature_fn, load_offers
from promopilot.offers.policies import log_values

BASKETS = [0.0, 50.0, 104.0, 110.0, 150.0, 160.0, 279.0, 300.0, 360.0, 449.0]


def _offers(*rows: tuple[str, str, float, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["offer_id", "kind", "value", "min_spend"])
    return frame.assign(category="", send_cost=0.0)


def _inputs(baskets=BASKETS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(baskets))],
            "basket_value": baskets,
            "margin_rate": 0.4,
        }
    )


def test_every_step_discount_takes_the_value_for_every_full_step():
    orders = np.array([0.0, 149.0, 150.0, 299.99, 300.0, 449.0, 450.0, 3000.0])
    got = every_step_discount(orders, 150.0, 20.0)
    assert got.tolist() == [0.0, 0.0, 20.0, 20.0, 40.0, 40.0, 60.0, 400.0]
    # 299.99999999999994 (a sum of line prices) is two full steps of 150, not one
    assert every_step_discount(np.array([3 * 99.99999999999999]), 150.0, 20.0).tolist() == [40.0]


def test_meiman_gives_its_value_per_step_of_the_basket_topped_up_within_reach():
    terms = offer_terms(_offers(("e", "amount_off_every", 20.0, 150.0)), _inputs(), 0.35)
    # 104 is below 70% of the first step (105) and stays; 110 is topped up to 150; 279 (86%
    # through its second step) to 300; 360 (40% through its third) stays: two steps, 40 off;
    # 449 to 450
    revenue = [0.0, 50.0, 104.0, 150.0, 150.0, 160.0, 300.0, 300.0, 360.0, 450.0]
    assert terms.revenue[:, 0].tolist() == revenue
    assert terms.discount[:, 0].tolist() == [0, 0, 0, 20, 20, 20, 40, 40, 40, 60]


def test_meiman_costs_more_than_the_same_manjian_on_large_baskets():
    offers = _offers(
        ("once", "amount_off", 20.0, 150.0), ("every", "amount_off_every", 20.0, 150.0)
    )
    terms = offer_terms(offers, _inputs(), 0.35)
    once, every = terms.discount[:, 0], terms.discount[:, 1]
    assert np.all(every >= once)
    assert once[-1] == 20.0 and every[-1] == 60.0  # 449 (topped up to 450): one 20 or three
    assert np.array_equal(terms.revenue[:5, 0], terms.revenue[:5, 1])  # the first step alike


def test_free_shipping_over_a_threshold_costs_its_fee_only_on_baskets_that_reach_it():
    offers = _offers(("ship", "free_shipping", 8.0, 0.0), ("ship99", "free_shipping", 8.0, 99.0))
    terms = offer_terms(offers, _inputs([30.0, 70.0, 98.0, 120.0]), 0.35)
    assert terms.discount[:, 0].tolist() == [8.0, 8.0, 8.0, 8.0]  # no threshold: every order
    # 30 is far below 99 (no fee); 70 and 98 are within reach and topped up to 99
    assert terms.discount[:, 1].tolist() == [0.0, 8.0, 8.0, 8.0]
    assert terms.revenue[:, 1].tolist() == [30.0, 99.0, 99.0, 120.0]


def test_meiman_without_a_step_is_refused():
    with pytest.raises(InputError, match="amount_off_every needs min_spend"):
        offer_terms(_offers(("e", "amount_off_every", 20.0, 0.0)), _inputs(), 0.35)


def test_past_free_shipping_over_a_threshold_cost_only_the_buyers_who_reached_it(tmp_path):
    # order lines do not record free shipping: the log counts its fee for a buyer who got it,
    # and with 满99包邮 only for one whose window spend reached 99
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,category,price\np,home,60\n")
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,min_spend\nship,free_shipping,8,\nship99,free_shipping,8,99\n"
    )
    orders = ["order_id,timestamp,customer_id,product_id,quantity,unit_price"]
    campaign = ["campaign_id,customer_id,offer_id,sent_at,propensity"]
    for i in range(12):
        c, offer = f"c{i}", ("ship", "ship99", "")[i % 3]
        orders.append(f"{c}-0,2026-01-05,{c},p,1,60")
        campaign.append(f"k,{c},{offer},2026-03-01,0.3333")
        if i < 9:  # buyers in the window: one item (60) or two (120)
            orders.append(f"{c}-1,2026-03-05,{c},p,{1 + i % 2},60")
    orders.append("late,2026-04-01,c0,p,1,60")  # the data reaches past the window
    (folder / "orders.csv").write_text("\n".join(orders) + "\n")
    (folder / "campaigns.csv").write_text("\n".join(campaign) + "\n")
    with Store(":memory:") as store:
        ingest(store, folder)
        data = campaign_training_data(store, default_feature_fn, min_rows=1)
        values = log_values(store, data, load_offers(store), 0.35, pd.Timestamp("2026-04-02"))
    got = dict(zip(data.customer_id.astype(str), values.discount, strict=True))
    spent = dict(zip(data.customer_id.astype(str), data.revenue, strict=True))
    for i in range(12):
        c, offer = f"c{i}", ("ship", "ship99", "")[i % 3]
        want = 8.0 if i < 9 and (offer == "ship" or (offer == "ship99" and spent[c] >= 99)) else 0
        assert got[c] == want, (c, offer, spent[c])
    assert {spent[f"c{i}"] for i in (1, 4, 7)} == {60.0, 120.0}  # both sides of 99 were tested

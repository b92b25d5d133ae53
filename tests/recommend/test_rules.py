import numpy as np
import pandas as pd
import pytest

from promopilot.recommend.rules import (
    Rules,
    apply_rules,
    bought_together,
    in_stock_mask,
    repeat_categories,
)


@pytest.fixture()
def scored():
    return pd.DataFrame(
        {
            "customer_id": ["c"] * 5,
            "product_id": ["t1", "t2", "m1", "m2", "s1"],
            "score": [5.0, 4.0, 3.0, 2.0, 1.0],
        }
    )


@pytest.fixture()
def products():
    return pd.DataFrame(
        {
            "product_id": ["t1", "t2", "m1", "m2", "s1"],
            "category": ["tea", "tea", "mug", "mug", "soap"],
            "price": [10.0, 10.0, 10.0, 10.0, 10.0],
            "cost": [9.0, 9.0, 9.0, 1.0, 9.0],
            "in_stock": [True, None, False, True, True],
        }
    )


def test_out_of_stock_dropped_unknown_stock_kept(scored, products):
    recs = apply_rules(scored, products, Rules(), k=5)
    assert list(recs["product_id"]) == ["t1", "t2", "m2", "s1"]
    assert list(recs["rank"]) == [1, 2, 3, 4]


def test_in_stock_all_null_does_not_crash():
    products = pd.DataFrame({"product_id": ["a", "b"], "in_stock": [None, None]})
    assert in_stock_mask(products, pd.Index(["a", "b", "zzz"])).tolist() == [True, True, True]


def test_bought_dropped_unless_repeat_category(scored, products):
    bought = pd.DataFrame({"customer_id": ["c", "c"], "product_id": ["t1", "s1"]})
    recs = apply_rules(
        scored, products, Rules(repeat_categories=frozenset({"soap"})), k=5, bought=bought
    )
    assert "t1" not in set(recs["product_id"]) and "s1" in set(recs["product_id"])


def test_category_scope_margin_boost_and_diversity(scored, products):
    scope = apply_rules(scored, products, Rules(category="mug", exclude_out_of_stock=False), k=5)
    assert set(scope["product_id"]) == {"m1", "m2"}
    boosted = apply_rules(scored, products, Rules(margin_boost=5.0), k=1)
    # m2 has a 90% margin: 2 * (1 + 5 * 0.9) = 11 beats t1's 5 * (1 + 5 * 0.1) = 7.5
    assert boosted["product_id"].tolist() == ["m2"]
    diverse = apply_rules(scored, products, Rules(max_per_category=1), k=3)
    assert diverse["product_id"].tolist() == ["t1", "m2", "s1"]


def test_repeat_categories_learned_from_rates():
    rates = pd.DataFrame(
        {
            "category": ["soap", "tv", "rare"],
            "n_buyers": [100, 100, 3],
            "repeat_rate": [0.5, 0.01, 0.9],
        }
    )
    assert repeat_categories(rates) == {"soap"}


def test_bought_together_support_confidence_lift():
    baskets = pd.DataFrame(
        {
            "order_id": ["1", "1", "2", "2", "3", "4"],
            "product_id": ["tea", "mug", "tea", "mug", "tea", "soap"],
        }
    )
    pairs = bought_together(baskets, min_support=1)
    row = pairs[(pairs.product_id == "mug") & (pairs.other_product_id == "tea")].iloc[0]
    assert row["n_orders"] == 2
    assert row["support"] == pytest.approx(2 / 4)
    assert row["confidence"] == pytest.approx(1.0)  # every mug order has tea
    assert row["lift"] == pytest.approx(1.0 / (3 / 4))
    back = pairs[(pairs.product_id == "tea") & (pairs.other_product_id == "mug")].iloc[0]
    assert back["confidence"] == pytest.approx(2 / 3)
    assert not ((pairs.product_id == "soap") | (pairs.other_product_id == "soap")).any()
    assert np.all(np.diff(pairs["lift"].to_numpy()) <= 0)

import pandas as pd
import pytest

from promopilot.exceptions import NotFittedError
from promopilot.recommend.models import (
    CategoryPopularityRecommender,
    interactions,
    joined_recommendations,
)


@pytest.fixture()
def tiny():
    # c1 loves tea, c2 loves mugs; t2 is the most popular tea, m1 the most popular mug
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2", "c3", "c3", "c4", "c4"],
            "product_id": ["t1", "t3", "m2", "t2", "m1", "t2", "m1"],
            "category": ["tea", "tea", "mug", "tea", "mug", "tea", "mug"],
            "weight": [5.0, 1.0, 5.0, 9.0, 9.0, 9.0, 9.0],
        }
    )


def test_recommends_popular_unseen_products_of_liked_categories(tiny):
    model = CategoryPopularityRecommender(taste_smoothing=0.0).fit(tiny)
    recs = model.recommend(["c1", "c2"], k=1)
    assert recs.set_index("customer_id")["product_id"].to_dict() == {"c1": "t2", "c2": "m1"}
    assert set(recs.columns) == {"customer_id", "product_id", "score", "rank"}


def test_seen_products_are_excluded_and_new_customers_get_bestsellers(tiny):
    model = CategoryPopularityRecommender().fit(tiny)
    recs = model.recommend(["c1", "stranger"], k=3)
    assert not set(recs[recs.customer_id == "c1"].product_id) & {"t1", "t3"}
    assert len(recs[recs.customer_id == "stranger"]) == 3
    assert recs.groupby("customer_id")["rank"].apply(lambda r: list(r) == sorted(r)).all()
    joined = joined_recommendations(recs)
    assert joined["stranger"].count("|") == 2


def test_unfitted_raises_and_refit_is_deterministic(tiny):
    with pytest.raises(NotFittedError):
        CategoryPopularityRecommender().recommend(["c1"])
    a = CategoryPopularityRecommender().fit(tiny).recommend(["c1", "c2", "c3"], k=2)
    b = CategoryPopularityRecommender().fit(tiny).recommend(["c1", "c2", "c3"], k=2)
    pd.testing.assert_frame_equal(a, b)


def test_recommendations_follow_hidden_taste(shop, shop_store):
    """On the synthetic shop, the recommended category matches the customer's true top
    category far more often than chance (1 in 8)."""
    from promopilot.synth.shop import END

    inter = interactions(shop_store, as_of=END)
    model = CategoryPopularityRecommender().fit(inter, shop_store.table("products"))
    truth = shop.truth.set_index("customer_id")
    recs = model.recommend(truth.index[:1000], k=1)
    cats = shop.tables["products"].set_index("product_id")["category"]
    hit = (
        recs["product_id"].map(cats).to_numpy()
        == truth.loc[recs["customer_id"], "top_category"].to_numpy()
    )
    assert hit.mean() > 0.5

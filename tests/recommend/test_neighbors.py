"""Item-kNN's single-customer path and the deterministic top-k it must agree with."""

import numpy as np
import pandas as pd
import pytest

from promopilot.recommend.base import Recommender, top_k
from promopilot.recommend.neighbors import ItemKNNRecommender


def test_top_k_takes_the_lowest_columns_among_ties_at_the_cut():
    scores = np.array(
        [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0],
            [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0],
            [-np.inf, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ],
        dtype=np.float32,
    )
    idx, vals = top_k(scores, 3)
    np.testing.assert_array_equal(idx, [[10, 0, 1], [11, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(vals, [[5, 0, 0], [2, 1, 1], [3, 2, 1]])


@pytest.fixture(scope="module")
def sparse_shop():
    """300 customers over 400 products with a long tail: some customers have fewer
    neighbour products than k, so the zero-score fill and ties are exercised."""
    rng = np.random.default_rng(3)
    n = 2500
    weights = 1.0 / np.arange(1, 401) ** 1.1
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 300, n)],
            "product_id": [f"p{i}" for i in rng.choice(400, n, p=weights / weights.sum())],
            "weight": rng.integers(1, 4, n).astype(float),
        }
    )
    return frame.drop_duplicates(["customer_id", "product_id"], ignore_index=True)


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize(("k", "exclude_seen"), [(10, True), (10, False), (1, True), (500, True)])
def test_one_customer_path_gives_the_batched_result(sparse_shop, k, exclude_seen, binary):
    model = ItemKNNRecommender(n_neighbors=20, binary=binary).fit(sparse_shop)
    ids = model.customer_ids_.to_numpy()
    batched = Recommender.recommend(model, ids, k=k, exclude_seen=exclude_seen)
    for cid in ids[::7]:
        one = model.recommend([cid], k=k, exclude_seen=exclude_seen)
        expected = batched[batched["customer_id"] == cid].reset_index(drop=True)
        pd.testing.assert_frame_equal(one, expected)


def test_one_customer_path_falls_back_for_strangers_and_item_scopes(sparse_shop):
    model = ItemKNNRecommender().fit(sparse_shop)
    stranger = model.recommend(["nobody"], k=5)
    assert stranger["product_id"].tolist() == (
        Recommender.recommend(model, ["nobody"], k=5)["product_id"].tolist()
    )
    scoped = model.recommend(["c1"], k=5, items=["p1", "p2", "p3"])
    assert set(scoped["product_id"]) <= {"p1", "p2", "p3"}
    assert model.recommend(["c1"], k=0).empty


def test_item_knn_follows_hidden_taste(shop, shop_store):
    """On the synthetic shop (our own data), the recommended product's category matches the
    customer's true top category far more often than chance (1 in 8)."""
    from promopilot.data.queries import recommend as queries
    from promopilot.synth.shop import END

    model = ItemKNNRecommender().fit(queries.interactions(shop_store, as_of=END))
    truth = shop.truth.set_index("customer_id")
    known = truth.index[truth.index.isin(model.customer_ids_)][:1000]
    recs = model.recommend(known, k=1)
    cats = shop.tables["products"].set_index("product_id")["category"]
    hit = (
        recs["product_id"].map(cats).to_numpy()
        == truth.loc[recs["customer_id"], "top_category"].to_numpy()
    )
    assert hit.mean() > 0.4


def test_a_refit_model_answers_similar_items_from_the_new_data():
    from promopilot.recommend.neighbors import PopularityRecommender

    def frame(order):  # every customer has x and a partner together, plus one of their own
        rows = [(f"c{i}", p.format(i=i)) for i in range(6) for p in order]
        return pd.DataFrame(rows, columns=["customer_id", "product_id"]).assign(weight=1.0)

    model = PopularityRecommender().fit(frame(("x", "y", "own{i}")))
    assert model.similar_items(["x"], k=1)["similar_product_id"].iloc[0] == "y"
    model.fit(frame(("own{i}", "x", "q")))  # the products now sit in other columns
    assert model.similar_items(["x"], k=1)["similar_product_id"].iloc[0] == "q"

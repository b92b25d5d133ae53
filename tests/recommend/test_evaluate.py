import math

import numpy as np
import pandas as pd
import pytest

from promopilot.recommend.evaluate import (
    catalog_coverage,
    evaluate,
    ranking_metrics,
    stratified_split,
    temporal_split,
)
from promopilot.recommend.neighbors import ItemKNNRecommender


def test_ranking_metrics_match_hand_computed_values():
    truth = pd.DataFrame(
        {"customer_id": ["u1", "u1", "u1", "u2", "u3"], "product_id": ["a", "b", "c", "d", "a"]}
    )
    recs = pd.DataFrame(
        {
            "customer_id": ["u1"] * 3 + ["u2"] * 3,
            "product_id": ["a", "x", "b", "x", "y", "z"],
            "rank": [1, 2, 3, 1, 2, 3],
        }
    )
    m = ranking_metrics(truth, recs, k=3)
    # u3 has no recommendations: only u1 and u2 count (as Microsoft Recommenders does)
    assert m["n_users"] == 2
    assert m["Precision@k"] == pytest.approx((2 / 3 + 0) / 2)
    assert m["Recall@k"] == pytest.approx((2 / 3 + 0) / 2)
    dcg = 1 / math.log(2) + 1 / math.log(4)
    idcg = 1 / math.log(2) + 1 / math.log(3) + 1 / math.log(4)
    assert m["nDCG@k"] == pytest.approx((dcg / idcg) / 2)
    # MAP divides by all relevant items (3), hits at ranks 1 and 3: (1/1 + 2/3) / 3
    assert m["MAP"] == pytest.approx((5 / 9) / 2)


def test_ndcg_ideal_uses_at_most_k_relevant_and_ranks_beyond_k_are_ignored():
    truth = pd.DataFrame({"customer_id": ["u"] * 5, "product_id": list("abcde")})
    recs = pd.DataFrame(
        {"customer_id": ["u"] * 3, "product_id": ["a", "b", "c"], "score": [3.0, 2.0, 1.0]}
    )
    m = ranking_metrics(truth, recs, k=2)
    assert m["nDCG@k"] == pytest.approx(1.0)
    assert m["Precision@k"] == pytest.approx(1.0)
    assert m["Recall@k"] == pytest.approx(2 / 5)
    assert m["MAP"] == pytest.approx(2 / 5)


def test_stratified_split_keeps_three_quarters_of_each_product_and_is_seeded():
    data = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(40)], "product_id": ["p"] * 20 + ["q"] * 20}
    )
    train, test = stratified_split(data, seed=42)
    assert train.groupby("product_id").size().to_dict() == {"p": 15, "q": 15}
    assert len(test) == 10
    again, _ = stratified_split(data, seed=42)
    pd.testing.assert_frame_equal(train, again)
    other, _ = stratified_split(data, seed=1)
    assert set(other["customer_id"]) != set(train["customer_id"])


def test_temporal_split_holds_out_each_customers_latest():
    data = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "product_id": ["x", "y", "z", "x"],
            "last_seen": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-05"]),
        }
    )
    train, test = temporal_split(data, n_last=1)
    assert test[["customer_id", "product_id"]].values.tolist() == [["a", "y"]]
    assert set(train["customer_id"]) == {"a", "b"}  # b has one interaction: stays in train


def test_catalog_coverage():
    recs = pd.DataFrame({"product_id": ["a", "b", "a"]})
    assert catalog_coverage(recs, 4) == 0.5
    assert np.isclose(catalog_coverage(recs.iloc[:0], 4), 0.0)


def test_evaluate_reads_float_style_ids_as_the_model_does():
    """A held-out file read by pandas with gaps has ids 17.0 where the training data has 17:
    the same customers and products, scored the same as with text ids."""
    rng = np.random.default_rng(0)
    rows = pd.DataFrame(
        {"customer_id": rng.integers(1, 40, 600), "product_id": rng.integers(100, 130, 600)}
    ).drop_duplicates()
    train, test = rows.iloc[:450], rows.iloc[450:]
    text = evaluate(ItemKNNRecommender(), train.astype(str), test.astype(str), k=5)
    floats = evaluate(ItemKNNRecommender(), train, test.astype(float), k=5)
    assert text["n_users"] > 0
    assert floats == pytest.approx(text)

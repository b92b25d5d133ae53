"""The PyTorch recommenders (``promopilot[deep]``): SASRec learns a planted order, LightGCN a
planted graph; both repeat themselves for a seed. The numpy helpers and the message without
torch are tested whether or not torch is installed."""

import builtins
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from promopilot.exceptions import PromopilotError
from promopilot.recommend.graph import (
    LightGCNRecommender,
    normalized_adjacency,
    sample_negatives,
)
from promopilot.recommend.sequential import SASRecRecommender, sequences


def test_sequences_keep_each_customers_latest_products_in_time_order():
    rows = np.array([0, 0, 0, 1, 0, 1])
    cols = np.array([5, 3, 7, 2, 9, 4])
    when = np.array([30, 10, 20, 5, 40, 1])
    out = sequences(rows, cols, when, n_rows=3, length=3)
    # customer 0 in time order: 3, 7, 5, 9 -> latest three; ids are column + 1, 0 pads
    np.testing.assert_array_equal(out, [[8, 6, 10], [0, 5, 3], [0, 0, 0]])


def test_normalized_adjacency_is_symmetric_with_degree_weights():
    B = sparse.csr_matrix(np.array([[1, 1, 0], [0, 1, 0]], dtype=np.float32))
    A = normalized_adjacency(B).toarray()
    np.testing.assert_allclose(A, A.T)
    # customer 0 (degree 2) - product 1 (degree 2): 1/sqrt(2*2)
    assert A[0, 2 + 1] == pytest.approx(0.5)
    assert A[1, 2 + 1] == pytest.approx(1 / np.sqrt(2))
    assert A[:, 2 + 2].sum() == 0.0  # product 2: nobody had it


def test_negatives_avoid_what_the_customer_had():
    seen = sparse.csr_matrix(
        np.array([[1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 0, 1], [1, 1, 1, 1, 1, 1]], dtype=np.float32)
    )
    users = np.repeat([0, 1, 2], 3000)
    neg = sample_negatives(seen, users, np.random.default_rng(0))
    for user, free in ((0, [3, 4, 5]), (1, [0, 2, 4])):
        values, counts = np.unique(neg[users == user], return_counts=True)
        np.testing.assert_array_equal(values, free)
        assert counts.min() > 900  # uniform: about 1,000 each
    assert ((neg[users == 2] >= 0) & (neg[users == 2] < 6)).all()  # had all: any one


@pytest.mark.parametrize("cls", [SASRecRecommender, LightGCNRecommender])
def test_without_torch_the_error_says_how_to_install_it(cls, monkeypatch):
    real_import = builtins.__import__

    def without_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(builtins, "__import__", without_torch)
    data = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_id": ["x", "y", "x"]})
    with pytest.raises(PromopilotError, match=r"promopilot\[deep\]"):
        cls().fit(data)


def _cycle_walks(n_customers: int = 200, n_products: int = 20) -> pd.DataFrame:
    """Customers walk the cycle p0 -> p1 -> ... -> p19 -> p0 from a random start: the next
    product is fixed by the last one, and every product is equally popular."""
    rng = np.random.default_rng(0)
    rows = []
    for c in range(n_customers):
        start, steps = rng.integers(0, n_products), rng.integers(3, 8)
        rows += [
            (
                f"c{c}",
                f"p{(start + t) % n_products}",
                pd.Timestamp("2026-01-01") + pd.Timedelta(t, "D"),
            )
            for t in range(steps)
        ]
    return pd.DataFrame(rows, columns=["customer_id", "product_id", "first_seen"])


def test_sasrec_learns_what_comes_next():
    pytest.importorskip("torch")
    data = _cycle_walks()
    params = {"max_len": 10, "factors": 32, "dropout": 0.1, "epochs": 25, "learning_rate": 5e-3}
    model = SASRecRecommender(**params).fit(data)
    last = data.groupby("customer_id")["product_id"].last()
    expected = last.str[1:].astype(int).add(1).mod(20).map("p{}".format)
    top = model.recommend(last.index, k=1).set_index("customer_id")["product_id"]
    assert (top == expected).mean() > 0.9  # popularity would get 1 in 20
    assert model.loss_curve_[-1] < model.loss_curve_[0] / 3


def test_sasrec_same_seed_same_model():
    pytest.importorskip("torch")
    data = _cycle_walks(60)
    params = {"max_len": 10, "factors": 16, "epochs": 3}
    model = SASRecRecommender(**params).fit(data)
    again = SASRecRecommender(**params).fit(data)
    np.testing.assert_array_equal(model.user_factors_, again.user_factors_)
    other = SASRecRecommender(**params, random_state=1).fit(data)
    assert not np.array_equal(model.user_factors_, other.user_factors_)


def test_sasrec_without_any_sequence_is_not_enough_data():
    pytest.importorskip("torch")
    from promopilot.exceptions import NotEnoughDataError

    data = pd.DataFrame({"customer_id": ["a", "b"], "product_id": ["x", "y"]})
    with pytest.raises(NotEnoughDataError, match="at least two products"):
        SASRecRecommender(epochs=1).fit(data)


def _communities() -> pd.DataFrame:
    """4 groups of 30 customers; each had 5 of their own group's 10 products."""
    rng = np.random.default_rng(0)
    rows = [
        (f"c{c}", f"p{(c % 4) * 10 + p}")
        for c in range(120)
        for p in rng.choice(10, 5, replace=False)
    ]
    return pd.DataFrame(rows, columns=["customer_id", "product_id"])


def test_lightgcn_recommends_within_the_planted_communities_and_repeats_itself():
    pytest.importorskip("torch")
    data = _communities()
    params = {"factors": 16, "epochs": 30, "batch_size": 256}
    model = LightGCNRecommender(**params).fit(data)
    recs = model.recommend(data["customer_id"].unique(), k=3)
    group = recs["customer_id"].str[1:].astype(int) % 4
    assert (group == recs["product_id"].str[1:].astype(int) // 10).mean() > 0.95
    similar = model.similar_items(["p3"], k=5)
    assert (similar["similar_product_id"].str[1:].astype(int) // 10 == 0).all()
    again = LightGCNRecommender(**params).fit(data)
    np.testing.assert_array_equal(model.item_factors_, again.item_factors_)


def test_the_deep_models_are_chosen_by_name_but_never_by_auto():
    from promopilot.recommend.graph import LightGCNRecommender
    from promopilot.recommend.sequential import SASRecRecommender
    from promopilot.recommend.service import MODEL_NAMES, make_model

    assert isinstance(make_model("sasrec"), SASRecRecommender)
    assert isinstance(make_model("lightgcn", random_state=3), LightGCNRecommender)
    assert {"sasrec", "lightgcn"} <= set(MODEL_NAMES)

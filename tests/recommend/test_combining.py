"""EASE's denoising variants, session-kNN, the hybrid's validated blend and fold-averaged
tuning."""

import warnings

import numpy as np
import pandas as pd
import pytest

from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.recommend.blend import blend, fit_blend, fold_blend, ndcg_at
from promopilot.recommend.evaluate import tune
from promopilot.recommend.linear import EASERecommender
from promopilot.recommend.service import make_model
from promopilot.recommend.session import SessionKNNRecommender


def _gram(model):
    X = model.X_.toarray().astype(np.float64)
    return X.T @ X


def test_dlae_is_the_closed_form_ridge_solution_with_a_popularity_penalty(blocks):
    model = EASERecommender(l2=2.0, dropout=0.5, zero_diagonal=False).fit(blocks)
    G = _gram(model)
    penalty = 2.0 + 1.0 * np.diag(G)  # dropout / (1 - dropout) = 1
    expected = np.linalg.solve(G + np.diag(penalty), G)  # argmin |X - XB|^2 + |L^1/2 B|^2
    np.testing.assert_allclose(model.weights_, expected, atol=1e-5)
    assert (np.diag(model.weights_) > 0).all() and (np.diag(model.weights_) < 1).all()


def test_ease_with_dropout_keeps_a_zero_diagonal_and_plain_ease_is_unchanged(blocks):
    plain = EASERecommender(l2=3.0).fit(blocks)
    G = _gram(plain)
    P = np.linalg.inv(G + 3.0 * np.eye(len(G)))
    expected = P / -np.diag(P)[None, :]
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(plain.weights_, expected, atol=1e-5)
    denoised = EASERecommender(l2=3.0, dropout=0.3).fit(blocks)
    assert np.allclose(np.diag(denoised.weights_), 0.0)
    assert not np.allclose(denoised.weights_, plain.weights_)


@pytest.mark.parametrize("params", [{"dropout": 1.0}, {"dropout": -0.1}])
def test_ease_rejects_a_bad_dropout(blocks, params):
    with pytest.raises(InputError, match="dropout"):
        EASERecommender(**params).fit(blocks)


def _sessions():
    """Customers have x then y right after each other; z always comes weeks later."""
    rows = []
    start = pd.Timestamp("2024-01-01")
    for i in range(8):
        day = start + pd.Timedelta(days=i)
        rows += [(f"u{i}", "x", day), (f"u{i}", "y", day + pd.Timedelta(hours=1))]
        for j in range(6):  # six other products in between
            rows.append((f"u{i}", f"f{(i + j) % 10}", day + pd.Timedelta(days=2 + j)))
        rows.append((f"u{i}", "z", day + pd.Timedelta(days=30)))
    return pd.DataFrame(rows, columns=["customer_id", "product_id", "first_seen"])


def test_session_knn_finds_products_had_close_together():
    model = SessionKNNRecommender(window=2).fit(_sessions())
    sim = model.similar_items(["x"], k=20).set_index("similar_product_id")["score"]
    assert sim.index[0] == "y"
    assert "z" not in sim.index  # z is never within two places of x
    recs = model.recommend(["newbie"], k=3)  # an unknown customer gets bestsellers
    assert len(recs) == 3


def test_session_knn_needs_times(blocks):
    with pytest.raises(NotEnoughDataError, match="times"):
        SessionKNNRecommender().fit(blocks.drop(columns="last_seen"))
    with pytest.raises(InputError, match="window"):
        SessionKNNRecommender(window=0).fit(blocks)


def test_ndcg_at_matches_a_hand_computed_list():
    users = np.array(["a"] * 4 + ["b"] * 2)
    score = np.array([4.0, 3.0, 2.0, 1.0, 1.0, 2.0])
    label = np.array([0, 1, 0, 1, 1, 0])
    # a: hits at ranks 2 and 4 of 2 positives; b: hit at rank 2 of 1
    dcg_a = 1 / np.log2(3) + 1 / np.log2(5)
    expected = (dcg_a / (1 + 1 / np.log2(3)) + (1 / np.log2(3))) / 2
    assert ndcg_at(3, users, score, label) == pytest.approx(
        ((1 / np.log2(3)) / (1 + 1 / np.log2(3)) + 1 / np.log2(3)) / 2
    )
    assert ndcg_at(10, users, score, label) == pytest.approx(expected)


def _noisy_scores(seed: int, n_users: int, n_items: int, rate: float, noise: dict):
    """Candidate lists of `n_items` per user, labels drawn at `rate`, and one score column per
    entry of `noise`: the label seen through normal noise of that scale (None: noise alone)."""
    rng = np.random.RandomState(seed)
    users = np.repeat(np.arange(n_users), n_items)
    label = rng.rand(n_users * n_items) < rate
    z = pd.DataFrame(
        {
            name: (0 if scale is None else label) + rng.normal(0, scale or 1, len(label))
            for name, scale in noise.items()
        }
    )
    return users, label, z


def test_blend_weights_find_the_complementary_signal():
    # each score sees the label through its own noise: together they see it better
    users, label, z = _noisy_scores(0, 200, 30, 0.1, {"a_z": 0.8, "b_z": 0.8, "noise_z": None})
    weights, score = fit_blend(z, users, label, "a_z")
    assert weights.get("b_z", 0) > 0.5 and weights.get("noise_z", 0) <= 0.1
    assert score > ndcg_at(10, users, z["a_z"].to_numpy(), label) + 0.02


def test_fold_blend_scores_each_fold_with_weights_learned_without_it():
    users, label, z = _noisy_scores(1, 150, 20, 0.15, {"a_z": 0.8, "b_z": 1.0})
    fold = users % 3
    scores, weights = fold_blend(z, users, label, "a_z", fold)
    per_fold = []
    for f in range(3):
        inside = fold == f
        w, _ = fit_blend(z[~inside], users[~inside], label[~inside], "a_z")
        np.testing.assert_allclose(scores[inside], blend(z[inside], w))
        per_fold.append(w)
    for c in ("a_z", "b_z"):
        assert weights.get(c, 0.0) == pytest.approx(np.mean([w.get(c, 0.0) for w in per_fold]))
    assert weights["a_z"] == 1.0 and weights.get("b_z", 0) > 0


@pytest.mark.parametrize("combiner", ["blend", "ranker"])
def test_hybrid_uses_the_combiner_it_was_given(blocks, combiner):
    model = make_model(
        "hybrid", combiner=combiner, n_estimators=10, n_candidates=10, validation="stratified"
    ).fit(blocks)
    assert model.use_ == combiner
    assert set(model.stop_ndcg_) >= {combiner}
    if combiner == "blend":
        assert set(model.blend_weights_) <= {f"{n}_z" for n in model.component_names_}
    recs = model.recommend(["c0", "d1"], k=2)
    assert set(recs["customer_id"]) == {"c0", "d1"}


def test_tune_averages_folds_and_rejects_none(blocks):
    grid = [{"l2": 1.0}, {"l2": 50.0}]
    _, one = tune(lambda **p: EASERecommender(**p), grid, blocks, folds=1)
    _, two = tune(lambda **p: EASERecommender(**p), grid, blocks, folds=2)
    assert len(two) == 2 and not np.allclose(one["nDCG@k"], two["nDCG@k"])
    with pytest.raises(InputError, match="folds"):
        tune(lambda **p: EASERecommender(**p), grid, blocks, folds=0)


def test_hybrid_rejects_an_unknown_combiner(blocks):
    with pytest.raises(InputError, match="combiner"):
        make_model("hybrid", combiner="vote").fit(blocks)


def test_hybrid_auto_reports_the_out_of_fold_blend_and_uses_one_of_its_options(blocks):
    model = make_model("hybrid", n_estimators=10, n_candidates=10, validation="stratified")
    model.fit(blocks)
    assert "blend (out of fold)" in model.validation_ndcg_
    assert model.use_ in {"ranker", "blend", *model.component_names_}
    assert model.summary().split(":")[0] == model.use_


def test_more_validation_folds_give_the_hybrid_more_candidate_lists(blocks):
    def lists(folds):
        model = make_model(
            "hybrid",
            combiner="blend",
            n_candidates=10,
            validation="stratified",
            validation_folds=folds,
            validation_share=0.25,
        )
        return model.fit(blocks).n_validation_lists_

    one, two = lists(1), lists(2)
    assert one > 0 and two > one


def test_hybrid_on_a_shop_of_four_customers_says_it_has_too_little_data():
    rows = [(f"c{i}", f"p{(i + j) % 6}") for i in range(4) for j in range(4)]
    tiny = pd.DataFrame(rows, columns=["customer_id", "product_id"]).assign(weight=1.0)
    with pytest.raises(NotEnoughDataError, match="at least 10"):
        make_model("hybrid", n_estimators=5, n_candidates=6, validation="stratified").fit(tiny)


def test_hybrid_warns_nothing_for_customers_who_had_every_product():
    """A customer with nothing left to score gave numpy's all-NaN and empty-slice warnings,
    which reach a user's terminal; they get no rows, quietly."""
    data = pd.DataFrame(
        {"customer_id": [f"c{i // 2}" for i in range(80)], "product_id": ["p", "q"] * 40}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = make_model(
            "hybrid",
            models=[("itemknn", make_model("itemknn")), ("popularity", make_model("popularity"))],
            n_estimators=10,
            n_candidates=10,
            validation="stratified",
        )
        recs = model.fit(data).recommend(["c0", "stranger"], k=2)
    assert recs["customer_id"].tolist() == ["stranger", "stranger"]
    assert set(recs["product_id"]) == {"p", "q"}

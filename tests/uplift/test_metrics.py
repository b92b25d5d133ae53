"""Uplift metrics: hand-computed values on six customers, and scikit-uplift's on random data."""

import numpy as np
import pytest

from promopilot.uplift.metrics import (
    per_arm_scores,
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)

# six customers, already ranked best first by the model
Y = np.array([1, 0, 1, 0, 1, 0])
T = np.array([1, 1, 0, 0, 1, 0])
U = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])


def test_qini_curve_by_hand():
    # top n:            1  2   3  4    5  6
    # treated, buyers:  1  1   1  1    2  2    (of 1, 2, 2, 2, 3, 3 treated)
    # control, buyers:  0  0   1  1    1  1    (of 0, 0, 1, 2, 2, 3 control)
    # y_t - y_c * n_t / n_c (0 where no control yet)
    x, values = qini_curve(Y, U, T)
    np.testing.assert_array_equal(x, [0, 1, 2, 3, 4, 5, 6])
    np.testing.assert_allclose(values, [0, 1, 1, -1, 0, 0.5, 1])


def test_uplift_curve_by_hand():
    # (treated rate - control rate) * n
    x, values = uplift_curve(Y, U, T)
    np.testing.assert_array_equal(x, [0, 1, 2, 3, 4, 5, 6])
    np.testing.assert_allclose(values, [0, 1, 1, -1.5, 0, 5 / 6, 2])


def test_perfect_curves_by_hand():
    # perfect Qini ranks treated buyers first and control buyers last: scores 1, 0, -1
    x, values = perfect_qini_curve(Y, T)
    np.testing.assert_array_equal(x, [0, 2, 5, 6])
    np.testing.assert_allclose(values, [0, 2, 2, 1])
    x, values = perfect_uplift_curve(Y, T)
    np.testing.assert_array_equal(x, [0, 2, 4, 5, 6])
    np.testing.assert_allclose(values, [0, 2, 4, 10 / 3, 2])


def test_normalized_areas_by_hand():
    # Qini: model area 2.0, random line 6 * 1 / 2 = 3, perfect 9.5 -> (2 - 3) / (9.5 - 3)
    assert qini_auc_score(Y, U, T) == pytest.approx(-1 / 6.5)
    # AUUC: model 7/3, random 6 * 2 / 2 = 6, perfect 43/3 -> (7/3 - 6) / (43/3 - 6)
    assert uplift_auc_score(Y, U, T) == pytest.approx(-0.44)
    # the perfect ranking scores 1, its reverse below 0, a constant score 0
    assert qini_auc_score(Y, Y * T - Y * (1 - T), T) == pytest.approx(1.0)
    assert qini_auc_score(Y, -(Y * T - Y * (1 - T)), T) < 0
    assert qini_auc_score(Y, np.zeros(6), T) == pytest.approx(0.0)


def test_uplift_at_k_by_hand():
    # overall: the top 3 hold treated [1, 0] and control [1] -> 0.5 - 1
    assert uplift_at_k(Y, U, T, strategy="overall", k=0.5) == pytest.approx(-0.5)
    # by_group: the best treated (1) minus the best control (1)
    assert uplift_at_k(Y, U, T, strategy="by_group", k=0.5) == pytest.approx(0.0)
    # everyone: 2/3 - 1/3
    assert uplift_at_k(Y, U, T, strategy="overall", k=1.0) == pytest.approx(1 / 3)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="same length"):
        qini_curve(Y, U[:5], T)
    with pytest.raises(ValueError, match=r"0 \(control\) or 1"):
        qini_auc_score(Y, U, T * 2)
    with pytest.raises(ValueError, match="k must be"):
        uplift_at_k(Y, U, T, k=1.5)
    with pytest.raises(ValueError, match="strategy"):
        uplift_at_k(Y, U, T, strategy="top")
    with pytest.raises(ValueError, match="no treated or no control"):
        uplift_at_k(Y, U, T, strategy="overall", k=0.34)  # top 2 are both treated
    # a table that reports it beside other scores asks for a value instead
    assert np.isnan(uplift_at_k(Y, U, T, strategy="overall", k=0.34, undefined=np.nan))


def test_per_arm_scores_report_an_undefined_uplift_at_k_as_nan():
    # the top half of arm "a" by its uplift holds only treated customers
    arm = np.array(["a", "a", "a", "ctl", "ctl", "ctl"])
    y = np.array([1, 0, 1, 0, 1, 0])
    uplift = np.array([[0.9], [0.8], [0.7], [0.1], [0.2], [0.3]])
    (row,) = per_arm_scores(y, uplift, arm, ["a"], "ctl", k=0.5)
    assert np.isnan(row["uplift_at_k"])
    assert np.isfinite(row["qini"]) and row["n_treated"] == row["n_control"] == 3


def test_per_arm_scores_compares_each_arm_with_control():
    arm = np.array(["a", "a", "ctl", "ctl", "b", "b", "a", "ctl"])
    y = np.array([1, 0, 1, 0, 1, 0, 1, 0])
    uplift = np.column_stack([np.linspace(1, 0, 8), np.linspace(0, 1, 8)])
    rows = per_arm_scores(y, uplift, arm, ["a", "b"], "ctl", k=0.5)
    assert [(r["arm"], r["n_treated"], r["n_control"]) for r in rows] == [("a", 3, 3), ("b", 2, 3)]
    mask = np.isin(arm, ["a", "ctl"])
    assert rows[0]["qini"] == pytest.approx(
        qini_auc_score(y[mask], uplift[mask, 0], (arm[mask] == "a").astype(int))
    )


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_as_scikit_uplift_on_random_data(seed):
    sk = pytest.importorskip("sklift.metrics")
    rng = np.random.default_rng(seed)
    n = 500
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.2 + 0.2 * t * rng.random(n)).astype(int)
    # rounded scores give many ties, which both must treat the same way
    uplift = np.round(rng.normal(size=n), 1)
    for ours, theirs in ((qini_curve, sk.qini_curve), (uplift_curve, sk.uplift_curve)):
        for a, b in zip(ours(y, uplift, t), theirs(y, uplift, t), strict=True):
            np.testing.assert_allclose(a, b, atol=1e-12)
    for negative_effect in (True, False):
        assert qini_auc_score(y, uplift, t, negative_effect=negative_effect) == pytest.approx(
            sk.qini_auc_score(y, uplift, t, negative_effect=negative_effect), abs=1e-12
        )
    assert uplift_auc_score(y, uplift, t) == pytest.approx(
        sk.uplift_auc_score(y, uplift, t), abs=1e-12
    )
    for strategy in ("overall", "by_group"):
        for k in (0.1, 0.3, 0.5):
            assert uplift_at_k(y, uplift, t, strategy=strategy, k=k) == pytest.approx(
                sk.uplift_at_k(y, uplift, t, strategy=strategy, k=k), abs=1e-12
            )

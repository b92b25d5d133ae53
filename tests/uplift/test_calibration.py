"""Calibrating predicted heterogeneity out of fold: real spread is kept, noise is shrunk."""

import warnings

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier
from threadpoolctl import threadpool_limits

from promopilot.exceptions import NotFittedError
from promopilot.uplift.calibration import CalibratedUplift
from promopilot.uplift.models import TLearner

PARAMS = {
    "n_estimators": 60,
    "num_leaves": 4,
    "learning_rate": 0.1,
    "min_child_samples": 40,
    "n_jobs": 1,
    "verbose": -1,
}


def data(n: int, seed: int, effect):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["x0", "x1", "x2"])
    arm = rng.choice(np.array(["control", "a"], dtype=object), n)
    p = 0.2 + np.where(arm == "a", effect(X), 0.0)
    return X, (rng.random(n) < p).astype(int), arm


def fitted(X, y, arm, **kw):
    model = TLearner(outcome_model=LGBMClassifier(**PARAMS), random_state=0)
    with threadpool_limits(1):
        return CalibratedUplift(model, cv=3, random_state=0, **kw).fit(X, y, arm)


def test_real_heterogeneity_is_kept():
    X, y, arm = data(8000, 0, lambda X: np.where(X["x0"] > 0, 0.3, 0.0))
    model = fitted(X, y, arm)
    row = model.calibration_.iloc[0]
    assert row["slope"] > 0.6 and row["slope_used"] > 0.6
    assert row["ate"] == pytest.approx(0.15, abs=0.03)
    uplift = model.predict(X)[:, 0]
    assert uplift[X["x0"] > 0].mean() - uplift[X["x0"] <= 0].mean() > 0.15


def test_noise_heterogeneity_is_shrunk_toward_the_average_effect():
    X, y, arm = data(8000, 1, lambda X: np.full(len(X), 0.1))
    model = fitted(X, y, arm)
    raw = model.estimator_.predict(X)[:, 0]
    calibrated = model.predict(X)[:, 0]
    assert calibrated.std() < 0.6 * raw.std()
    assert calibrated.mean() == pytest.approx(0.1, abs=0.03)


def test_outcome_and_draws_are_consistent():
    X, y, arm = data(3000, 2, lambda X: np.where(X["x0"] > 0, 0.2, 0.0))
    model = fitted(X, y, arm, n_bootstrap=3)
    outcome = model.predict_outcome(X)
    assert np.allclose(outcome[:, 1:] - outcome[:, :1], model.predict(X))
    assert model.predict_distribution(X).shape == (3, len(X), 1)
    assert model.control == "control" and model.treatments_ == ["a"]


def test_unfitted_model_says_so():
    with pytest.raises(NotFittedError):
        CalibratedUplift(TLearner()).predict(pd.DataFrame({"x": [1.0]}))


def test_an_arm_with_one_buyer_splits_without_a_warning():
    X, y, arm = data(600, 4, lambda X: np.zeros(len(X)))
    arm[:40] = "b"
    y[:40] = 0
    y[0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fitted(X, y, arm)
    assert list(model.treatments_) == ["a", "b"]

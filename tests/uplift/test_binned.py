"""BinnedUplift: effects by quantile bins of one column, weighted by logged propensities and
shrunk toward the overall effect where a bin has few rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.exceptions import InputError, NotFittedError
from promopilot.uplift.binned import BinnedUplift


def _data(n: int = 20000, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    treatment = rng.choice(np.array(["control", "x", "y"], dtype=object), n)
    # x helps only where a > 0 (by 10 of profit), y hurts everyone by 2
    effect = np.where(treatment == "x", 10.0 * (X["a"] > 0), 0.0) - 2.0 * (treatment == "y")
    y = 5.0 + 3.0 * X["b"] + effect + rng.normal(0, 1, n)
    return X, y.to_numpy(), treatment


def test_bin_effects_are_recovered():
    X, y, t = _data()
    model = BinnedUplift("a", n_bins=2).fit(X, y, t)
    assert model.treatments_ == ["x", "y"]
    tau = model.predict(pd.DataFrame({"a": [-1.0, 1.0], "b": [0.0, 0.0]}))
    assert tau[0, 0] == pytest.approx(0.0, abs=0.3) and tau[1, 0] == pytest.approx(10.0, abs=0.3)
    assert tau[:, 1] == pytest.approx([-2.0, -2.0], abs=0.3)
    outcome = model.predict_outcome(X.iloc[:5])
    assert outcome.shape == (5, 3)
    assert np.allclose(outcome[:, 1:] - outcome[:, :1], model.predict(X.iloc[:5]))


def test_one_bin_is_the_average_effect():
    X, y, t = _data()
    tau = BinnedUplift(None).fit(X, y, t).predict(X)
    assert np.ptp(tau, axis=0) == pytest.approx([0.0, 0.0])
    assert tau[0] == pytest.approx([5.0, -2.0], abs=0.3)


def test_propensities_weigh_the_rows():
    # the treated arm was given mostly to high-b customers (whose outcome is higher anyway):
    # unweighted means see an effect, the logged propensities remove it
    rng = np.random.default_rng(1)
    n = 40000
    X = pd.DataFrame({"b": rng.normal(size=n)})
    p_x = np.where(X["b"] > 0, 0.8, 0.2)
    t = np.where(rng.random(n) < p_x, "x", "control").astype(object)
    y = 3.0 * (X["b"] > 0) + rng.normal(0, 1, n)
    propensity = np.where(t == "x", p_x, 1 - p_x)
    naive = BinnedUplift(None).fit(X, y, t).predict(X.iloc[:1])[0, 0]
    weighted = BinnedUplift(None).fit(X, y, t, propensity=propensity).predict(X.iloc[:1])[0, 0]
    assert naive > 1.0
    assert weighted == pytest.approx(0.0, abs=0.1)


def test_small_bins_are_shrunk_toward_the_overall_effect():
    X, y, t = _data(n=400)
    loose = BinnedUplift("a", n_bins=4, shrink=0.0).fit(X, y, t).predict(X)[:, 0]
    tight = BinnedUplift("a", n_bins=4, shrink=1e6).fit(X, y, t).predict(X)[:, 0]
    assert np.ptp(tight) < 0.01 < np.ptp(loose)


def test_missing_values_and_errors():
    X, y, t = _data(n=2000)
    X.loc[:10, "a"] = np.nan
    model = BinnedUplift("a").fit(X, y, t)
    assert np.isfinite(model.predict(X)).all()
    with pytest.raises(NotFittedError):
        BinnedUplift("a").predict(X)
    with pytest.raises(InputError, match="no column"):
        BinnedUplift("zzz").fit(X, y, t)
    with pytest.raises(InputError, match="control"):
        BinnedUplift("a").fit(X, y, np.full(len(y), "x", dtype=object))


def test_bad_arms_and_labels_are_one_clear_error():
    X, y, t = _data(200)
    with pytest.raises(InputError, match="every row is control"):
        BinnedUplift("a").fit(X, y, np.full(len(y), "control", dtype=object))
    gaps = t.copy()
    gaps[3] = None
    with pytest.raises(InputError, match="treatment has missing values"):
        BinnedUplift("a").fit(X, y, gaps)
    holes = y.copy()
    holes[:2] = np.nan
    with pytest.raises(InputError, match="y has 2 missing"):
        BinnedUplift("a").fit(X, holes, t)

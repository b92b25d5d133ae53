"""Uplift estimators on LightGBM, with several treatments natively.

API (scikit-uplift's, extended to many arms)::

    model.fit(X, y, treatment, propensity=None)   # treatment: arm labels; `control` names none
    model.predict(X)            # (n, K) uplift of each treatment in `treatments_` vs control
    model.predict_outcome(X)    # (n, K+1) E[y | X, arm], control first
    model.predict_distribution(X)   # (B, n, K) bootstrap draws of the uplift (n_bootstrap > 0)

``propensity`` is the logged probability that each row got the arm it got. Rows are weighted by
its inverse, so a non-uniform logged assignment does not bias the arm models. Without it the
assignment is taken as random with each arm's observed share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from promopilot.exceptions import InputError, NotFittedError

MIN_PROPENSITY = 1e-3
"""Logged propensities are clipped to ``[MIN_PROPENSITY, 1]`` before they weigh rows (weights
``1/p`` at most 1,000). Low enough that a plan's own smallest propensity, an exploration offer
at ``explore_share / K`` (0.05 / 4 = 0.0125 with the default settings, 0.005 with ten offers),
keeps its exact weight; a clip at 0.01 would shrink the weight of every explored row of a shop
with more than five offers and bias what the next model learns from them."""
# small data: threads only contend
BASE_PARAMS = {"n_estimators": 200, "learning_rate": 0.03, "num_leaves": 7,
               "min_child_samples": 80, "subsample": 0.8, "subsample_freq": 1,
               "colsample_bytree": 0.8, "reg_lambda": 5.0, "n_jobs": 1, "verbose": -1}


def clip_propensity(propensity) -> np.ndarray:
    """Logged propensities as floats clipped to ``[MIN_PROPENSITY, 1]``; a missing value or one
    outside [0, 1] is an error (it is not a probability)."""
    p = np.asarray(propensity, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise InputError("propensity must be a probability in [0, 1] on every row")
    return np.clip(p, MIN_PROPENSITY, 1.0)


def default_classifier(random_state: int = 0):
    from lightgbm import LGBMClassifier

    # heavily regularized: campaign arms are small, and individual effects are faint
    return LGBMClassifier(**BASE_PARAMS, random_state=random_state)


def default_regressor(random_state: int = 0):
    from lightgbm import LGBMRegressor

    # heavily regularized: campaign arms are small, and individual effects are faint
    return LGBMRegressor(**BASE_PARAMS, random_state=random_state)


def _is_binary(y: np.ndarray) -> bool:
    return bool(np.isin(np.unique(y), (0, 1)).all())


def _fit(model, X, y, weight):
    if _is_binary(y) and len(np.unique(y)) < 2:  # one class only: a constant model
        return float(np.mean(y))
    if weight is None:
        model.fit(X, y)
    elif hasattr(model, "steps"):  # a Pipeline routes the weights to its final estimator
        model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": weight})
    else:
        model.fit(X, y, sample_weight=weight)
    return model


def _predict(model, X, binary: bool) -> np.ndarray:
    if isinstance(model, float):
        return np.full(len(X), model)
    if binary:
        return model.predict_proba(X)[:, 1]
    return model.predict(X)


class _BaseUplift(BaseEstimator):
    """Shared fitting plumbing: arm bookkeeping, weights, bootstrap replicates."""

    def __init__(self, *, control="control", outcome_model=None, effect_model=None,
                 n_bootstrap: int = 0, random_state: int = 0) -> None:
        self.control = control
        self.outcome_model = outcome_model
        self.effect_model = effect_model
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    # -- input checks ---------------------------------------------------------------------
    def _validate(self, X, y, treatment, propensity):
        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        y = np.asarray(y, dtype=float)
        treatment = np.asarray(treatment, dtype=object)
        if not (len(X) == len(y) == len(treatment)):
            raise InputError("X, y and treatment must have the same number of rows")
        if self.control not in set(treatment):
            raise InputError(f"no control rows: treatment has no {self.control!r} label")
        arms = [a for a in pd.unique(treatment) if a != self.control]
        if not arms:
            raise InputError("no treated rows: every row is control")
        arms = sorted(arms, key=str)
        if propensity is None:
            share = pd.Series(treatment).map(pd.Series(treatment).value_counts(normalize=True))
            propensity = share.to_numpy(dtype=float)
        propensity = clip_propensity(propensity)
        if len(propensity) != len(y):
            raise InputError("propensity must have one value per row")
        return X.reset_index(drop=True), y, treatment, propensity, arms

    def fit(self, X, y, treatment, *, propensity=None, sample_weight=None):
        X, y, treatment, propensity, arms = self._validate(X, y, treatment, propensity)
        weight = 1.0 / propensity
        if sample_weight is not None:
            weight = weight * np.asarray(sample_weight, dtype=float)
        self.treatments_ = arms
        self.binary_ = _is_binary(y)
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.fitted_ = self._fit_one(X, y, treatment, propensity, weight, self.random_state)
        self.replicates_ = []
        rng = np.random.default_rng(self.random_state)
        for b in range(self.n_bootstrap):
            # resample within each arm so every replicate keeps all arms
            idx = np.concatenate([
                rng.choice(np.flatnonzero(treatment == arm), size=(treatment == arm).sum())
                for arm in [self.control, *arms]
            ])
            self.replicates_.append(self._fit_one(
                X.iloc[idx].reset_index(drop=True), y[idx], treatment[idx], propensity[idx],
                weight[idx], self.random_state + 1 + b))
        return self

    def _check(self):
        if not hasattr(self, "fitted_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit first")

    def _frame(self, X):
        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        if X.shape[1] != self.n_features_in_:
            raise InputError(f"X has {X.shape[1]} features, the model was fitted on "
                             f"{self.n_features_in_}")
        return X

    def predict_outcome(self, X) -> np.ndarray:
        """(n, K+1): estimated outcome under control (first) and each treatment."""
        self._check()
        return self._outcome(self.fitted_, self._frame(X))

    def predict(self, X) -> np.ndarray:
        """(n, K): estimated uplift of each treatment in ``treatments_`` over control."""
        self._check()
        return self._uplift(self.fitted_, self._frame(X))

    def predict_distribution(self, X) -> np.ndarray:
        """(B, n, K) uplift from each bootstrap replicate (B = n_bootstrap)."""
        self._check()
        if not self.replicates_:
            raise NotFittedError("fit with n_bootstrap > 0 to get a distribution")
        X = self._frame(X)
        return np.stack([self._uplift(state, X) for state in self.replicates_])

    def _uplift(self, state, X) -> np.ndarray:
        outcome = self._outcome(state, X)
        return outcome[:, 1:] - outcome[:, :1]

    # subclasses: _fit_one(X, y, treatment, propensity, weight, seed) -> state; _outcome


def _outcome_models(self, X, y, treatment, weight, seed) -> list:
    """One outcome model per arm (control first), each fitted on its arm's rows."""
    models = []
    for arm in [self.control, *self.treatments_]:
        rows = treatment == arm
        base = self.outcome_model if self.outcome_model is not None else (
            default_classifier(seed) if self.binary_ else default_regressor(seed))
        model = clone(base)
        if "random_state" in model.get_params():
            model.set_params(random_state=seed)
        models.append(_fit(model, X[rows], y[rows], weight[rows]))
    return models


class TLearner(_BaseUplift):
    """Two-model (T-) learner: one outcome model per arm; uplift is their difference.

    Parameters
    ----------
    control : the label of the no-offer arm.
    outcome_model : base estimator (cloned); default a small LightGBM.
    n_bootstrap : bootstrap replicates for ``predict_distribution``.
    random_state : seed.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 2)); t = rng.choice(["control", "a"], 2000)
    >>> y = (rng.random(2000) < 0.2 + 0.3 * (t == "a") * (X[:, 0] > 0)).astype(int)
    >>> model = TLearner().fit(X, y, t)
    >>> model.predict(X).shape
    (2000, 1)
    """

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        return _outcome_models(self, X, y, treatment, weight, seed)

    def _outcome(self, state, X):
        return np.column_stack([_predict(m, X, self.binary_) for m in state])


def _blend(tau_treated, tau_control, share: float, X) -> np.ndarray:
    """The X-learner's effect: the effect model fitted on the larger group weighs more
    (g = the arm's share of arm + control rows)."""
    return share * _predict(tau_control, X, False) + (1 - share) * _predict(tau_treated, X, False)


class XLearner(_BaseUplift):
    """X-learner (Künzel et al. 2019): imputed individual effects from the other arm's outcome
    model, regressed on features, combined with the propensity as weight."""

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        outcome = _outcome_models(self, X, y, treatment, weight, seed)
        effects = []
        control_rows = treatment == self.control
        mu0 = _predict(outcome[0], X, self.binary_)
        for j, arm in enumerate(self.treatments_, start=1):
            rows = treatment == arm
            mu_a = _predict(outcome[j], X, self.binary_)
            base = self.effect_model if self.effect_model is not None else default_regressor(seed)
            tau_treated = _fit(clone(base), X[rows], y[rows] - mu0[rows], weight[rows])
            tau_control = _fit(clone(base), X[control_rows], mu_a[control_rows] -
                               y[control_rows], weight[control_rows])
            share = rows.sum() / (rows.sum() + control_rows.sum())
            effects.append((tau_treated, tau_control, share))
        return outcome, effects

    def _uplift(self, state, X):
        _, effects = state
        cols = []
        for tau_treated, tau_control, share in effects:
            cols.append(_blend(tau_treated, tau_control, share, X))
        return np.column_stack(cols)

    def _outcome(self, state, X):
        outcome, _ = state
        mu0 = _predict(outcome[0], X, self.binary_)
        uplift = self._uplift(state, X)
        return np.column_stack([mu0, mu0[:, None] + uplift])


ARM_PREFIX = "__arm__"  # the arm indicator columns a pooled learner adds to X


def _arm_columns(X: pd.DataFrame, arms: list, arm: object | np.ndarray) -> pd.DataFrame:
    """X with one 0/1 indicator column per treatment arm (``ARM_PREFIX + label``); `arm` is one
    label for every row or an array of labels (control rows get all zeros)."""
    labels = np.asarray(arm, dtype=object)
    labels = np.full(len(X), arm, dtype=object) if labels.ndim == 0 else labels
    if not all(isinstance(c, str) for c in X.columns):  # scikit-learn wants one name type
        X = X.set_axis([str(c) for c in X.columns], axis=1)
    return X.assign(**{f"{ARM_PREFIX}{a}": (labels == a).astype(float) for a in arms})


class PooledXLearner(XLearner):
    """X-learner whose two effect models are shared by all offers.

    The T-learner's outcome models impute individual effects as the X-learner does (treated
    rows: ``y − μ_control(x)``; control rows, once per offer: ``μ_offer(x) − y``), but instead
    of one effect model per offer and side, one model per side is fitted on every offer's rows
    with the offer as indicator columns (``ARM_PREFIX + label``). Offers that appeal to the
    same customers (the discount-sensitive, the still-active) then learn the shape of their
    effect from each other's customers, while the indicators keep each offer's own level. With
    a few hundred customers per offer this is several times the data per effect model. The
    default effect model is LightGBM; :func:`linear_effect` gives a ridge regression whose
    offers share one slope per feature (the plan's default)."""

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        outcome = _outcome_models(self, X, y, treatment, weight, seed)
        control_rows = treatment == self.control
        treated = ~control_rows
        mu0 = _predict(outcome[0], X, self.binary_)
        base = self.effect_model if self.effect_model is not None else default_regressor(seed)
        Xt = _arm_columns(X[treated], self.treatments_, treatment[treated])
        tau_treated = _fit(clone(base), Xt, (y - mu0)[treated], weight[treated])
        Xc = X[control_rows]
        stacked, target = [], []
        for j, arm in enumerate(self.treatments_, start=1):
            stacked.append(_arm_columns(Xc, self.treatments_, arm))
            target.append(_predict(outcome[j], Xc, self.binary_) - y[control_rows])
        tau_control = _fit(clone(base), pd.concat(stacked, ignore_index=True),
                           np.concatenate(target),
                           np.tile(weight[control_rows], len(self.treatments_)))
        n_control = control_rows.sum()
        shares = [(treatment == a).sum() / ((treatment == a).sum() + n_control)
                  for a in self.treatments_]
        return outcome, (tau_treated, tau_control, shares)

    def _uplift(self, state, X):
        _, (tau_treated, tau_control, shares) = state
        cols = []
        for arm, share in zip(self.treatments_, shares, strict=True):
            cols.append(_blend(tau_treated, tau_control, share,
                               _arm_columns(X, self.treatments_, arm)))
        return np.column_stack(cols)


def linear_effect(alpha: float = 30.0, columns: list[str] | None = None):
    """A ridge regression on median-imputed, standardized features (optionally only
    `columns`, plus any arm indicator columns of :class:`PooledXLearner`): as an effect model
    of the pooled learner, every offer's effect moves with the features along one shared
    direction, each offer at its own level."""
    import re

    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler(),
             Ridge(alpha=alpha)]
    if columns is not None:
        names = [re.escape(str(c)) + "$" for c in columns] + [re.escape(ARM_PREFIX)]
        pick = make_column_selector(pattern="^(?:" + "|".join(names) + ")")
        steps.insert(0, ColumnTransformer([("keep", "passthrough", pick)], remainder="drop"))
    return make_pipeline(*steps)


class DRLearner(_BaseUplift):
    """Doubly robust learner: cross-fitted outcome models, AIPW pseudo-outcomes per arm,
    regressed on the features. Propensities come from the log (or arm shares)."""

    def __init__(self, *, control="control", outcome_model=None, effect_model=None,
                 n_bootstrap: int = 0, n_folds: int = 2, random_state: int = 0) -> None:
        super().__init__(control=control, outcome_model=outcome_model,
                         effect_model=effect_model, n_bootstrap=n_bootstrap,
                         random_state=random_state)
        self.n_folds = n_folds

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        n = len(y)
        arms = [self.control, *self.treatments_]
        mu = np.zeros((n, len(arms)))
        fold = np.random.default_rng(seed).integers(0, self.n_folds, n)
        for f in range(self.n_folds):
            train, test = fold != f, fold == f
            models = _outcome_models(self, X[train], y[train], treatment[train], weight[train],
                                     seed + f)
            for j, m in enumerate(models):
                mu[test, j] = _predict(m, X[test], self.binary_)
        effects = []
        is_control = treatment == self.control
        for j, arm in enumerate(self.treatments_, start=1):
            is_arm = treatment == arm
            pseudo = (mu[:, j] - mu[:, 0]
                      + is_arm * (y - mu[:, j]) / propensity
                      - is_control * (y - mu[:, 0]) / propensity)
            base = self.effect_model if self.effect_model is not None else default_regressor(seed)
            effects.append(_fit(clone(base), X, pseudo, None))
        control_model = _outcome_models(self, X, y, treatment, weight, seed)[0]
        return control_model, effects

    def _uplift(self, state, X):
        _, effects = state
        return np.column_stack([_predict(m, X, False) for m in effects])

    def _outcome(self, state, X):
        control_model, _ = state
        mu0 = _predict(control_model, X, self.binary_)
        return np.column_stack([mu0, mu0[:, None] + self._uplift(state, X)])


class ClassTransformation(_BaseUplift):
    """Class-transformation baseline (Jaskowski & Jaroszewicz 2012), binary outcomes only: one
    classifier per arm on ``z = y·t + (1−y)(1−t)`` with arms balanced by weights; uplift is
    ``2·P(z=1) − 1``."""

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        if not self.binary_:
            raise InputError("ClassTransformation needs a binary outcome (0/1)")
        is_control = treatment == self.control
        models = []
        for arm in self.treatments_:
            rows = (treatment == arm) | is_control
            t = (treatment[rows] == arm).astype(int)
            z = (y[rows] * t + (1 - y[rows]) * (1 - t)).astype(int)
            # the transformation assumes P(t) = 1/2: weighting by 1/propensity (times any
            # sample_weight) balances the two arms for every x, also under a non-uniform logged
            # assignment; scaled to mean 1 (without a propensity: 0.5 / P(t) as before)
            w = weight[rows] * rows.sum() / weight[rows].sum()
            base = self.outcome_model if self.outcome_model is not None else default_classifier(
                seed)
            models.append(_fit(clone(base), X[rows], z, w))
        control_model = _outcome_models(self, X, y, treatment, weight, seed)[0]
        return control_model, models

    def _uplift(self, state, X):
        _, models = state
        return np.column_stack([2 * _predict(m, X, True) - 1 for m in models])

    def _outcome(self, state, X):
        control_model, _ = state
        mu0 = _predict(control_model, X, True)
        return np.column_stack([mu0, np.clip(mu0[:, None] + self._uplift(state, X), 0, 1)])


def spline_classifier(C: float = 0.1, columns: list[str] | None = None):
    """A smooth, strongly regularized alternative to trees for small campaign arms: splines of
    standardized features (optionally only `columns`) into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    steps = [SimpleImputer(strategy="median"), StandardScaler(),
             SplineTransformer(n_knots=4, degree=2), LogisticRegression(C=C, max_iter=1000)]
    if columns is not None:
        steps.insert(0, ColumnTransformer([("keep", "passthrough", list(columns))],
                                          remainder="drop"))
    return make_pipeline(*steps)


class EnsembleUplift(BaseEstimator):
    """The average of several uplift models (their outcomes, uplifts and bootstrap draws).
    Models that err differently (trees and splines) average to a steadier ranking.

    Parameters
    ----------
    estimators : list of (name, uplift estimator), each cloned.
    n_bootstrap : passed to every member.
    """

    def __init__(self, *, estimators=(), n_bootstrap: int = 0, random_state: int = 0) -> None:
        self.estimators = estimators
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def fit(self, X, y, treatment, *, propensity=None, sample_weight=None):
        if not self.estimators:
            raise InputError("EnsembleUplift needs at least one estimator")
        self.estimators_ = []
        for _, est in self.estimators:
            member = clone(est).set_params(n_bootstrap=self.n_bootstrap,
                                           random_state=self.random_state)
            self.estimators_.append(member.fit(X, y, treatment, propensity=propensity,
                                               sample_weight=sample_weight))
        self.treatments_ = self.estimators_[0].treatments_
        return self

    @property
    def control(self):
        """The control label of the members (their parameter; not fitted state)."""
        return self.estimators[0][1].control if self.estimators else None

    def _check(self):
        if not hasattr(self, "estimators_"):
            raise NotFittedError("EnsembleUplift is not fitted: call fit first")

    def predict_outcome(self, X) -> np.ndarray:
        self._check()
        return np.mean([m.predict_outcome(X) for m in self.estimators_], axis=0)

    def predict(self, X) -> np.ndarray:
        self._check()
        return np.mean([m.predict(X) for m in self.estimators_], axis=0)

    def predict_distribution(self, X) -> np.ndarray:
        self._check()
        return np.mean([m.predict_distribution(X) for m in self.estimators_], axis=0)

"""Shared plumbing of the uplift learners: default base models, propensity clipping, arm
bookkeeping, inverse-propensity weights and bootstrap replicates (:class:`BaseUplift`), and the
outcome and effect model factories the learners and the planner use."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier

from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError, NotFittedError

MIN_PROPENSITY = 1e-3
"""Logged propensities are clipped to ``[MIN_PROPENSITY, 1]`` before they weigh rows (weights
``1/p`` at most 1,000). Low enough that a plan's own smallest propensity, an exploration offer
at ``explore_share / K`` (0.05 / 4 = 0.0125 with the default settings, 0.005 with ten offers),
keeps its exact weight; a clip at 0.01 would shrink the weight of every explored row of a shop
with more than five offers and bias what the next model learns from them."""
# small data: threads only contend
BASE_PARAMS = {
    "n_estimators": 200,
    "learning_rate": 0.03,
    "num_leaves": 7,
    "min_child_samples": 80,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 5.0,
    "n_jobs": 1,
    "verbose": -1,
}


def clip_propensity(propensity) -> np.ndarray:
    """Logged propensities as floats clipped to ``[MIN_PROPENSITY, 1]``; a missing value or one
    outside [0, 1] is an error (it is not a probability)."""
    p = np.asarray(propensity, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise InputError("propensity must be a probability in [0, 1] on every row")
    return np.clip(p, MIN_PROPENSITY, 1.0)


def fold_strata(treatment, y, n_splits: int) -> np.ndarray:
    """Labels for stratified folds: arm × bought, where an arm's bought (or not-bought) group
    has at least ``n_splits`` rows; a smaller group joins its arm's other one (one buyer cannot
    be spread over three folds), and an arm still smaller than that joins a shared stratum."""
    arm = pd.Series(np.asarray(treatment, dtype=object)).astype(str)
    strata = arm + "|" + pd.Series(np.asarray(y) > 0).astype(str)
    small = strata.map(strata.value_counts()) < n_splits
    strata = strata.where(~arm.isin(arm[small]), arm)
    small = strata.map(strata.value_counts()) < n_splits
    return strata.where(~small, "|rare|").to_numpy()


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


def fit_weighted(model, X, y, weight):
    """`model` fitted on the rows (weighted), or a constant (a float) where there is nothing
    to learn: one class only, or a single row (an arm one customer got; LightGBM needs two)."""
    if not len(y):
        raise ValueError("fit_weighted needs at least one row")
    if len(y) < 2 or (_is_binary(y) and len(np.unique(y)) < 2):
        return float(np.mean(y))
    if weight is None:
        model.fit(X, y)
    elif hasattr(model, "steps"):  # a Pipeline routes the weights to its final estimator
        model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": weight})
    else:
        model.fit(X, y, sample_weight=weight)
    return model


def predict_with(model, X, binary: bool) -> np.ndarray:
    if isinstance(model, float):
        return np.full(len(X), model)
    if binary:
        return model.predict_proba(X)[:, 1]
    return model.predict(X)


def outcome_values(y, who: str = "") -> np.ndarray:
    """The outcome as floats, NaN where missing; a value that is there but is not a number
    (``"yes"``) is refused by name (`who` prefixes the message), not counted as missing."""
    raw = pd.Series(np.asarray(y, dtype=object))
    values = pd.to_numeric(raw, errors="coerce")
    text = values.isna() & raw.notna()
    if text.any():
        raise InputError(
            f"{who}y must hold numbers (1/0 for bought or not, or an amount); found "
            f"{raw[text].iloc[0]!r} in {counted(int(text.sum()), 'row')}"
        )
    return values.to_numpy(dtype=float)


def check_complete(y: np.ndarray, treatment: np.ndarray, who: str = "") -> None:
    """Every row has its label and its arm (`who` prefixes the message)."""
    if np.isnan(y).any():
        raise InputError(
            f"{who}y has {counted(int(np.isnan(y).sum()), 'missing value')}: drop those rows or "
            "fill them"
        )
    if pd.isna(pd.Series(treatment)).any():
        raise InputError(f"{who}treatment has missing values: every row needs its arm")


def _check_numeric(X: pd.DataFrame) -> None:
    """LightGBM reads numbers, booleans and pandas categories: a text column is refused by
    name instead of by LightGBM's message."""
    text = [
        str(c)
        for c in X.columns
        if not (
            pd.api.types.is_numeric_dtype(X[c])
            or pd.api.types.is_bool_dtype(X[c])
            or isinstance(X[c].dtype, pd.CategoricalDtype)
        )
    ]
    if text:
        raise InputError(
            f"text in feature {noun_for(len(text), 'column')} {', '.join(text[:5])}: encode "
            "it as numbers or make it a pandas category"
        )


def fitted_frame(X, names: np.ndarray) -> pd.DataFrame:
    """`X` with the fitted columns in the fitted order, matched by name (a frame whose columns
    come in another order, or with more of them, is read by name, not by position); a plain
    array must have exactly the fitted number of columns."""
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X))
        if X.shape[1] != len(names):
            raise InputError(f"X has {X.shape[1]} features, the model was fitted on {len(names)}")
        X.columns = list(names)
        return X
    missing = [str(n) for n in names if n not in X.columns]
    if missing:
        raise InputError(
            f"X lacks {len(missing)} of the features the model was fitted on: "
            f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}"
        )
    return X.loc[:, list(names)]


class BaseUplift(BaseEstimator, ABC):
    """Shared fitting plumbing: arm bookkeeping, weights, bootstrap replicates."""

    def __init__(
        self,
        *,
        control="control",
        outcome_model=None,
        effect_model=None,
        n_bootstrap: int = 0,
        random_state: int = 0,
    ) -> None:
        self.control = control
        self.outcome_model = outcome_model
        self.effect_model = effect_model
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    # -- input checks ---------------------------------------------------------------------
    def _validate(self, X, y, treatment, propensity):
        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        y = outcome_values(y)
        treatment = np.asarray(treatment, dtype=object)
        if not (len(X) == len(y) == len(treatment)):
            raise InputError("X, y and treatment must have the same number of rows")
        check_complete(y, treatment)
        _check_numeric(X)
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
        outcome_model = getattr(self, "outcome_model", None)
        if not self.binary_ and outcome_model is not None and is_classifier(outcome_model):
            raise InputError(
                f"outcome_model {type(outcome_model).__name__} is a classifier, but the "
                "outcome y has values other than 0 and 1: pass a regressor for a numeric "
                "outcome (or leave outcome_model unset)"
            )
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.fitted_ = self._fit_one(X, y, treatment, propensity, weight, self.random_state)
        self.replicates_ = []
        rng = np.random.default_rng(self.random_state)
        for b in range(self.n_bootstrap):
            # resample within each arm so every replicate keeps all arms
            idx = np.concatenate(
                [
                    rng.choice(np.flatnonzero(treatment == arm), size=(treatment == arm).sum())
                    for arm in [self.control, *arms]
                ]
            )
            self.replicates_.append(
                self._fit_one(
                    X.iloc[idx].reset_index(drop=True),
                    y[idx],
                    treatment[idx],
                    propensity[idx],
                    weight[idx],
                    self.random_state + 1 + b,
                )
            )
        return self

    def _check(self):
        if not hasattr(self, "fitted_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit first")

    def _frame(self, X):
        return fitted_frame(X, self.feature_names_in_)

    def predict_outcome(self, X) -> np.ndarray:
        """(n, K+1): estimated outcome under control (first) and each treatment."""
        self._check()
        X = self._frame(X)
        if not len(X):
            return np.empty((0, len(self.treatments_) + 1))
        return self._outcome(self.fitted_, X)

    def predict(self, X) -> np.ndarray:
        """(n, K): estimated uplift of each treatment in ``treatments_`` over control."""
        self._check()
        X = self._frame(X)
        if not len(X):
            return np.empty((0, len(self.treatments_)))
        return self._uplift(self.fitted_, X)

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

    @abstractmethod
    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        """Fit on one (re)sample; returns the state that ``_outcome`` and ``_uplift`` read."""

    @abstractmethod
    def _outcome(self, state, X) -> np.ndarray:
        """(n, K+1) estimated outcome under control (first) and each treatment."""


def outcome_models(self, X, y, treatment, weight, seed) -> list:
    """One outcome model per arm (control first), each fitted on its arm's rows; None for an
    arm without rows here (a cross-fitting fold of a small arm)."""
    models = []
    for arm in [self.control, *self.treatments_]:
        rows = treatment == arm
        if not rows.any():
            models.append(None)
            continue
        base = (
            self.outcome_model
            if self.outcome_model is not None
            else (default_classifier(seed) if self.binary_ else default_regressor(seed))
        )
        model = clone(base)
        if "random_state" in model.get_params():
            model.set_params(random_state=seed)
        models.append(fit_weighted(model, X[rows], y[rows], weight[rows]))
    return models


ARM_PREFIX = "__arm__"  # the arm indicator columns a pooled learner adds to X


def arm_columns(X: pd.DataFrame, arms: list, arm: object | np.ndarray) -> pd.DataFrame:
    """X with one 0/1 indicator column per treatment arm (``ARM_PREFIX + label``); `arm` is one
    label for every row or an array of labels (control rows get all zeros)."""
    labels = np.asarray(arm, dtype=object)
    labels = np.full(len(X), arm, dtype=object) if labels.ndim == 0 else labels
    if not all(isinstance(c, str) for c in X.columns):  # scikit-learn wants one name type
        X = X.set_axis([str(c) for c in X.columns], axis=1)
    return X.assign(**{f"{ARM_PREFIX}{a}": (labels == a).astype(float) for a in arms})


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

    steps = [
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
        Ridge(alpha=alpha),
    ]
    if columns is not None:
        names = [re.escape(str(c)) + "$" for c in columns] + [re.escape(ARM_PREFIX)]
        pick = make_column_selector(pattern="^(?:" + "|".join(names) + ")")
        steps.insert(0, ColumnTransformer([("keep", "passthrough", pick)], remainder="drop"))
    return make_pipeline(*steps)


def spline_classifier(C: float = 0.1, columns: list[str] | None = None):
    """A smooth, strongly regularized alternative to trees for small campaign arms: splines of
    standardized features (optionally only `columns`) into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    steps = [
        # an all-missing column (a feature a shop's data cannot give) stays, as zeros, and
        # warns nothing
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
        SplineTransformer(n_knots=4, degree=2),
        LogisticRegression(C=C, max_iter=1000),
    ]
    if columns is not None:
        steps.insert(
            0, ColumnTransformer([("keep", "passthrough", list(columns))], remainder="drop")
        )
    return make_pipeline(*steps)

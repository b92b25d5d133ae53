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
from promopilot.uplift.base import (
    ARM_PREFIX,
    BASE_PARAMS,
    MIN_PROPENSITY,
    BaseUplift,
    arm_columns,
    clip_propensity,
    default_classifier,
    default_regressor,
    fit_weighted,
    linear_effect,
    outcome_models,
    predict_with,
    spline_classifier,
)

# names that are imported from here (defined in promopilot.uplift.base)
__all__ = [
    "ARM_PREFIX",
    "BASE_PARAMS",
    "MIN_PROPENSITY",
    "ClassTransformation",
    "DRLearner",
    "EnsembleUplift",
    "PooledXLearner",
    "TLearner",
    "XLearner",
    "clip_propensity",
    "default_classifier",
    "default_regressor",
    "linear_effect",
    "spline_classifier",
]


class TLearner(BaseUplift):
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
        return outcome_models(self, X, y, treatment, weight, seed)

    def _outcome(self, state, X):
        return np.column_stack([predict_with(m, X, self.binary_) for m in state])


def _blend(tau_treated, tau_control, share: float, X) -> np.ndarray:
    """The X-learner's effect: the effect model fitted on the larger group weighs more
    (g = the arm's share of arm + control rows)."""
    return share * predict_with(tau_control, X, False) + (1 - share) * predict_with(
        tau_treated, X, False
    )


class XLearner(BaseUplift):
    """X-learner (Künzel et al. 2019): imputed individual effects from the other arm's outcome
    model, regressed on features, combined with the propensity as weight."""

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        outcome = outcome_models(self, X, y, treatment, weight, seed)
        effects = []
        control_rows = treatment == self.control
        mu0 = predict_with(outcome[0], X, self.binary_)
        for j, arm in enumerate(self.treatments_, start=1):
            rows = treatment == arm
            mu_a = predict_with(outcome[j], X, self.binary_)
            base = self.effect_model if self.effect_model is not None else default_regressor(seed)
            tau_treated = fit_weighted(clone(base), X[rows], y[rows] - mu0[rows], weight[rows])
            tau_control = fit_weighted(
                clone(base),
                X[control_rows],
                mu_a[control_rows] - y[control_rows],
                weight[control_rows],
            )
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
        mu0 = predict_with(outcome[0], X, self.binary_)
        uplift = self._uplift(state, X)
        return np.column_stack([mu0, mu0[:, None] + uplift])


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
        outcome = outcome_models(self, X, y, treatment, weight, seed)
        control_rows = treatment == self.control
        treated = ~control_rows
        mu0 = predict_with(outcome[0], X, self.binary_)
        base = self.effect_model if self.effect_model is not None else default_regressor(seed)
        Xt = arm_columns(X[treated], self.treatments_, treatment[treated])
        tau_treated = fit_weighted(clone(base), Xt, (y - mu0)[treated], weight[treated])
        Xc = X[control_rows]
        stacked, target = [], []
        for j, arm in enumerate(self.treatments_, start=1):
            stacked.append(arm_columns(Xc, self.treatments_, arm))
            target.append(predict_with(outcome[j], Xc, self.binary_) - y[control_rows])
        tau_control = fit_weighted(
            clone(base),
            pd.concat(stacked, ignore_index=True),
            np.concatenate(target),
            np.tile(weight[control_rows], len(self.treatments_)),
        )
        n_control = control_rows.sum()
        shares = [
            (treatment == a).sum() / ((treatment == a).sum() + n_control) for a in self.treatments_
        ]
        return outcome, (tau_treated, tau_control, shares)

    def _uplift(self, state, X):
        _, (tau_treated, tau_control, shares) = state
        cols = []
        for arm, share in zip(self.treatments_, shares, strict=True):
            cols.append(
                _blend(tau_treated, tau_control, share, arm_columns(X, self.treatments_, arm))
            )
        return np.column_stack(cols)


class DRLearner(BaseUplift):
    """Doubly robust learner: cross-fitted outcome models, AIPW pseudo-outcomes per arm,
    regressed on the features. Propensities come from the log (or arm shares)."""

    def __init__(
        self,
        *,
        control="control",
        outcome_model=None,
        effect_model=None,
        n_bootstrap: int = 0,
        n_folds: int = 2,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            control=control,
            outcome_model=outcome_model,
            effect_model=effect_model,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )
        self.n_folds = n_folds

    def _fit_one(self, X, y, treatment, propensity, weight, seed):
        n = len(y)
        arms = [self.control, *self.treatments_]
        mu = np.zeros((n, len(arms)))
        fold = np.random.default_rng(seed).integers(0, self.n_folds, n)
        full = None  # the outcome models fitted on all rows
        for f in range(self.n_folds):
            train, test = fold != f, fold == f
            models = outcome_models(
                self, X[train], y[train], treatment[train], weight[train], seed + f
            )
            for j, m in enumerate(models):
                if m is None:  # all of a small arm's rows fell in fold f: its all-rows model
                    full = full or outcome_models(self, X, y, treatment, weight, seed)
                    m = full[j]
                mu[test, j] = predict_with(m, X[test], self.binary_)
        effects = []
        is_control = treatment == self.control
        for j, arm in enumerate(self.treatments_, start=1):
            is_arm = treatment == arm
            pseudo = (
                mu[:, j]
                - mu[:, 0]
                + is_arm * (y - mu[:, j]) / propensity
                - is_control * (y - mu[:, 0]) / propensity
            )
            base = self.effect_model if self.effect_model is not None else default_regressor(seed)
            effects.append(fit_weighted(clone(base), X, pseudo, None))
        control_model = (full or outcome_models(self, X, y, treatment, weight, seed))[0]
        return control_model, effects

    def _uplift(self, state, X):
        _, effects = state
        return np.column_stack([predict_with(m, X, False) for m in effects])

    def _outcome(self, state, X):
        control_model, _ = state
        mu0 = predict_with(control_model, X, self.binary_)
        return np.column_stack([mu0, mu0[:, None] + self._uplift(state, X)])


class ClassTransformation(BaseUplift):
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
            base = (
                self.outcome_model if self.outcome_model is not None else default_classifier(seed)
            )
            models.append(fit_weighted(clone(base), X[rows], z, w))
        control_model = outcome_models(self, X, y, treatment, weight, seed)[0]
        return control_model, models

    def _uplift(self, state, X):
        _, models = state
        return np.column_stack([2 * predict_with(m, X, True) - 1 for m in models])

    def _outcome(self, state, X):
        control_model, _ = state
        mu0 = predict_with(control_model, X, True)
        return np.column_stack([mu0, np.clip(mu0[:, None] + self._uplift(state, X), 0, 1)])


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
            member = clone(est).set_params(
                n_bootstrap=self.n_bootstrap, random_state=self.random_state
            )
            self.estimators_.append(
                member.fit(X, y, treatment, propensity=propensity, sample_weight=sample_weight)
            )
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

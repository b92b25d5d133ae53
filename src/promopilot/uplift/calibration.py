"""Calibrating an uplift model's heterogeneity on out-of-fold predictions.

With a few hundred customers per arm, most of the differences an uplift model predicts between
customers are noise. A planner that picks the customers with the highest predicted uplift then
picks the largest overestimates: it overstates profit and cost and chooses between offers on
noise. The remedy is the "best linear predictor" check of Chernozhukov, Demirer, Duflo and
Fernández-Val (2018, "Generic machine learning inference on heterogeneous treatment effects"):
on cross-fitted predictions ``s(x)``, regress the outcome, per arm against control,

    y ~ 1 + m0(x) + S + D + D·S,    S = s(x) − mean(s),  D = [customer got the arm]

weighted by inverse logged propensities. The coefficient of ``D`` is the arm's average effect,
and the coefficient of ``D·S`` says how much of the predicted heterogeneity is real (1: all of
it, 0: none). The calibrated uplift is ``ate + slope·S`` with the slope clipped to [0, 1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold

from promopilot.exceptions import InputError, NotFittedError
from promopilot.uplift.base import clip_propensity, fold_strata, outcome_values


def _wls(design: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least squares with heteroskedasticity-robust (HC1) standard errors."""
    sw = np.sqrt(weight)
    Xw = design * sw[:, None]
    beta, *_ = np.linalg.lstsq(Xw, y * sw, rcond=None)
    resid = y - design @ beta
    bread = np.linalg.pinv(Xw.T @ Xw)
    meat = (Xw * (resid * sw)[:, None]).T @ (Xw * (resid * sw)[:, None])
    n, k = design.shape
    cov = bread @ meat @ bread * n / max(n - k, 1)
    return beta, np.sqrt(np.clip(np.diag(cov), 0.0, None))


class CalibratedUplift(BaseEstimator):
    """An uplift estimator whose predicted effects are rescaled by how much of their spread
    held up out of fold (see the module docstring).

    Parameters
    ----------
    estimator : an uplift estimator (``fit(X, y, treatment, propensity=)``, ``predict``,
        ``predict_outcome``, ``predict_distribution``).
    cv : folds for the out-of-fold predictions.
    max_slope : the largest share of the predicted spread kept.
    n_bootstrap : passed to the estimator fitted on all rows; its draws are calibrated the
        same way, plus the uncertainty of each arm's average effect.

    Fitted attributes: ``estimator_``, ``treatments_``, ``calibration_`` (per arm: average
    effect and its standard error, slope and its standard error, the slope used).
    """

    def __init__(
        self,
        estimator=None,
        *,
        cv: int = 3,
        max_slope: float = 1.0,
        n_bootstrap: int = 0,
        random_state: int = 0,
    ) -> None:
        self.estimator = estimator
        self.cv = cv
        self.max_slope = max_slope
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def fit(self, X, y, treatment, *, propensity=None, sample_weight=None):
        if self.estimator is None:
            raise InputError("CalibratedUplift needs an estimator")
        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        X = X.reset_index(drop=True)
        y = outcome_values(y, "CalibratedUplift: ")
        treatment = np.asarray(treatment, dtype=object)
        n = len(y)
        if propensity is None:
            labels = pd.Series(treatment)
            propensity = labels.map(labels.value_counts(normalize=True)).to_numpy(float)
        propensity = clip_propensity(propensity)
        weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)

        self.estimator_ = clone(self.estimator).set_params(
            n_bootstrap=self.n_bootstrap, random_state=self.random_state
        )
        self.estimator_.fit(X, y, treatment, propensity=propensity, sample_weight=sample_weight)
        self.treatments_ = list(self.estimator_.treatments_)
        k = len(self.treatments_)

        # out-of-fold uplift and control outcome
        oof = np.full((n, k), np.nan)
        base = np.full(n, np.nan)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(X, fold_strata(treatment, y, self.cv)):
            member = clone(self.estimator).set_params(n_bootstrap=0, random_state=self.random_state)
            member.fit(
                X.iloc[train],
                y[train],
                treatment[train],
                propensity=propensity[train],
                sample_weight=weight[train],
            )
            if list(member.treatments_) != self.treatments_:
                raise InputError("an arm has too few customers to calibrate its uplift")
            oof[test] = member.predict(X.iloc[test])
            base[test] = member.predict_outcome(X.iloc[test])[:, 0]

        rows = []
        for j, arm in enumerate(self.treatments_):
            keep = (treatment == arm) | (treatment == self.control)
            w = weight[keep] / propensity[keep]
            s = oof[keep, j]
            centre = float(np.average(s, weights=w))
            S = s - centre
            D = (treatment[keep] == arm).astype(float)
            design = np.column_stack([np.ones(keep.sum()), base[keep], S, D, D * S])
            beta, se = _wls(design, y[keep], w)
            slope = float(np.clip(beta[4], 0.0, self.max_slope)) if np.isfinite(beta[4]) else 0.0
            rows.append(
                {
                    "arm": arm,
                    "n_treated": int(D.sum()),
                    "n_control": int((1 - D).sum()),
                    "ate": float(beta[3]),
                    "ate_se": float(se[3]),
                    "slope": float(beta[4]),
                    "slope_se": float(se[4]),
                    "slope_used": slope,
                    "centre": centre,
                }
            )
        self.calibration_ = pd.DataFrame(rows)
        return self

    @property
    def control(self):
        """The control label of the wrapped estimator (its parameter; not fitted state)."""
        return getattr(self.estimator, "control", None)

    def _check(self):
        if not hasattr(self, "calibration_"):
            raise NotFittedError("CalibratedUplift is not fitted: call fit first")

    def _calibrate(self, raw: np.ndarray, shift: np.ndarray | float = 0.0) -> np.ndarray:
        c = self.calibration_
        ate = c["ate"].to_numpy()
        return (ate + shift) + c["slope_used"].to_numpy() * (raw - c["centre"].to_numpy())

    def predict(self, X) -> np.ndarray:
        """(n, K) calibrated uplift of each arm in ``treatments_``."""
        self._check()
        return self._calibrate(np.asarray(self.estimator_.predict(X), dtype=float))

    def predict_outcome(self, X) -> np.ndarray:
        """(n, K+1): the estimator's control outcome, then control + calibrated uplift."""
        self._check()
        control = np.asarray(self.estimator_.predict_outcome(X), dtype=float)[:, :1]
        return np.concatenate([control, control + self.predict(X)], axis=1)

    def predict_distribution(self, X) -> np.ndarray:
        """(B, n, K): the estimator's bootstrap draws, calibrated, each shifted by a draw of
        the arms' average-effect uncertainty."""
        self._check()
        draws = np.asarray(self.estimator_.predict_distribution(X), dtype=float)
        rng = np.random.default_rng(self.random_state)
        shift = (
            rng.normal(size=(len(draws), 1, draws.shape[2]))
            * self.calibration_["ate_se"].to_numpy()
        )
        return self._calibrate(draws, shift)

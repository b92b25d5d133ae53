"""The simplest uplift model worth comparing with: effects by bins of one column.

The customers are cut into quantile bins of one column (or left in one bin: the same effect
for everyone). In each bin, the mean outcome of each arm is its inverse-propensity weighted
mean; the bin's effect of an arm (its mean minus the control's) is shrunk toward the arm's
effect over all rows, with weight ``n / (n + shrink)`` where ``n`` is the smaller of the two
arms' row counts in the bin. The outcome can be anything: a purchase (0/1), the profit of the
campaign window, the discount given. A planner compares every richer model with this one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from promopilot.exceptions import InputError, NotFittedError
from promopilot.uplift.base import check_complete, clip_propensity, outcome_values


def _weighted_means(
    bins: np.ndarray, arm: np.ndarray, y: np.ndarray, w: np.ndarray, n_bins: int, n_arms: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of `y` and row count per (bin, arm)."""
    key = bins * n_arms + arm
    size = n_bins * n_arms
    total = np.bincount(key, weights=w * y, minlength=size).reshape(n_bins, n_arms)
    weight = np.bincount(key, weights=w, minlength=size).reshape(n_bins, n_arms)
    count = np.bincount(key, minlength=size).reshape(n_bins, n_arms)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.nan)
    return mean, count


class BinnedUplift(BaseEstimator):
    """Per-arm effects by quantile bins of one column (see the module docstring).

    Parameters
    ----------
    column : the column of ``X`` to bin on (a name, or an index for arrays); None: one bin.
    n_bins : quantile bins (fewer where the column has fewer distinct values).
    control : the label of the no-offer arm.
    shrink : rows at which a bin's own effect and the overall effect weigh the same.

    Fitted attributes: ``treatments_`` (the offer arms, sorted), ``edges_`` (inner bin edges),
    ``outcome_`` (bins x arms mean outcome, control first), ``fill_`` (the value a missing
    column value takes).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=4000)})
    >>> t = rng.choice(["control", "x"], 4000)
    >>> y = (rng.random(4000) < 0.2 + 0.3 * (t == "x") * (X["a"] > 0)).astype(int)
    >>> model = BinnedUplift(column="a", n_bins=2).fit(X, y, t)
    >>> np.round(model.predict(pd.DataFrame({"a": [-1.0, 1.0]}))[:, 0], 1).tolist()
    [0.0, 0.3]
    """

    def __init__(
        self, column=None, *, n_bins: int = 4, control: str = "control", shrink: float = 50.0
    ) -> None:
        self.column = column
        self.n_bins = n_bins
        self.control = control
        self.shrink = shrink

    def _values(self, X) -> np.ndarray | None:
        if self.column is None:
            return None
        if isinstance(X, pd.DataFrame):
            if self.column not in X:
                raise InputError(f"BinnedUplift: X has no column {self.column!r}")
            return X[self.column].to_numpy(dtype=float)
        return np.asarray(X, dtype=float)[:, int(self.column)]

    def _bins(self, X) -> np.ndarray:
        values = self._values(X)
        if values is None:
            return np.zeros(len(X), dtype=int)
        values = np.where(np.isfinite(values), values, self.fill_)
        return np.searchsorted(self.edges_, values, side="right")

    def fit(self, X, y, treatment, *, propensity=None, sample_weight=None):
        y = outcome_values(y, "BinnedUplift: ")
        treatment = np.asarray(treatment, dtype=object)
        if len(y) != len(treatment) or len(y) != len(X):
            raise InputError("BinnedUplift: X, y and treatment must have the same rows")
        check_complete(y, treatment, "BinnedUplift: ")
        if not (treatment == self.control).any():
            raise InputError(f"BinnedUplift: no row of the control arm {self.control!r}")
        self.treatments_ = sorted(set(treatment) - {self.control}, key=str)
        if not self.treatments_:
            raise InputError("BinnedUplift: no treated rows: every row is control")
        arms = [self.control, *self.treatments_]
        arm = pd.Index(arms).get_indexer(treatment)
        w = 1.0 / clip_propensity(propensity) if propensity is not None else np.ones(len(y))
        if sample_weight is not None:
            w = w * np.asarray(sample_weight, dtype=float)
        values = self._values(X)
        if values is None:
            self.edges_, self.fill_ = np.array([]), 0.0
        else:
            finite = values[np.isfinite(values)]
            self.fill_ = float(np.median(finite)) if len(finite) else 0.0
            values = np.where(np.isfinite(values), values, self.fill_)
            quantiles = np.quantile(values, np.linspace(0, 1, self.n_bins + 1)[1:-1])
            self.edges_ = np.unique(quantiles)
        bins = self._bins(X)
        n_bins = len(self.edges_) + 1
        mean, count = _weighted_means(bins, arm, y, w, n_bins, len(arms))
        overall, _ = _weighted_means(np.zeros(len(y), int), arm, y, w, 1, len(arms))
        overall = np.nan_to_num(overall[0])
        base = np.where(np.isnan(mean[:, 0]), overall[0], mean[:, 0])
        effect = mean[:, 1:] - mean[:, :1]
        n = np.minimum(count[:, 1:], count[:, :1])
        keep = n / (n + self.shrink)
        effect = np.where(np.isnan(effect), 0.0, effect)
        effect = keep * effect + (1 - keep) * (overall[1:] - overall[0])[None, :]
        self.outcome_ = np.column_stack([base, base[:, None] + effect])
        return self

    def _check(self) -> None:
        if not hasattr(self, "outcome_"):
            raise NotFittedError("BinnedUplift is not fitted yet: call fit first")

    def predict_outcome(self, X) -> np.ndarray:
        """Mean outcome per row and arm (control first), (n, K+1)."""
        self._check()
        return self.outcome_[self._bins(X)]

    def predict(self, X) -> np.ndarray:
        """Effect of each offer arm against control per row, (n, K)."""
        outcome = self.predict_outcome(X)
        return outcome[:, 1:] - outcome[:, :1]

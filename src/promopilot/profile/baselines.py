"""One-feature baselines the window models must beat on the shop's own time split.

Each window model (churn, purchase, expected orders) is compared with a single column mapped
to the same target by isotonic regression: days since the customer's last event or order for
churn and purchase, ``orders_90d`` (orders of the last 90 days: recent activity) for expected
orders. Both are trained one window earlier and scored on the latest window; the model keeps
its column only if it wins by more than :data:`TIE_MARGIN` (a tie goes to the baseline).
Churn is judged by :func:`choose_within_noise` instead: its model is half the baseline already
(:mod:`.churn`), and it is kept unless it ranks worse than the baseline by more than the
validation split's noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from promopilot.exceptions import NotEnoughDataError, NotFittedError
from promopilot.profile.history import history_rows

TIE_MARGIN = 0.005
"""AUC points (or relative deviance for expected orders) within which the two are tied (churn
uses :func:`choose_within_noise`)."""

Z_NOISE = 2.0
"""Churn keeps its model unless the model's AUC is below the baseline's by more than this many
bootstrap standard errors of the difference (:func:`auc_difference_se`)."""
BOOTSTRAP = 200
"""Resamples of the validation customers for :func:`auc_difference_se`."""
BOOTSTRAP_ROWS = 20_000
"""Above this many validation customers each resample draws this many (the spread is scaled
back to the full count)."""

TIE_BREAK = 1e-6
"""Weight of the column itself in the baseline's output (see :meth:`BaselineModel.predict`)."""

BASELINE_COLUMNS = {
    "churn": ("days_since_last_event", True),  # more days since -> more churn
    "purchase": ("days_since_last_event", False),
    "orders": ("orders_90d", True),
}
"""The baseline's column and whether the target rises with it, per target."""


class BaselineModel(BaseEstimator):
    """A calibrated one-column model: isotonic regression of the target on one feature.

    Parameters
    ----------
    target : "churn", "purchase" or "orders" (as :class:`~promopilot.profile.models.WindowModel`)
    horizon_days : the label window.
    column : the feature; default the target's in :data:`BASELINE_COLUMNS` (a shop without
        orders uses ``events_90d`` for expected orders).
    """

    def __init__(self, target: str = "churn", horizon_days: int = 90, column: str | None = None):
        self.target = target
        self.horizon_days = horizon_days
        self.column = column

    def _column(self) -> tuple[str, bool]:
        default, increasing = BASELINE_COLUMNS[self.target]
        return (self.column or default), increasing

    def _x(self, features: pd.DataFrame) -> np.ndarray:
        return pd.to_numeric(features[self._column()[0]], errors="coerce").to_numpy(float)

    def labels(self, features: pd.DataFrame, window_orders: pd.Series) -> np.ndarray:
        """The target of each row: churned / bought (0 or 1) or the number of orders."""
        counts = features["customer_id"].map(window_orders).fillna(0).to_numpy(float)
        return self._target(counts)

    def _target(self, counts: np.ndarray) -> np.ndarray:
        if self.target == "orders":
            return counts
        return ((counts == 0) if self.target == "churn" else (counts > 0)).astype(float)

    def fit(self, features: pd.DataFrame, window_orders: pd.Series) -> BaselineModel:
        """Fit on the customers with history in a feature table and their window's orders."""
        features, counts = history_rows(features, window_orders)
        if not len(features):
            raise NotEnoughDataError("baseline: no customer with history to learn from")
        raw = self._x(features)
        self.fill_ = float(np.nanmax(raw)) if np.isfinite(raw).any() else 0.0
        x = np.nan_to_num(raw, nan=self.fill_)
        self.column_, increasing = self._column()
        self.model_ = IsotonicRegression(increasing=increasing, out_of_bounds="clip").fit(
            x, self._target(counts)
        )
        return self

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """The calibrated value (probability or expected orders) per row. Isotonic regression
        is a step function: within a step, rows are ordered by the column itself (a shift of
        at most one millionth), so the baseline ranks customers exactly as its column does."""
        if not hasattr(self, "model_"):
            raise NotFittedError("BaselineModel is not fitted: call fit first")
        if not len(features):
            return np.empty(0)
        x = np.nan_to_num(self._x(features), nan=self.fill_)
        lo, hi = self.model_.X_min_, self.model_.X_max_
        position = np.clip((x - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.zeros(len(x))
        if not self.model_.increasing_:
            position = 1.0 - position
        return self.model_.predict(x) * (1 - TIE_BREAK) + TIE_BREAK * position


@dataclass
class Choice:
    """Which of the model and its baseline the profile uses for one column, and why."""

    column: str
    baseline: str  # the baseline's feature
    metric: str  # "AUC" or "Poisson deviance"
    model_score: float
    baseline_score: float
    winner: str  # "model" or "baseline"
    tie: bool
    verdict: str = ""  # how the winner was decided, when not by the plain comparison

    def line(self) -> str:
        verdict = self.verdict or ("tie -> baseline" if self.tie else f"{self.winner} wins")
        return (
            f"{self.column}: model {self.metric} {self.model_score:.3f} vs baseline "
            f"({self.baseline}) {self.baseline_score:.3f}: {verdict}"
        )


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Mean Poisson deviance (lower is better); mu is floored at 1e-9."""
    mu = np.maximum(mu, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(np.mean(2.0 * (term - (y - mu))))


def choose(
    column: str,
    target: str,
    y: np.ndarray,
    model_pred,
    baseline_pred,
    baseline_column=None,
    *,
    margin: float = TIE_MARGIN,
) -> Choice:
    """Compare the model's and the baseline's predictions on the same validation rows; the
    model must win by more than `margin` (a tie goes to the baseline)."""
    base_col = baseline_column or BASELINE_COLUMNS[target][0]
    if target == "orders":
        m, b = poisson_deviance(y, model_pred), poisson_deviance(y, baseline_pred)
        tie = abs(m - b) <= margin * max(abs(b), 1e-9)
        winner = "model" if (m < b and not tie) else "baseline"
        return Choice(column, base_col, "Poisson deviance", m, b, winner, tie)
    if y.min() == y.max():
        m = b = float("nan")
    else:
        m, b = roc_auc_score(y, model_pred), roc_auc_score(y, baseline_pred)
    tie = bool(np.isnan(m) or abs(m - b) <= margin)
    winner = "model" if (m > b and not tie) else "baseline"
    return Choice(column, base_col, "AUC", float(m), float(b), winner, tie)


def auc_difference_se(y: np.ndarray, first, second) -> float:
    """Bootstrap (over customers, seeded) standard error of ``AUC(first) - AUC(second)`` on the
    same labels `y` (inf with too few resamples holding both outcomes)."""
    y, first, second = (np.asarray(v, float) for v in (y, first, second))
    rng = np.random.default_rng(0)
    draws = min(len(y), BOOTSTRAP_ROWS)
    diffs = []
    for _ in range(BOOTSTRAP):  # resamples, not rows: 200 AUC pairs
        pick = rng.integers(0, len(y), draws)
        if y[pick].min() == y[pick].max():
            continue
        diffs.append(roc_auc_score(y[pick], first[pick]) - roc_auc_score(y[pick], second[pick]))
    if len(diffs) < 2:
        return float("inf")
    return float(np.std(diffs) * np.sqrt(draws / len(y)))


def choose_within_noise(
    column: str,
    target: str,
    y: np.ndarray,
    model_pred,
    baseline_pred,
    baseline_column=None,
    *,
    z: float = Z_NOISE,
) -> Choice:
    """Compare the model's and the baseline's AUC on the same validation rows; the model is
    kept unless it is lower by more than `z` bootstrap standard errors of the difference
    (:func:`auc_difference_se`). Without both outcomes among the rows the baseline is kept."""
    base_col = baseline_column or BASELINE_COLUMNS[target][0]
    if y.min() == y.max():
        nan = float("nan")
        return Choice(column, base_col, "AUC", nan, nan, "baseline", True)
    m, b = roc_auc_score(y, model_pred), roc_auc_score(y, baseline_pred)
    if m > b:
        return Choice(column, base_col, "AUC", m, b, "model", False)
    noise = auc_difference_se(y, model_pred, baseline_pred)
    if b - m > z * noise:
        return Choice(column, base_col, "AUC", m, b, "baseline", False)
    verdict = f"within noise (difference {m - b:+.3f}, standard error {noise:.3f}) -> model"
    return Choice(column, base_col, "AUC", m, b, "model", False, verdict)

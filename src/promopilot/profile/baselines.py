"""One-feature baselines the window models must beat on the shop's own time split.

Each window model (churn, purchase, expected orders) is compared with a single column mapped
to the same target by isotonic regression: days since the customer's last event or order for
churn and purchase, ``orders_90d`` (orders of the last 90 days: recent activity) for expected
orders. Both are trained one window earlier and scored on the latest window; the model keeps
its column only if it wins by more than :data:`TIE_MARGIN` (a tie goes to the baseline).
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
"""AUC points (or relative deviance for expected orders) within which the two are tied. Churn
uses none: its model is three monotone columns, one of them the baseline's, and need not earn
a premium for being complex; it wins when it scores higher."""

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

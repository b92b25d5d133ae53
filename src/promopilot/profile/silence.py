"""The probability of no order in the churn horizon for customers BG/NBD gives none (no order
yet, or BG/NBD not fitted), measured on the shop's own earlier window.

When the churn window model cannot be fitted (a history shorter than its window),
``churn_risk`` is BG/NBD's probability of no order in the horizon; a customer without an order
(a browser) has none. They get the share of customers who were in their place in the shop's
own past and placed no order after. At the cut ``as_of - h`` (h: the horizon, or half the
history when that is shorter, at least :data:`MIN_WINDOW_DAYS`) the customers seen by then
are split by whether they had ordered; within each group, whether they placed no order in
the h days after the cut is fitted on the log of their days since their last order or event
then (a one-column logistic regression: the longer silent, the likelier silent, or the
reverse if the shop's data says so). A customer now reads that share at their own days since
their last order or event.

When h is shorter than the horizon the share is carried on to it by the simplest curve that
lets some customers never order: a share π who will not order and, for the rest, a constant
daily rate, fitted to S(h/2) and S(h), the shares of the customers at the cut still without an
order h/2 and h days after it (π = (S(h) - S(h/2)^2) / (1 + S(h) - 2 S(h/2)), at least 0; with
u = (S(h/2) - π) / (1 - π) the rest's chance to stay silent h/2 days). A customer whose share
over h is s keeps the same rate and their own π_i = (s - u^2) / (1 - u^2), and reads
π_i + (1 - π_i) u^(2 horizon / h). Measured against the next 180 days
(``bench/churn_short_history.py --uci-days N`` for this curve; the other two below were tried
in a one-off script, not kept): on UCI Online Retail's first 40, 60 and 90 daily files
the customers without an order (returns only) read 32%, 42% and 55% where 44%, 47% and 59%
stayed silent; a constant rate for everyone (π = 0) read 18%, 14% and 25%, and a Weibull curve
through the same two points 18%, 20% and 37%.

The 30-day purchase propensity's fallback is 1 minus the same probability for 30 days.

A group with fewer than :data:`MIN_CUSTOMERS` at the cut takes the pooled fit; with no usable
window at all, everyone gets the share of the shop's customers seen who have no order yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from promopilot.data.queries.profile import silence_reference
from promopilot.data.store import Store

MIN_WINDOW_DAYS = 14
"""The shortest window after the cut that a share of silent customers is measured on."""
MIN_CUSTOMERS = 30
"""Fewest customers at the cut for a group's own fit (else the pooled one)."""


def _recency(table: pd.DataFrame) -> pd.Series:
    """Days since the last order or event (since first seen without either)."""
    nan = pd.Series(np.nan, index=table.index)
    return table.get("days_since_last_event", nan).fillna(table.get("recency_days", nan))


def _silent_share(reference: pd.DataFrame, days: float, recency: np.ndarray) -> np.ndarray:
    """P(no order in `days` after the cut) at each `recency` (days since the last activity),
    fitted on the `reference` customers (one-column logistic on log days; their mean where
    everyone or no one stayed silent)."""
    silent = ~(reference["days_to_order"] < days).to_numpy()
    if silent.all() or not silent.any():
        return np.full(len(recency), float(silent.mean()))
    x = np.log1p(reference["days_silent"].to_numpy(float).clip(min=0.0))[:, None]
    model = LogisticRegression().fit(x, silent)
    return model.predict_proba(np.log1p(recency.clip(min=0.0))[:, None])[:, 1]


def dropout_curve(reference: pd.DataFrame, days: int) -> tuple[float, float]:
    """(π, u): the share of the `reference` customers who will not order and, for the rest,
    the chance to stay silent ``days / 2`` days, from the shares still without an order
    ``days / 2`` and `days` days after the cut (see the module). A rate that does not fall
    (S(days) <= S(days / 2)^2) gives π = 0."""
    after = reference["days_to_order"]
    half, full = (float((~(after < d)).mean()) for d in (days / 2.0, days))
    if half >= 1.0:  # nobody ordered after the cut: all silent
        return 1.0, 1.0
    pi = min(max((full - half * half) / (1.0 + full - 2.0 * half), 0.0), half)
    return pi, (half - pi) / (1.0 - pi)


def carried(share: np.ndarray, reference: pd.DataFrame, days: int, horizon_days: int):
    """P(no order in `horizon_days`) from each `share` of no order in `days` (see the
    module); returns it and the curve's (π, u)."""
    pi, u = dropout_curve(reference, days)
    if u >= 1.0:
        return share, (pi, u)
    own = np.clip((share - u * u) / (1.0 - u * u), 0.0, 1.0)
    return own + (1.0 - own) * u ** (2.0 * horizon_days / days), (pi, u)


def window_days(store: Store, as_of: pd.Timestamp, horizon_days: int) -> int | None:
    """The window after the cut: the horizon, or half the history before `as_of` when that
    is shorter; None when under :data:`MIN_WINDOW_DAYS` (or no dated activity)."""
    first, _ = store.date_range()
    if first is None:
        return None
    days = int(min(horizon_days, (as_of - first) / pd.Timedelta(days=2)))
    return days if days >= MIN_WINDOW_DAYS else None


def no_order_probability(
    store: Store, as_of: pd.Timestamp, table: pd.DataFrame, horizon_days: int
) -> tuple[pd.Series, str]:
    """P(no order in `horizon_days`) for every row of `table` (profile columns
    ``days_since_last_event``/``recency_days`` and ``frequency``), from the shop's own
    earlier window (see the module); returns it and a few words saying how it was measured."""
    recency = _recency(table).fillna(0.0).to_numpy(float)
    bought = (table.get("frequency", pd.Series(0, index=table.index)).fillna(0) > 0).to_numpy()
    days = window_days(store, as_of, horizon_days)
    reference = silence_reference(store, store.shop_days(as_of, -days), as_of) if days else None
    if reference is None or len(reference) < MIN_CUSTOMERS:
        share = float((~bought).mean()) if len(bought) else 1.0
        return pd.Series(share, index=table.index), (
            "the share of customers seen with no order yet (too short a history to measure)"
        )
    out = _silent_share(reference, days, recency)
    for group in (True, False):
        mine = reference[reference["bought"] == group]
        rows = bought == group
        if len(mine) >= MIN_CUSTOMERS and rows.any():
            out[rows] = _silent_share(mine, days, recency[rows])
    how = (
        f"the share of the customers as long silent {days} days ago who placed no order in "
        f"the {days} days after"
    )
    if days < horizon_days:
        out, (pi, _) = carried(np.clip(out, 0.0, 1.0), reference, days, horizon_days)
        how += (
            f", carried to {horizon_days} days as silence grew in that window "
            f"({pi:.0%} never ordering, a constant rate for the rest)"
        )
    return pd.Series(np.clip(out, 0.0, 1.0), index=table.index), how

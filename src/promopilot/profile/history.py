"""The rows a window model learns from: customers with history, and their activity in the label
window; checked once for the three models that learn from them (window, churn, baseline)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError


def history_rows(
    features: pd.DataFrame, window_activity: pd.Series, *, required: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, np.ndarray]:
    """The customers of `features` with history (``tenure_days > 0``) and each one's activity
    (orders or events) in the window, 0 for none. A customer listed twice in the window's
    activity counts once with the sum.

    Raises
    ------
    InputError
        `features` is not a table, `window_activity` is not indexed by customer id (a
        Series or a mapping), a column the model needs is missing, or `features` lists a
        customer twice.
    """
    if not isinstance(features, pd.DataFrame):
        raise InputError(
            f"the feature table must be a pandas DataFrame, got {type(features).__name__}"
        )
    if isinstance(window_activity, Mapping):
        window_activity = pd.Series(window_activity, dtype=float)
    if not isinstance(window_activity, pd.Series):
        # a list or an array has no customer ids: row i would be matched to no one
        raise InputError(
            "the window's activity must be a pandas Series (or a mapping) of counts indexed "
            f"by customer_id, got {type(window_activity).__name__}"
        )
    needed = ("customer_id", "tenure_days", *required)
    missing = [c for c in needed if c not in features.columns]
    if missing:
        raise InputError(
            f"the feature table lacks {noun_for(len(missing), 'column')} {', '.join(missing)}"
        )
    twice = features["customer_id"].duplicated()
    if twice.any():
        raise InputError(
            f"the feature table lists {counted(int(twice.sum()), 'customer')} more than once, e.g. "
            f"{features.loc[twice, 'customer_id'].iloc[0]!r}: one row per customer"
        )
    activity = pd.Series(window_activity)
    if not activity.index.is_unique:
        activity = activity.groupby(level=0).sum()
    with_history = features[features["tenure_days"] > 0]
    counts = with_history["customer_id"].map(activity).fillna(0).to_numpy(dtype=float)
    return with_history, counts


def prediction_table(features: pd.DataFrame, columns: tuple[str, ...], model: str) -> None:
    """Check the table a fitted model predicts for: a DataFrame holding `columns`.

    Raises
    ------
    InputError
        `features` is not a table, or lacks a column the `model` was fitted on.
    """
    if not isinstance(features, pd.DataFrame):
        raise InputError(
            f"features must be a feature table (pandas DataFrame), got {type(features).__name__}"
        )
    missing = [c for c in columns if c not in features.columns]
    if missing:
        raise InputError(
            f"the feature table lacks {counted(len(missing), 'column')} the {model} was fitted on: "
            f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}"
        )

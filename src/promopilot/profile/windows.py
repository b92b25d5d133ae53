"""Training tables of the window models (churn, purchase, expected orders), read from the store.

A :class:`~promopilot.profile.models.WindowModel` learns from a feature table as of one date
and the orders of the ``horizon_days`` after it; :func:`fit_window_model` reads both for the
window that ends at ``as_of`` (and, to validate, for the window before it) and fits the model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import clone

from promopilot.data.queries.profile import activity_between, events_between, orders_between
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError
from promopilot.profile.baselines import (
    TIE_MARGIN,
    BaselineModel,
    Choice,
    choose,
    choose_within_noise,
)
from promopilot.profile.churn import ChurnModel
from promopilot.profile.models import Evaluation, WindowModel, evaluate_probabilities

CHURN_RECENT_DAYS = 180
"""Churn is validated among the customers seen in the 180 days before the window: customers
gone for longer are told apart by any column, and would make every AUC look alike."""

FeatureFn = Callable[[Store, pd.Timestamp], pd.DataFrame]


def purchases_between(store: Store, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Distinct orders per customer with start <= timestamp < end (returns excluded)."""
    return orders_between(store, start, end).set_index("customer_id")["n"]


def window_tables(
    store: Store,
    feature_fn: FeatureFn,
    at: pd.Timestamp,
    horizon_days: int,
    activity: str = "orders",
) -> tuple[pd.DataFrame, pd.Series]:
    """Features as of `at` and the orders per customer in the `horizon_days` after it (with
    ``activity="events"``, for a shop without orders: the events; ``"any"``: orders and
    events together)."""
    features = feature_fn(store, at)
    end = store.shop_days(at, horizon_days)
    if activity == "orders":
        return features, purchases_between(store, at, end)
    if activity == "events":
        return features, events_between(store, at, end).set_index("customer_id")["n"]
    return features, activity_between(store, at, end).set_index("customer_id")["n"]


def predicted_value(model: WindowModel | ChurnModel, features: pd.DataFrame) -> np.ndarray:
    """What the profile keeps of a fitted model, one value per row: the probability of the
    target event (``predict_proba(features)[:, 1]``), or the expected orders (``predict``)
    of the orders model."""
    if model.target == "orders":
        return model.predict(features)
    return model.predict_proba(features)[:, 1]


def fit_window_model(
    store: Store,
    model: WindowModel,
    *,
    as_of: pd.Timestamp | str,
    feature_fn: FeatureFn,
    validate: bool = True,
) -> tuple[WindowModel, Evaluation | None]:
    """Fit `model` on the last full window before `as_of`: features as of
    ``as_of - horizon_days`` labelled with the orders up to `as_of`. With `validate`, also
    read the window before that and return how a model trained there scores on the last one
    (:meth:`WindowModel.backtest`; None for the orders model or too little history)."""
    as_of = store.as_of(as_of)
    start, earlier_start = (store.shop_days(as_of, -k * model.horizon_days) for k in (1, 2))
    features, orders = window_tables(store, feature_fn, start, model.horizon_days)
    model.fit(features, orders, window_start=store.local_time(start))  # the shop's date
    evaluation = None
    if validate and model.target != "orders":
        earlier, earlier_orders = window_tables(
            store, feature_fn, earlier_start, model.horizon_days
        )
        evaluation = model.backtest(earlier, earlier_orders, features, orders)
    return model, evaluation


def fit_with_baseline(
    store: Store,
    model: WindowModel | ChurnModel,
    *,
    as_of: pd.Timestamp | str,
    feature_fn: FeatureFn,
    column: str,
    activity: str = "orders",
) -> tuple[WindowModel | ChurnModel, BaselineModel, Evaluation | None, Choice | None]:
    """:func:`fit_window_model` plus its one-column baseline (:mod:`.baselines`): both are
    trained on the window before the last and scored on the last; the returned
    :class:`Choice` says which the profile uses (None when there is too little history for
    the comparison: the model is then kept). The baseline is refitted on the last window.
    `activity` is what labels the windows: ``"orders"``, ``"events"`` for a shop without
    orders (churn = no event in the window) or ``"any"`` (orders and events). Churn is scored
    among the customers seen in the :data:`CHURN_RECENT_DAYS` before the window."""
    as_of = store.as_of(as_of)
    start, earlier_start = (store.shop_days(as_of, -k * model.horizon_days) for k in (1, 2))
    features, orders = window_tables(store, feature_fn, start, model.horizon_days, activity)
    model.fit(features, orders, window_start=store.local_time(start))  # the shop's date
    base_column = "events_90d" if (activity == "events" and model.target == "orders") else None
    baseline = BaselineModel(model.target, model.horizon_days, base_column)
    baseline.fit(features, orders)
    earlier, earlier_orders = window_tables(
        store, feature_fn, earlier_start, model.horizon_days, activity
    )
    try:
        old = clone(model).fit(earlier, earlier_orders)
    except NotEnoughDataError:
        return model, baseline, None, None
    old_base = BaselineModel(model.target, model.horizon_days, base_column)
    old_base.fit(earlier, earlier_orders)
    scored = features[features["tenure_days"] > 0]
    if model.target == "churn":  # churn that matters: customers seen in the last 180 days
        scored = scored[scored["days_since_last_event"] <= CHURN_RECENT_DAYS]
    y = old_base.labels(scored, orders)
    predicted = predicted_value(old, scored)
    evaluation = None
    if model.target != "orders" and 0 < y.mean() < 1:
        evaluation = evaluate_probabilities(y, predicted)
    if isinstance(model, ChurnModel):  # half recency already: kept unless worse beyond noise
        choice = choose_within_noise(
            column, model.target, y, predicted, old_base.predict(scored), old_base.column_
        )
    else:
        choice = choose(
            column,
            model.target,
            y,
            predicted,
            old_base.predict(scored),
            old_base.column_,
            margin=TIE_MARGIN,
        )
    return model, baseline, evaluation, choice

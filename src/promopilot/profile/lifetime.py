"""The profile's lifetime-value columns: BG/NBD and Gamma-Gamma fitted on a shop's orders.

:func:`clv_columns` reads the order summary from the store and hands it to
:func:`clv_from_summary`, which fits the models on the table alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from promopilot.data.queries.profile import order_day_summary
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.profile.bgnbd import _p_alive
from promopilot.profile.clv import (
    DAYS_PER_MONTH,
    BetaGeoModel,
    GammaGammaModel,
    customer_lifetime_value,
)

CLV_FIT_CUSTOMERS = 200_000
"""Above this many buyers, BG/NBD and Gamma-Gamma (4 and 3 parameters) are fitted on a random
sample of this many (seeded) and applied to everyone."""
CLV_COLUMNS = ["p_alive", "expected_purchases_90d", "clv_12m"]
NO_ORDER_DAYS = 180
"""The horizon of :data:`NO_ORDER_COLUMN` (the churn horizon of the profile)."""
NO_ORDER_COLUMN = "bgnbd_no_order_180d"
"""P(no order in the next :data:`NO_ORDER_DAYS` days) under BG/NBD: the churn fallback's
value (:func:`~promopilot.profile.fallbacks.model_fallback`), not a profile column."""


def probability_no_purchase(bg: BetaGeoModel, t: float, x, tx, big_t) -> np.ndarray:
    """P(no purchase in ``(T, T + t]`` | history) under a fitted BG/NBD: the customer is gone
    (1 - p_alive), or alive with a purchase rate whose posterior is Gamma(r + x, alpha + T) and
    makes no purchase in ``t`` days: ``1 - p_alive (1 - ((alpha + T) / (alpha + T + t))^(r + x))``.
    Unlike 1 - p_alive it is not 0 for a customer without repeat purchases (BG/NBD deems them
    alive) nor for everyone when a short history shows no dropout (p_alive 1 throughout)."""
    p = bg.params_
    alive = _p_alive(x, tx, big_t, p["r"], p["alpha"], p["a"], p["b"])
    scale = p["alpha"] + np.asarray(big_t, float)
    silent = np.exp((p["r"] + np.asarray(x, float)) * (np.log(scale) - np.log(scale + t)))
    return np.clip(1.0 - alive * (1.0 - silent), 0.0, 1.0)


def rfm_summary(store: Store, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    """Frequency, recency, T and monetary value in days, as
    :func:`~promopilot.profile.clv.summary_from_transactions` gives them for the net value of
    the orders (returns excluded) of `customers` before `as_of`, the period ending the day
    before `as_of`; computed in SQL. Indexed by customer id, sorted."""
    return order_day_summary(store, customers.to_numpy(), as_of).set_index("customer_id")


def clv_columns(
    store: Store,
    customers: pd.Index,
    as_of: pd.Timestamp,
    *,
    max_fit_customers: int | None = CLV_FIT_CUSTOMERS,
    random_state: int = 0,
) -> tuple[pd.DataFrame, list[str]]:
    """p_alive, expected purchases in 90 days (BG/NBD) and 12-month CLV (Gamma-Gamma spend),
    in days, for `customers` as of `as_of`, with notes on what could not be computed. Only
    the orders of `customers` are read; see :func:`clv_from_summary`."""
    summary = rfm_summary(store, customers, as_of)
    return clv_from_summary(
        summary, customers, max_fit_customers=max_fit_customers, random_state=random_state
    )


def clv_from_summary(
    summary: pd.DataFrame,
    customers: pd.Index,
    *,
    max_fit_customers: int | None = CLV_FIT_CUSTOMERS,
    random_state: int = 0,
) -> tuple[pd.DataFrame, list[str]]:
    """The CLV columns of `customers` from their order summary (:func:`rfm_summary`).

    Customers without orders (absent from `summary`) get missing values. With more buyers
    than `max_fit_customers`, the models are fitted on a random sample of that many and
    applied to all.

    BLAS runs on one thread here: the likelihoods make thousands of small dot products, and
    on a busy two-core machine OpenBLAS threads that spin while they wait for each other made
    the fits ten times slower."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _clv_from_summary(summary, customers, max_fit_customers, random_state)


def _clv_from_summary(
    summary: pd.DataFrame,
    customers: pd.Index,
    max_fit_customers: int | None,
    random_state: int,
) -> tuple[pd.DataFrame, list[str]]:
    out = pd.DataFrame(index=customers, columns=CLV_COLUMNS, dtype=float)
    if summary.empty:
        return out, ["no orders: CLV not computed"]
    f, r, T = (
        summary["frequency"].to_numpy(),
        summary["recency"].to_numpy(),
        summary["T"].to_numpy(),
    )
    m = summary["monetary_value"].to_numpy()
    fit = slice(None)
    if max_fit_customers is not None and len(summary) > max_fit_customers:
        rng = np.random.default_rng(random_state)
        fit = np.sort(rng.choice(len(summary), size=max_fit_customers, replace=False))
    notes = []
    idx = summary.index
    m = np.maximum(np.nan_to_num(m, nan=0.0), 0.0)
    first = (
        np.maximum(np.nan_to_num(summary["first_value"].to_numpy(), nan=0.0), 0.0)
        if ("first_value" in summary)
        else m
    )
    # a customer's own mean net order value (first order included), the fallback's value
    own_value = np.where(f > 0, (first + f * m) / (f + 1.0), first)
    try:
        bg = BetaGeoModel().fit(f[fit], r[fit], T[fit])
    except (NotEnoughDataError, InputError) as why:
        rate = (f + 1.0) / np.maximum(T, 30.0)  # own orders per day, at least a month observed
        out.loc[idx, "p_alive"] = np.nan
        out.loc[idx, "expected_purchases_90d"] = rate * 90.0
        out.loc[idx, "clv_12m"] = rate * _discounted_days(365.0) * own_value
        return out, [
            f"BG/NBD not fitted ({why}): expected purchases and 12-month CLV are the "
            "customer's own order rate x horizon x own net order value (fallback)"
        ]
    out.loc[idx, "p_alive"] = bg.probability_alive(f, r, T)
    out.loc[idx, NO_ORDER_COLUMN] = probability_no_purchase(bg, NO_ORDER_DAYS, f, r, T)
    out.loc[idx, "expected_purchases_90d"] = bg.expected_purchases(90.0, f, r, T)
    try:
        repeat = f[fit] > 0
        gg = GammaGammaModel().fit(f[fit][repeat], m[fit][repeat])
        out.loc[idx, "clv_12m"] = customer_lifetime_value(bg, gg, f, r, T, m, horizon_days=365.0)
    except (NotEnoughDataError, InputError) as why:
        value = np.where(own_value > 0, own_value, float(np.mean(own_value)))
        out.loc[idx, "clv_12m"] = customer_lifetime_value_units(bg, f, r, T) * value
        notes.append(
            f"Gamma-Gamma not fitted ({why}): 12-month CLV values the BG/NBD purchases at the "
            "customer's own net order value (fallback)"
        )
    return out, notes


def _discounted_days(horizon_days: float, discount_rate: float = 0.01) -> float:
    """Days of the horizon, each month weighted by its discount factor (as in the CLV)."""
    months = np.arange(1, int(np.ceil(horizon_days / DAYS_PER_MONTH)) + 1)
    lengths = np.minimum(DAYS_PER_MONTH, horizon_days - (months - 1) * DAYS_PER_MONTH)
    return float(np.sum(lengths * (1.0 + discount_rate) ** -months.astype(float)))


def customer_lifetime_value_units(bg: BetaGeoModel, f, r, T, horizon_days: float = 365.0):
    """Discounted expected purchases over the horizon (the CLV with a value of 1 each)."""
    ends = np.minimum(
        np.arange(1, int(np.ceil(horizon_days / DAYS_PER_MONTH)) + 1) * DAYS_PER_MONTH, horizon_days
    )
    cum = bg.expected_purchases(ends[:, None], f, r, T)
    per_month = np.diff(np.vstack([np.zeros((1, cum.shape[1])), cum]), axis=0)
    factors = (1.01 ** -np.arange(1, len(ends) + 1, dtype=float))[:, None]
    return (per_month * factors).sum(axis=0)

"""The cost forecast moved to the plan date: the policy's purchase rates checked on the latest
days.

A policy learns its purchase rates in past campaign windows, often weeks or months before the
plan: customers churn, new ones arrive, a season turns. Only the response models see some of
that, through features as of the plan date; the binned policies see none of it. On the
:data:`window <promopilot.config.Settings.campaign_window_days>` just before the plan date
nobody was sent an offer by this plan, so the policy's no-offer purchase probability, from
features as of that window's start, can be compared with who really bought in it. Customers sent
a campaign in that window or the one before are left out (their purchases were moved by it),
and so are windows that hold the shop's sale days (a sale is not the days to come).

    factor = (bought + PRIOR) / (forecast + PRIOR),   within LIMITS

scales the plan's cost forecast: an offer is redeemed only by a customer who buys. In the
synthetic training worlds of ``bench/worlds.py`` (seeds 1, 4, 5, 7, 8, 10, 11, 13, 20,000
customers) the true purchase probability of the past campaign's customers with no offer was
5-9% lower at the plan date than in the campaign's window two months before. On the training
worlds that target at that size (8, 11, 13, 27, 32, 35), true cost / budget with this factor
and the per-offer out-of-fold ratios was 0.92, 0.90, 1.12, 0.75, 1.16, 0.93 (0.80, 0.77, 1.12,
0.75, 1.22, 0.89 without the factor); the oracle spends 0.61 in 27.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.data.queries.offers import buyer_ids_between, contacted_ids_between
from promopilot.data.store import Store, local_text
from promopilot.offers.inputs import customer_value_inputs
from promopilot.profile.features import sale_days

PRIOR = 20.0
"""Purchases assumed to have come as forecast: shrinks the factor of a small shop toward 1."""
LIMITS = (0.5, 2.0)
MIN_CUSTOMERS = 200


@dataclass(frozen=True)
class RecentCheck:
    """Who bought in the window before the plan date, next to the policy's forecast for them."""

    factor: float  # the cost forecast's scale
    bought: int  # customers who bought in the window
    forecast: float  # the policy's expected buyers among them (no offer)
    customers: int  # customers compared (seen before the window, not sent a campaign)
    start: pd.Timestamp  # stored (UTC) times
    end: pd.Timestamp
    timezone: str = "UTC"  # the shop's: the window is shown in it

    def line(self) -> str:
        start, end = local_text(self.start, self.timezone), local_text(self.end, self.timezone)
        return (
            f"recent purchases: {self.bought:,} of {self.customers:,} customers bought between "
            f"{start} and {end} where the policy expected "
            f"{self.forecast:,.0f}: the cost forecast is scaled by {self.factor:.2f}"
        )


def recent_check(
    store: Store,
    policy,
    feature_fn: Callable[[Store, pd.Timestamp], pd.DataFrame],
    offers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_days: int,
    default_margin: float,
    confidence: float,
    scale: np.ndarray | None = None,
) -> RecentCheck | None:
    """Compare `policy` (a :class:`~promopilot.offers.policies.FittedPolicy`) with the window
    of `window_days` before `as_of`. None when the window holds sale days, or fewer than
    :data:`MIN_CUSTOMERS` customers were seen before it and not sent a campaign since
    ``start - window_days``."""
    end = pd.Timestamp(as_of)
    start = store.shop_days(end, -int(window_days))
    days = sale_days(store, as_of=end)
    if ((days >= start) & (days < end)).any():
        return None
    features = feature_fn(store, start)
    contacted = set(contacted_ids_between(store, store.shop_days(start, -window_days), end))
    ids = features["customer_id"].astype(str)
    keep = ~ids.isin(contacted).to_numpy()
    if keep.sum() < MIN_CUSTOMERS:
        return None
    features = features.loc[keep].reset_index(drop=True)
    ids = ids[keep].reset_index(drop=True)
    inputs = customer_value_inputs(store, as_of=start, default_margin=default_margin)
    inputs = inputs.set_index("customer_id").reindex(ids.to_numpy()).reset_index()
    econ, *_ = policy.economics(
        features,
        inputs,
        offers,
        default_margin=default_margin,
        confidence=confidence,
        scale=scale,
    )
    p_none = econ.drop_duplicates("customer_id")["p_buy_none"].to_numpy(dtype=float)
    forecast = float(np.nansum(p_none))
    bought = int(ids.isin(set(buyer_ids_between(store, start, end).astype(str))).sum())
    factor = float(np.clip((bought + PRIOR) / (forecast + PRIOR), *LIMITS))
    return RecentCheck(factor, bought, forecast, int(keep.sum()), start, end, store.timezone)

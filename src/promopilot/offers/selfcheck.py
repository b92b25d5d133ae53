"""A plan checks itself before anyone is targeted: its policy's incremental profit, out of fold.

On the shop's own randomized campaign logs, the customers are split into K folds. For each
fold the response model is fitted on the other K−1 folds, the held-out customers get offers
with the plan's own economics (expected profit, lower bound above zero, the budget's share for
that many customers), and the pooled out-of-fold policy is evaluated with the doubly robust
estimator of :func:`promopilot.campaigns.ope.off_policy_value` (per-customer influence values,
a normal interval). The plan targets only when the interval's lower end is above zero.

A row's profit in the logs is ``margin × window revenue − discount given``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, CampaignData
from promopilot.campaigns.ope import off_policy_value
from promopilot.data.store import Store
from promopilot.offers.assignment import assign_offers
from promopilot.offers.economics import offer_economics, offer_terms
from promopilot.offers.inputs import customer_value_inputs, model_matrix
from promopilot.offers.randomization import hashed_uniform
from promopilot.offers.response import fit_response_model, predict_purchase

# pre-period columns the doubly robust outcome model uses, where the features have them
OUTCOME_FEATURES = ("monetary", "frequency", "recency_days")


@dataclass(frozen=True)
class SelfCheck:
    """The plan's policy, evaluated out of fold on past randomized campaigns."""

    per_customer: float  # DR estimate of incremental profit per customer
    low: float
    high: float
    customers: int  # campaign exposures evaluated
    policy_sends: int  # of them, how many the out-of-fold policy would send an offer
    confidence: float

    @property
    def passes(self) -> bool:
        return self.low > 0

    def scaled(self, n: int) -> tuple[float, float, float]:
        """Estimate and interval for a plan over `n` customers."""
        return self.per_customer * n, self.low * n, self.high * n


def _subset(data: CampaignData, rows: np.ndarray) -> CampaignData:
    def pick(a):
        return None if a is None else a[rows]

    return CampaignData(
        X=data.X.iloc[rows].reset_index(drop=True),
        treatment=data.treatment[rows],
        propensity=data.propensity[rows],
        bought=data.bought[rows],
        revenue=data.revenue[rows],
        campaign_id=data.campaign_id[rows],
        customer_id=data.customer_id[rows],
        discount=pick(data.discount),
        campaign_start=pick(data.campaign_start),
    )


def _inputs_at_campaigns(
    store: Store, data: CampaignData, default_margin: float, plan_as_of: pd.Timestamp
) -> pd.DataFrame:
    """Economics inputs per exposure row, as of its campaign's start (the plan date without)."""
    ids = data.customer_id.astype(str)
    starts = (
        data.campaign_start
        if data.campaign_start is not None
        else np.full(data.n, np.datetime64(plan_as_of))
    )
    parts = []
    for start in np.unique(starts):
        here = np.flatnonzero(starts == start)
        inputs = customer_value_inputs(
            store, as_of=pd.Timestamp(start), default_margin=default_margin
        ).set_index("customer_id")
        parts.append(inputs.reindex(ids[here]).set_axis(here))
    out = pd.concat(parts).sort_index()
    share = [c for c in out.columns if c.startswith(("share_", "item_value_"))]
    out[share] = out[share].fillna(0.0)
    return out.reset_index(drop=True).assign(customer_id=ids)


def cross_fitted_check(
    store: Store,
    data: CampaignData,
    offers: pd.DataFrame,
    *,
    budget_per_customer: float,
    default_margin: float,
    confidence: float,
    as_of: pd.Timestamp,
    scale: np.ndarray | None = None,
    n_folds: int = 3,
    n_bootstrap: int = 5,
    random_state: int = 0,
    do_no_harm: bool = True,
    progress: Callable[[str], None] | None = None,
) -> SelfCheck:
    """See the module docstring. `budget_per_customer` is the plan's budget over its
    customers: each held-out fold gets that much per exposure."""
    tell = progress or (lambda _: None)
    fold = (hashed_uniform(data.customer_id.astype(str), "selfcheck") * n_folds).astype(int)
    inputs = _inputs_at_campaigns(store, data, default_margin, as_of)
    policy = np.full(data.n, CONTROL, dtype=object)
    X_all = model_matrix(data.X)
    for k in range(n_folds):
        tell(f"self-check fold {k + 1} of {n_folds}")
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if not len(test):
            continue
        model, _, _ = fit_response_model(
            _subset(data, train),
            random_state=random_state,
            n_bootstrap=n_bootstrap,
            select=False,
            calibrate=True,
        )
        known = [o for o in offers["offer_id"] if o in model.treatments_]
        if not known:
            continue
        these = offers[offers["offer_id"].isin(known)].reset_index(drop=True)
        p_buy, p_draws, arm_order = predict_purchase(model, X_all.iloc[test])
        take = [0] + [1 + arm_order.index(o) for o in these["offer_id"]]
        p_buy = p_buy[:, take]
        p_draws = None if p_draws is None else p_draws[:, :, take]
        rows_in = inputs.iloc[test].reset_index(drop=True)
        rows_in["customer_id"] = np.arange(len(test)).astype(str)  # one row per exposure
        sub_scale = None
        if scale is not None:
            sub_scale = np.asarray(scale)[offers["offer_id"].isin(known).to_numpy()]
        terms = offer_terms(these, rows_in, default_margin, sub_scale)
        econ = offer_economics(
            p_buy,
            p_draws,
            these,
            rows_in,
            default_margin=default_margin,
            confidence=confidence,
            terms=terms,
        )
        chosen = assign_offers(econ, budget=budget_per_customer * len(test), do_no_harm=do_no_harm)
        rows = test[chosen["customer_id"].astype(int).to_numpy()]
        policy[rows] = chosen["offer_id"].to_numpy(dtype=object)
    margin = inputs["margin_rate"].fillna(default_margin).to_numpy(dtype=float)
    discount = np.zeros(data.n) if data.discount is None else data.discount
    columns = [c for c in OUTCOME_FEATURES if c in data.X] or list(X_all.columns[:3])
    frame = pd.DataFrame(
        {f"f{i}": X_all[c].fillna(0.0).to_numpy() for i, c in enumerate(columns)}
    ).assign(
        arm=data.treatment,
        propensity=data.propensity,
        profit=margin * data.revenue - discount,
    )
    tell("self-check: doubly robust estimate")
    value = off_policy_value(
        frame,
        policy,
        confidence=confidence,
        features=tuple(f"f{i}" for i in range(len(columns))),
        outcome="profit",
        random_state=random_state,
    )
    est = value["incremental_profit_per_customer"]
    return SelfCheck(
        per_customer=float(est["estimate"]),
        low=float(est["low"]),
        high=float(est["high"]),
        customers=int(value["customers"]),
        policy_sends=int(value["policy_sends"]),
        confidence=confidence,
    )

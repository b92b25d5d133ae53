"""The policies a plan chooses among, each turned into expected profit and cost per customer x
offer (the frame :func:`promopilot.offers.assignment.assign_offers` fills the budget from).

- response models (``pooled-x``, ``t-learner``): P(buy | customer, arm) learned from the past
  campaigns, valued with the offer terms (:mod:`promopilot.offers.economics`);
- ``one column``: the profit effect of each offer by quartile of the one response column that
  separates it best on the training rows (:class:`promopilot.uplift.binned.BinnedUplift`);
- ``everyone``: each offer's average profit effect, the same for every customer.

The binned policies learn the profit of the campaign window (a purchase worth the customer's
usual basket × margin, less the discount given: :func:`log_values`); their cost is the discount
the offer's past receivers were given. The plan's self-check
(:mod:`promopilot.offers.selfcheck`) values every candidate out of fold and the plan uses the
best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, CampaignData
from promopilot.data.store import Store
from promopilot.offers.economics import offer_economics, offer_terms
from promopilot.offers.inputs import customer_value_inputs, model_matrix
from promopilot.offers.response import RESPONSE_FEATURES, fit_response_model, predict_purchase
from promopilot.uplift.binned import BinnedUplift

MODEL_CANDIDATES = ("pooled-x", "t-learner")
ONE_COLUMN, EVERYONE = "one column", "everyone"
CANDIDATES = (*MODEL_CANDIDATES, ONE_COLUMN, EVERYONE)


@dataclass
class LogValues:
    """Per exposure of the past campaigns: economics inputs as of the campaign's start, the
    profit of its window (``margin × revenue − discount``) and the discount given."""

    inputs: pd.DataFrame
    profit: np.ndarray
    discount: np.ndarray


def log_values(
    store: Store,
    data: CampaignData,
    offers: pd.DataFrame,
    default_margin: float,
    plan_as_of: pd.Timestamp,
) -> LogValues:
    """Economics inputs per exposure row as of its campaign's start (the plan date without),
    and the row's window profit and discount given. The profit of a purchase is ``margin ×
    the customer's usual basket − discount given`` (their basket value as of the campaign,
    the shop's mean without one). Order lines do not record a free-shipping offer's cost: a
    buyer who got one is counted as given its value (the shipping fee), with a min_spend
    (满99包邮) only one whose window spend reached it."""
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
    out = out.reset_index(drop=True).assign(customer_id=ids)
    margin = out["margin_rate"].fillna(default_margin).to_numpy(dtype=float)
    discount = np.zeros(data.n) if data.discount is None else np.asarray(data.discount, float)
    free = offers.loc[offers["kind"] == "free_shipping"].set_index("offer_id")
    treatment = pd.Series(data.treatment)
    shipping = treatment.map(free["value"]).fillna(0.0).to_numpy(dtype=float)
    least = treatment.map(free["min_spend"].fillna(0.0)).fillna(0.0).to_numpy(dtype=float)
    reached = (least <= 0) | (np.asarray(data.revenue, dtype=float) >= least)
    discount = discount + shipping * ((data.bought > 0) & reached)
    basket = out["basket_value"].to_numpy(dtype=float)
    usual = np.nanmean(basket) if np.isfinite(basket).any() else 0.0
    basket = np.where(np.isfinite(basket), basket, usual)
    # a purchase is worth the customer's usual basket: the window's own basket sizes vary
    # far more between customers than offers move them, and would drown every effect
    profit = margin * basket * (data.bought > 0) - discount
    return LogValues(inputs=out, profit=profit, discount=discount)


def best_column(
    X: pd.DataFrame, profit: np.ndarray, treatment: np.ndarray, propensity: np.ndarray
) -> str | None:
    """The response column whose quartiles separate the offers' profit effects the most on
    these rows: the most summed positive best effect, beyond what one bin for everyone gets."""
    best, best_value = None, 0.0
    flat = BinnedUplift(None, control=CONTROL).fit(X, profit, treatment, propensity=propensity)
    floor = float(np.maximum(flat.predict(X.iloc[:1]).max(), 0.0)) * len(X)
    for column in (c for c in RESPONSE_FEATURES if c in X):
        if X[column].nunique() < 2:
            continue
        model = BinnedUplift(column, control=CONTROL)
        model.fit(X, profit, treatment, propensity=propensity)
        value = float(np.maximum(model.predict(X).max(axis=1), 0.0).sum()) - floor
        if value > best_value:
            best, best_value = column, value
    return best


class FittedPolicy:
    """One candidate fitted on past-campaign rows; :meth:`economics` values it for customers."""

    def __init__(
        self,
        name: str,
        *,
        model=None,
        columns: list[str] | None = None,
        binned: tuple | None = None,
        label: str = "",
    ) -> None:
        self.name = name
        self.model = model  # a fitted response model ...
        self.columns = columns  # ... and its model-matrix columns
        self.binned = binned  # or (profit, discount, bought) BinnedUplift models
        self.label = label or name

    @property
    def treatments(self) -> list[str]:
        source = self.model if self.model is not None else self.binned[0]
        return list(source.treatments_)

    def economics(
        self,
        features: pd.DataFrame,
        inputs: pd.DataFrame,
        offers: pd.DataFrame,
        *,
        default_margin: float,
        confidence: float,
        scale: np.ndarray | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None, object]:
        """Expected profit and cost per customer x offer for the offers this policy knows:
        (econ, offers known, bootstrap draws of P(buy) or None, the offer terms or None).
        `features` are the customers' features (a model matrix is made of them), `inputs`
        their economics inputs, row for row."""
        known = offers["offer_id"].isin(self.treatments).to_numpy()
        these = offers[known].reset_index(drop=True)
        X = model_matrix(features)
        if self.model is not None:
            X = X.reindex(columns=self.columns)
            p_buy, p_draws, arm_order = predict_purchase(self.model, X)
            take = [0] + [1 + arm_order.index(o) for o in these["offer_id"]]
            p_buy = p_buy[:, take]
            p_draws = None if p_draws is None else p_draws[:, :, take]
            sub_scale = None if scale is None else np.asarray(scale)[known]
            terms = offer_terms(these, inputs, default_margin, sub_scale)
            econ = offer_economics(
                p_buy,
                p_draws,
                these,
                inputs,
                default_margin=default_margin,
                confidence=confidence,
                terms=terms,
            )
            return econ, these, p_draws, terms
        profit_m, discount_m, bought_m = self.binned
        order = [self.treatments.index(o) for o in these["offer_id"]]
        gain = profit_m.predict(X)[:, order] - these["send_cost"].to_numpy(dtype=float)[None, :]
        # the discount the offer's receivers were given (what the shop pays for it, as the
        # budget counts it; the profit above is net of what the control arm got anyway)
        cost = np.clip(discount_m.predict_outcome(X)[:, 1:][:, order], 0.0, None)
        p = np.clip(bought_m.predict_outcome(X), 0.0, 1.0)
        n, k = gain.shape
        econ = pd.DataFrame(
            {
                "customer_id": np.repeat(inputs["customer_id"].to_numpy(), k),
                "offer_id": np.tile(these["offer_id"].to_numpy(), n),
                "p_buy_none": np.repeat(p[:, 0], k),
                "p_buy": p[:, 1:][:, order].ravel(),
                "expected_revenue": np.nan,
                "expected_cost": cost.ravel(),
                "expected_incremental_profit": gain.ravel(),
                "profit_lower": gain.ravel(),
                "profit_std": 0.0,
            }
        )
        return econ, these, None, None


def fit_policy(
    name: str,
    data: CampaignData,
    values: LogValues,
    *,
    random_state: int,
    n_bootstrap: int = 0,
) -> FittedPolicy:
    """Fit candidate `name` (one of :data:`CANDIDATES`, or any response model of
    :func:`promopilot.offers.response.response_candidates`) on past-campaign rows."""
    X = model_matrix(data.X)
    if name not in (ONE_COLUMN, EVERYONE):
        model, _, _ = fit_response_model(
            data, random_state=random_state, n_bootstrap=n_bootstrap, select=name
        )
        return FittedPolicy(name, model=model, columns=list(X.columns))
    column = None
    if name == ONE_COLUMN:
        column = best_column(X, values.profit, data.treatment, data.propensity)
    models = tuple(
        BinnedUplift(column, control=CONTROL).fit(X, y, data.treatment, propensity=data.propensity)
        for y in (values.profit, values.discount, data.bought)
    )
    label = f"one column: {column}" if column else EVERYONE
    return FittedPolicy(name, binned=models, label=label)

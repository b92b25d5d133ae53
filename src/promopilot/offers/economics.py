"""Offer economics: what sending an offer to a customer is expected to earn and cost.

``profit = P(buy|offer)·(revenue·margin − discount) − P(buy|none)·basket·margin − send_cost``

The offer's terms (:func:`offer_terms`) turn a customer's usual basket, margin and category
shares into the revenue and discount of a purchase with the offer; past redemptions correct
each offer's discount (:func:`redemption_scale`); purchase probabilities from the response
model, with their bootstrap draws, give the expected profit per customer x offer and its lower
confidence bound (:func:`offer_economics`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CampaignData
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.offers.inputs import customer_value_inputs

SCALE_LIMITS = (0.02, 4.0)
"""Bounds of an offer's redemption factor (:func:`redemption_scale`) before it is shrunk:
below 0.02, a coupon its buyers almost never used (none at all gives a log of minus infinity)."""


@dataclass(frozen=True)
class OfferTerms:
    """What a purchase is worth, per customer (n) and offer (K): revenue and discount if they
    buy with the offer (n, K), margin rate and basket value without one (n,), send cost (K,)
    or, for picked pairs, (n, 1)."""

    revenue: np.ndarray
    discount: np.ndarray
    margin: np.ndarray
    basket: np.ndarray
    send: np.ndarray

    def profit(self, p: np.ndarray) -> np.ndarray:
        """Expected incremental profit (..., n, K) from purchase probabilities (..., n, K+1),
        no offer first: ``P(buy|offer)·(revenue·margin − discount) −
        P(buy|none)·basket·margin − send_cost``."""
        base = p[..., :1] * (self.basket * self.margin)[:, None]
        gain = self.revenue * self.margin[:, None] - self.discount
        return p[..., 1:] * gain - base - self.send

    def pick(self, rows: np.ndarray, offer_index: np.ndarray) -> OfferTerms:
        """The terms of one offer per row: customer ``rows[i]`` with offer ``offer_index[i]``."""
        return OfferTerms(
            revenue=self.revenue[rows, offer_index][:, None],
            discount=self.discount[rows, offer_index][:, None],
            margin=self.margin[rows],
            basket=self.basket[rows],
            send=np.asarray(self.send)[offer_index][:, None],
        )


REACH = 0.7
"""A basket at least this share of the way to a threshold (or, for 每满, through its step) is
topped up to it: customers add to an order to reach a 满减 or 包邮 threshold within reach."""


def topped_up(basket: np.ndarray, threshold: float, *, every: bool) -> np.ndarray:
    """The baskets as bought with a threshold offer: one within reach of `threshold` (at
    least 70% of it) is raised to it; with `every` (每满, a step), one within reach of its next
    full step (280 of steps of 150: 300) is raised to that. Others stay as they are."""
    if threshold <= 0:
        return basket
    target = (
        np.ceil(basket / threshold - 1e-9) * threshold if every else np.full_like(basket, threshold)
    )
    # how far into the step below the target: the whole basket for a single threshold
    reach = (basket < target) & (basket - (target - threshold) >= REACH * threshold)
    return np.where(reach, target, basket)


def every_step_discount(order: np.ndarray, step: float, value: float) -> np.ndarray:
    """What 每满 (amount_off_every) takes off orders of value `order`: `value` for every full
    `step` (每满150减20: 300 -> 40, 449 -> 40, 149 -> 0)."""
    return np.floor(np.asarray(order, dtype=float) / step + 1e-9) * value  # 299.99999: one step


def capped(discount: np.ndarray, cap: float | None) -> np.ndarray:
    """The discount of each order, at most the offer's `cap` (max_discount; None or NaN: no
    cap): 每满100减10，最高减50 takes 30 off 300 and 50 off 600."""
    if cap is None or not np.isfinite(cap):
        return discount
    return np.minimum(discount, cap)


def _cap(offer: object) -> float | None:
    """An offer row's max_discount (None: none, or a catalogue without the column)."""
    cap = getattr(offer, "max_discount", None)
    return None if cap is None or pd.isna(cap) else float(cap)


def offer_terms(
    offers: pd.DataFrame,
    inputs: pd.DataFrame,
    default_margin: float,
    discount_scale: np.ndarray | None = None,
) -> OfferTerms:
    """Percent off applies to the basket, or for a category offer to one item of the category
    (the shop's mean line value) plus the customer's category share of the rest; 满减 lifts
    baskets within reach (>= 70% of min_spend) up to the threshold and gives nothing below it;
    每满 (amount_off_every) gives its value for every full step (floor(basket / step) × value),
    a basket within reach of its next step (30% of a step short) lifted to it; free shipping
    costs the shipping fee, with a min_spend only on baskets that reach it (lifted as 满减).
    A cap (max_discount) bounds any kind's discount: 20% off, up to 30 takes 30 off 400; a
    每满 basket past its cap is not lifted (its next step takes no more off).
    `discount_scale` (K,) corrects each offer's discount per purchase (see
    :func:`redemption_scale`). A missing basket value is the shop's mean."""
    basket = inputs["basket_value"].to_numpy(dtype=float)
    basket = np.where(
        np.isfinite(basket), basket, np.nanmean(basket) if np.isfinite(basket).any() else 0.0
    )
    margin = inputs["margin_rate"].fillna(default_margin).to_numpy(dtype=float)
    revenue = np.zeros((len(inputs), len(offers)))
    discount = np.zeros_like(revenue)
    for j, offer in enumerate(offers.itertuples()):
        share = np.ones(len(inputs))
        spend = basket  # what the offer's percentage applies to
        if offer.category:
            col = f"share_{offer.category}"
            share = inputs[col].to_numpy(dtype=float) if col in inputs else np.zeros(len(inputs))
            # a category coupon is redeemed with at least one item of its category, the rest of
            # the basket split as the customer usually splits it
            item = inputs.get(f"item_value_{offer.category}")
            item = (
                np.zeros(len(inputs)) if item is None else np.nan_to_num(item.to_numpy(dtype=float))
            )
            item = np.minimum(item, basket)
            spend = item + share * (basket - item)
        cap = _cap(offer)
        if offer.kind == "percent_off":
            revenue[:, j] = basket
            discount[:, j] = capped(offer.value * spend, cap)
        elif offer.kind in ("amount_off", "free_shipping"):
            # 满150减20, 满99包邮: once an order reaches min_spend (free shipping without one:
            # every order)
            threshold = float(offer.min_spend or 0.0)
            lifted = topped_up(basket, threshold, every=False)
            revenue[:, j] = lifted
            qualifies = lifted >= threshold
            if offer.kind == "amount_off":  # a category 满减 needs an item of its category
                qualifies &= share > 0
            discount[:, j] = np.where(qualifies, capped(np.asarray(offer.value), cap), 0.0)
        elif offer.kind == "amount_off_every":  # 每满150减20: value per full step
            step = float(offer.min_spend or 0.0)
            if step <= 0:
                raise InputError(f"offer {offer.offer_id}: amount_off_every needs min_spend > 0")
            lifted = topped_up(basket, step, every=True)
            off = capped(every_step_discount(lifted, step, offer.value), cap)
            # past the cap the next step takes no more off: no reason to add to the order
            gains = off > capped(every_step_discount(basket, step, offer.value), cap)
            lifted = np.where(gains, lifted, basket)
            revenue[:, j] = lifted
            discount[:, j] = np.where(share > 0, off, 0.0)
        else:
            raise InputError(f"offer {offer.offer_id}: unknown kind {offer.kind!r}")
    if discount_scale is not None:
        discount = discount * np.asarray(discount_scale, dtype=float)[None, :]
    return OfferTerms(
        revenue=revenue,
        discount=discount,
        margin=margin,
        basket=basket,
        send=offers["send_cost"].to_numpy(dtype=float),
    )


def redemption_scale(
    store: Store,
    data: CampaignData,
    offers: pd.DataFrame,
    *,
    default_margin: float,
    prior: float = 20.0,
) -> np.ndarray:
    """Per offer, how much discount its past buyers really got relative to what the offer
    terms predict for them (from their inputs as of the campaign): a factor for the predicted
    discount, within :data:`SCALE_LIMITS`, shrunk toward 1 with few buyers on a log scale
    (``ratio ** (n / (n + prior))``). On a log scale, because the factor multiplies: in
    synthetic training world 8, none of the beauty coupon's 68 buyers had a beauty item in the
    window, and the linear pull toward 1 (with a floor of 0.25) kept 0.25 of a discount of 28
    per purchase; the log scale gives 0.05, and the forecast matched the true cost (1.31 per
    purchase against 1.16).
    A category coupon, say, is only used with an item of that category in the basket, so it
    gives away more than ``value × usual category share``. Free shipping keeps its fee: order
    lines do not record it."""
    scale = np.ones(len(offers))
    if data.discount is None or data.campaign_start is None:
        return scale
    observed = np.zeros(len(offers))
    predicted = np.zeros(len(offers))
    buyers = np.zeros(len(offers))
    # free shipping's cost is the shipping fee, which order lines do not record
    column = {
        o: j for j, o in enumerate(offers["offer_id"]) if offers["kind"].iloc[j] != "free_shipping"
    }
    rows = (data.bought > 0) & np.isin(data.treatment, list(column))
    for start in np.unique(data.campaign_start[rows]):
        here = np.flatnonzero(rows & (data.campaign_start == start))
        inputs = customer_value_inputs(
            store, as_of=pd.Timestamp(start), default_margin=default_margin
        )
        inputs = (
            inputs.set_index("customer_id")
            .reindex(data.customer_id[here].astype(str))
            .reset_index()
        )
        discount = offer_terms(offers, inputs, default_margin).discount
        j = pd.Series(data.treatment[here]).map(column).to_numpy(dtype=int)
        np.add.at(predicted, j, discount[np.arange(len(here)), j])
        np.add.at(observed, j, data.discount[here])
        np.add.at(buyers, j, 1.0)
    ok = predicted > 0
    ratio = np.clip(np.where(ok, observed / np.where(ok, predicted, 1.0), 1.0), *SCALE_LIMITS)
    weight = buyers / (buyers + prior)
    return np.exp(weight * np.log(ratio))


def offer_economics(
    p_buy: np.ndarray,
    p_draws: np.ndarray | None,
    offers: pd.DataFrame,
    inputs: pd.DataFrame,
    *,
    default_margin: float,
    confidence: float,
    discount_scale: np.ndarray | None = None,
    terms: OfferTerms | None = None,
) -> pd.DataFrame:
    """Expected incremental profit per customer x offer, with a lower confidence bound.

    ``profit = P(buy|offer)·(revenue·margin − discount) − P(buy|none)·basket·margin − send_cost``

    `p_buy` is (n, K+1) with no offer first; `p_draws` optional (B, n, K+1) bootstrap draws;
    `discount_scale` (K,) corrects the offer terms' discount per purchase (see
    :func:`redemption_scale`); `terms`, when given, are those :func:`offer_terms` computed.
    """
    if terms is None:
        terms = offer_terms(offers, inputs, default_margin, discount_scale)
    point = terms.profit(p_buy)
    if p_draws is not None and len(p_draws) > 1:
        draws = terms.profit(p_draws)
        lower = np.quantile(draws, 1 - confidence, axis=0)
        spread = draws.std(axis=0)
    else:
        lower, spread = point.copy(), np.zeros_like(point)
    n, k = point.shape
    return pd.DataFrame(
        {
            "customer_id": np.repeat(inputs["customer_id"].to_numpy(), k),
            "offer_id": np.tile(offers["offer_id"].to_numpy(), n),
            "p_buy_none": np.repeat(p_buy[:, 0], k),
            "p_buy": p_buy[:, 1:].ravel(),
            "expected_revenue": (p_buy[:, 1:] * terms.revenue).ravel(),
            "expected_cost": (p_buy[:, 1:] * terms.discount).ravel(),
            "expected_incremental_profit": point.ravel(),
            "profit_lower": lower.ravel(),
            "profit_std": spread.ravel(),
        }
    )

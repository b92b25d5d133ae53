"""The synthetic shop's hidden truth: each customer's true purchase probability with no offer
and with each offer, and what a plan is truly worth.

The purchase hazard of a customer is their activity rate while they are active; an offer adds
a hazard that grows with their discount sensitivity (:func:`offer_effects`). Revenue and
discount given a purchase come from the order process itself
(:func:`promopilot.synth.orders.expected_baskets`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.columns import CUSTOMER_ID, OFFER_ID
from promopilot.synth.orders import day_of
from promopilot.synth.world import OFFER_STRENGTH, OFFERS, START, WINDOW_DAYS


def offer_effects(c: pd.DataFrame, basket: np.ndarray) -> dict[str, np.ndarray]:
    """Per offer: the extra purchase hazard per day it adds (revenue and discount given a
    purchase come from the order process itself: `expected_baskets`)."""
    s = c["discount_sensitivity"].to_numpy()
    beauty = c["taste_beauty"].to_numpy()
    near = np.where(basket >= 150, 0.6, np.where(basket >= 105, 1.0, 0.1))
    ship_need = np.where(basket < 99, 1.0, 0.25)
    return {
        "pct10": OFFER_STRENGTH["pct10"] * s**2,
        "mj150_20": OFFER_STRENGTH["mj150_20"] * s**2 * near,
        "freeship": OFFER_STRENGTH["freeship"] * s * ship_need * (0.3 + s),
        "beauty15": OFFER_STRENGTH["beauty15"] * s**2 * np.minimum(1.0, 2.5 * beauty) * 0.5,
    }


def campaign_truth(
    c: pd.DataFrame,
    at: pd.Timestamp,
    basket: np.ndarray,
    orders: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """True purchase probability in a campaign window starting `at`, for no offer and each
    offer; with `orders` (from `expected_baskets`), also revenue and discount given a
    purchase."""
    t = day_of(at)
    alive = (c["signup_day"].to_numpy() <= t) & (c["end_day"].to_numpy() > t)
    lam = c["activity_rate"].to_numpy()
    # a churned customer can still be won back by an offer, but rarely
    reach = np.where(alive, 1.0, 0.12) * (c["signup_day"].to_numpy() <= t)
    extra = {"": np.zeros(len(c)), **offer_effects(c, basket)}
    out = {"alive": alive}
    for offer, hazard_added in extra.items():
        name = offer or "none"
        out[f"p_buy__{name}"] = 1 - np.exp(-(alive * lam + reach * hazard_added) * WINDOW_DAYS)
        if orders is not None:
            out[f"revenue__{name}"], out[f"discount__{name}"] = orders[offer]
    return pd.DataFrame(out)


def true_incremental_profit(truth: pd.DataFrame, offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """Customer x offer matrix of true expected incremental profit of sending each offer at
    the as-of date (the same formula the planner optimizes, with true quantities)."""
    margin = truth["margin_rate"].to_numpy()
    base = truth["p_buy__none"].to_numpy() * truth["revenue__none"].to_numpy() * margin
    cols = {}
    for row in offers.itertuples():
        p = truth[f"p_buy__{row.offer_id}"].to_numpy()
        rev = truth[f"revenue__{row.offer_id}"].to_numpy()
        disc = truth[f"discount__{row.offer_id}"].to_numpy()
        cols[row.offer_id] = p * (rev * margin - disc) - base - row.send_cost
    return pd.DataFrame(cols, index=truth[CUSTOMER_ID].to_numpy())


def true_expected_cost(truth: pd.DataFrame, offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """Customer x offer matrix of true expected discount money given away."""
    return pd.DataFrame(
        {
            o: truth[f"p_buy__{o}"].to_numpy() * truth[f"discount__{o}"].to_numpy()
            for o in offers[OFFER_ID]
        },
        index=truth[CUSTOMER_ID].to_numpy(),
    )


def plan_true_value(
    plan: pd.DataFrame, truth: pd.DataFrame, offers: pd.DataFrame = OFFERS
) -> tuple[float, float]:
    """True expected (incremental profit, discount cost) of a plan's rows that send an offer."""
    profit = true_incremental_profit(truth, offers)
    cost = true_expected_cost(truth, offers)
    sent = plan[plan[OFFER_ID].fillna("").astype(str) != ""]
    rows = profit.index.get_indexer(sent[CUSTOMER_ID].astype(str))
    cols = profit.columns.get_indexer(sent[OFFER_ID].astype(str))
    if (rows < 0).any() or (cols < 0).any():
        raise KeyError("plan names customers or offers that the truth does not know")
    return (float(profit.to_numpy()[rows, cols].sum()), float(cost.to_numpy()[rows, cols].sum()))


def true_purchase_probability(truth: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Each customer's true purchase probability in a campaign window starting `at`, with no
    offer (``p_buy__none``) and with each offer (``p_buy__<offer>``), recomputed from the
    traits in `truth` (a shop's ``truth`` frame); indexed by customer id.

    The generator draws the past campaign's purchases with these probabilities at its date
    (:data:`~promopilot.synth.world.CAMPAIGN_AT`) and writes them to the truth for the as-of
    date, so they can be checked against the shop's orders."""
    signup_day = (pd.to_datetime(truth["signup_at"]) - START) / pd.Timedelta(days=1)
    traits = pd.DataFrame(
        {
            "signup_day": signup_day.to_numpy(),
            "end_day": signup_day.to_numpy() + truth["lifetime_days"].to_numpy(),
            "activity_rate": truth["activity_rate"].to_numpy(),
            "discount_sensitivity": truth["discount_sensitivity"].to_numpy(),
            "taste_beauty": truth["taste_beauty"].to_numpy(),
        }
    )
    out = campaign_truth(traits, at, truth["basket_value"].to_numpy()).drop(columns=["alive"])
    out.index = truth[CUSTOMER_ID].to_numpy()
    return out

"""Generate a world's shop folder and its hidden truth (see :mod:`promopilot.synth.worlds`).

The pieces are the default shop's (catalogue, order lines, browsing, reviews); what differs is
drawn per world: the response to offers (:mod:`promopilot.synth.response`), purchase rates and
lifetimes, sale and coupon behaviour, how much browsing is logged, the past campaign's
assignment, returns, and which product columns the shop exports. A 3,000-customer world takes
a few seconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.columns import CAMPAIGN_ID, CUSTOMER_ID, OFFER_ID
from promopilot.synth.activity import browsing_events, reviews
from promopilot.synth.orders import Catalog, day_of, expected_baskets, make_products, stamp
from promopilot.synth.response import (
    basket_boost,
    response,
    true_sensitivity,
    world_campaign_truth,
)
from promopilot.synth.shop import Shop
from promopilot.synth.truth import true_incremental_profit
from promopilot.synth.world import (
    CAMPAIGN_AT,
    CATEGORIES,
    END,
    OFFERS,
    PAST_CAMPAIGN_ID,
    SALE,
    WINDOW_DAYS,
)
from promopilot.synth.worldparts import customers_table, order_table, returns_table
from promopilot.synth.worlds import World, draw_world


@dataclass
class WorldShop(Shop):
    """A generated world: the shop folder's tables, the hidden truth, and what was drawn."""

    world: World | None = None

    def write(self, out: str | Path) -> Path:
        """Write the shop folder (CSV), ``_truth/customers.csv`` and ``_truth/world.json``."""
        out = super().write(out)
        (out / "_truth" / "world.json").write_text(
            json.dumps({"description": str(self.world), **self.world.to_dict()}, indent=1),
            encoding="utf-8",
        )
        return out


def _catalog(products: pd.DataFrame) -> tuple[Catalog, dict[str, int]]:
    cat_index = {c: i for i, c in enumerate(CATEGORIES["category"])}
    codes = products["category"].map(cat_index).to_numpy()
    sizes = np.bincount(codes, minlength=len(CATEGORIES)).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return Catalog(products, starts, sizes), cat_index


def _lifetimes(rng: np.random.Generator, world: World, activity: np.ndarray) -> np.ndarray:
    """Days from signup to churn, by the world's churn process (mean ``mean_lifetime``)."""
    n, mean = len(activity), world.mean_lifetime
    if world.churn == "early":  # Weibull shape 0.6: most churn soon
        return mean * rng.weibull(0.6, n) / math.gamma(1 + 1 / 0.6)
    if world.churn == "wearout":  # Weibull shape 2: churn comes with time
        return mean * rng.weibull(2.0, n) / math.gamma(1 + 1 / 2.0)
    if world.churn == "loyal_heavy":  # heavy buyers stay longer
        rel = (activity / activity.mean()) ** 0.7
        return rng.exponential(mean * rel / rel.mean())
    return rng.exponential(mean, n)


def _last_before(owner: np.ndarray, day: np.ndarray, n: int, t: float) -> np.ndarray:
    """Each customer's last order day before `t` (NaN for none)."""
    last = np.full(n, -np.inf)
    m = day < t
    np.maximum.at(last, owner[m], day[m])
    return np.where(np.isfinite(last), last, np.nan)


def make_world(seed: int, n_customers: int = 3000) -> WorldShop:
    """Generate world `seed`: its structure (:func:`~promopilot.synth.worlds.draw_world`),
    shop folder tables and hidden truth at the as-of date (:data:`~promopilot.synth.world.END`).

    The truth has, per customer, the traits and, for a campaign sent at the as-of date, each
    listed offer's true purchase probability, revenue and discount given a purchase and
    incremental profit (the names :func:`~promopilot.synth.oracle.oracle_plan` reads), the true
    churn (``churned``: no longer active at the as-of date) and true discount sensitivity;
    ``campaign_p_buy__*`` are the purchase probabilities the past campaign was drawn with.

    Examples
    --------
    >>> shop = make_world(3, n_customers=300)
    >>> str(shop.world).startswith("world 3:")
    True
    """
    world = draw_world(seed)
    rng = np.random.default_rng([seed, 12])
    products = make_products(rng, world.products_per_category)
    catalog, cat_index = _catalog(products)
    n, horizon = n_customers, day_of(END)

    # -- hidden customer traits ----------------------------------------------------------
    signup = np.sort(rng.uniform(-120, horizon - 20, n))
    signup = np.where(signup < 0, rng.uniform(-400, 0, n), signup)
    activity = rng.gamma(world.activity_shape, world.activity_mean / world.activity_shape, n)
    end_day = signup + _lifetimes(rng, world, activity)
    sale_trait = rng.beta(1.6, 2.2, n)
    taste = rng.dirichlet(np.full(len(CATEGORIES), 0.35), n)
    price_q = np.clip(rng.normal(0.5, 0.2, n), 0.02, 0.98)
    items_per_order = 1.0 + rng.gamma(1.0, 0.5, n)
    browse = (rng.gamma(2.0, 0.03, n) + 6 * activity) * world.browse_scale
    if world.dog_trait == "heavy":  # the most active (with noise) resent being contacted
        score = np.log(activity) + rng.normal(0, 0.5, n)
        dog = (score >= np.quantile(score, 1 - world.dog_share)) & (world.dog_share > 0)
    else:
        dog = rng.random(n) < world.dog_share
    basket, margin_rate = catalog.expected_basket(taste, price_q, items_per_order)
    traits = pd.DataFrame(
        {
            "signup_day": signup,
            "end_day": end_day,
            "activity_rate": activity,
            "price_quantile": price_q,
            "sale_trait": sale_trait,
            "taste_driver": taste[:, cat_index[world.category]],
            "taste_beauty": taste[:, cat_index["beauty"]],
            "latent": rng.random(n),
            "dog": dog,
        }
    )

    # -- baseline purchases: Poisson while active, boosted in the sale --------------------
    sale0, sale1 = day_of(SALE[0]), day_of(SALE[1])
    camp0, camp1 = day_of(CAMPAIGN_AT), day_of(CAMPAIGN_AT) + WINDOW_DAYS
    lo, hi = np.maximum(signup, 0), np.minimum(end_day, horizon)
    active = np.maximum(hi - lo, 0)
    sale_overlap = np.maximum(np.minimum(hi, sale1) - np.maximum(lo, sale0), 0)
    boost = 1 + world.sale_gain * sale_trait**1.5
    expected = activity * (active - sale_overlap) + activity * boost * sale_overlap
    owner = np.repeat(np.arange(n), rng.poisson(expected))
    in_sale_p = activity * boost * sale_overlap / np.maximum(expected, 1e-12)
    in_sale = rng.random(len(owner)) < in_sale_p[owner]
    t = np.where(
        in_sale,
        np.maximum(lo[owner], sale0) + rng.random(len(owner)) * sale_overlap[owner],
        lo[owner] + rng.random(len(owner)) * active[owner],
    )
    bad = (~in_sale) & (t >= sale0) & (t < sale1)
    t[bad] = lo[owner[bad]] + rng.random(bad.sum()) * active[owner[bad]]
    known = signup <= camp0
    # the campaign window's purchases of everyone known by then are drawn from the truth below
    keep = ~((t >= camp0) & (t < camp1) & known[owner])
    owner, t, in_sale = owner[keep], t[keep], in_sale[keep]

    # -- the past campaign --------------------------------------------------------------------
    traits["last_order_day"] = _last_before(owner, t, n, camp0)
    r_camp = np.where(dog, 0.0, response(world, traits, camp0))
    coupon = (~in_sale) & (rng.random(len(owner)) < 0.02 + world.coupon_gain * r_camp[owner])
    truth_camp = world_campaign_truth(world, traits, camp0, basket)
    campaigns, arm = _past_campaign(rng, world, known, activity)
    p_window = truth_camp["p_buy__none"].to_numpy().copy()
    for offer in world.offers:
        p_window[arm == offer] = truth_camp[f"p_buy__{offer}"].to_numpy()[arm == offer]
    bought = np.flatnonzero(known & (rng.random(n) < p_window))
    day = np.concatenate([t, camp0 + 0.42 + rng.random(len(bought)) * (WINDOW_DAYS - 0.5)])
    offer = np.concatenate(
        [np.where(in_sale, "sale", np.where(coupon, "coupon", "")), arm[bought]]
    ).astype(object)
    # a basket world's offer buyers fill bigger baskets: their orders use a boosted copy
    boosted = np.concatenate([np.zeros(len(owner), bool), arm[bought] != ""])
    owner = np.concatenate([owner, bought])
    orders, order_day, line_owner, line_product, quality = order_table(
        rng,
        catalog,
        cat_index,
        ids := np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 6)),
        np.vstack([taste, taste]),
        np.concatenate([price_q, price_q]),
        np.concatenate([items_per_order, items_per_order * basket_boost(world, traits, camp0)]),
        owner + n * boosted,
        day,
        offer,
    )
    if world.return_rate > 0:
        orders = pd.concat(
            [orders.assign(is_return=False), returns_table(rng, orders, world.return_rate)],
            ignore_index=True,
        )

    # -- the tables of the shop folder ------------------------------------------------------
    tables = {
        "products": _products_table(products, world),
        "customers": customers_table(rng, ids, signup),
    }
    offers = OFFERS[OFFERS[OFFER_ID].isin(world.offers)].drop(columns=["title"])
    offers = offers.assign(send_cost=world.send_cost).reset_index(drop=True)
    tables["offers"] = offers
    tables["orders"] = orders
    if world.browse_scale > 0:
        tables["events"] = browsing_events(
            rng,
            ids=ids,
            catalog=catalog,
            taste=taste,
            price_q=price_q,
            browse=browse,
            sensitivity=sale_trait,
            lo=lo,
            active=active,
            sale0=sale0,
            sale_overlap=sale_overlap,
            horizon=horizon,
            buy_owner=line_owner,
            buy_product=line_product,
            order_day=order_day,
        )
        tables["reviews"] = reviews(rng, orders.iloc[: len(quality)], quality, order_day, horizon)
    if campaigns is not None:
        tables["campaigns"] = campaigns.assign(customer_id=ids[campaigns.pop("owner")])

    # -- truth at the as-of date ----------------------------------------------------------
    traits["last_order_day"] = _last_before(owner, day, n, horizon)
    draws = int(np.clip(300_000 // n, 4, 100))
    basket_world = world.effect == "basket"
    baskets = expected_baskets(
        seed,
        catalog,
        taste,
        price_q,
        items_per_order,
        cat_index,
        draws,
        [""] if basket_world else ["", *world.offers],
    )
    if basket_world:  # offers enlarge baskets: their orders are drawn with more items
        items = items_per_order * basket_boost(world, traits, horizon)
        boosted = expected_baskets(
            seed, catalog, taste, price_q, items, cat_index, draws, list(world.offers)
        )
        baskets.update(boosted)
    truth_end = world_campaign_truth(world, traits, horizon, basket, baskets)
    truth = pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            "signup_at": stamp(signup),
            "activity_rate": activity,
            "lifetime_days": end_day - signup,
            "churned": ~truth_end["alive"].to_numpy(),
            "discount_sensitivity": true_sensitivity(world, traits, horizon),
            "sleeping_dog": dog,
            "price_quantile": price_q,
            "sale_trait": sale_trait,
            "basket_value": basket,
            "margin_rate": margin_rate,
            "past_campaign_arm": np.where(known, arm, None),
        }
    )
    truth = pd.concat([truth, truth_end.drop(columns=["alive"])], axis=1)
    for name in ["none", *world.offers]:
        truth[f"campaign_p_buy__{name}"] = truth_camp[f"p_buy__{name}"].to_numpy()
    for name, profit in true_incremental_profit(truth, offers).items():
        truth[f"profit__{name}"] = profit.to_numpy()
    return WorldShop(tables=tables, truth=truth, offers=offers, world=world)


def _past_campaign(
    rng: np.random.Generator, world: World, known: np.ndarray, activity: np.ndarray
) -> tuple[pd.DataFrame | None, np.ndarray]:
    """The past campaign's rows (``owner`` is the customer index) and each customer's arm
    (``""`` for no offer or not in the campaign)."""
    n = len(known)
    arm = np.full(n, "", dtype=object)
    if world.campaign == "none":
        return None, arm
    members = np.flatnonzero(known & (rng.random(n) < world.campaign_share))
    offers = np.asarray(world.offers, dtype=object)
    k = len(offers)
    frame = {CAMPAIGN_ID: PAST_CAMPAIGN_ID, "owner": members}
    if world.campaign == "targeted":  # the most active (roughly) got an offer: no randomization
        score = np.log(activity[members]) + rng.normal(0, 0.3, len(members))
        chosen = score >= np.quantile(score, 1 - world.targeted_share)
        given = np.where(chosen, offers[rng.integers(0, k, len(members))], "")
    else:
        if world.campaign == "uneven":  # active customers more often held out
            rank = pd.Series(activity[members]).rank(pct=True).to_numpy()
            p_control = 0.1 + 0.5 * rank
        else:
            p_control = np.full(len(members), 1.0 / (k + 1))
        control = rng.random(len(members)) < p_control
        given = np.where(control, "", offers[rng.integers(0, k, len(members))])
        frame["propensity"] = np.where(control, p_control, (1 - p_control) / k)
    arm[members] = given
    frame[OFFER_ID] = given
    frame["sent_at"] = (CAMPAIGN_AT + pd.Timedelta(hours=10)).isoformat()
    frame["channel"] = np.where(rng.random(len(members)) < 0.7, "email", "sms")
    order = [CAMPAIGN_ID, "owner", OFFER_ID, "sent_at", "channel"]
    return pd.DataFrame(frame)[order + (["propensity"] if "propensity" in frame else [])], arm


def _products_table(products: pd.DataFrame, world: World) -> pd.DataFrame:
    """The products file as the shop exports it: costs all, some or none; stock or not."""
    out = products.drop(columns=["quality"])
    if world.costs == "none":
        out = out.drop(columns=["cost"])
    elif world.costs == "some":
        missing = np.random.default_rng([world.seed, 13]).random(len(out)) < 0.3
        out["cost"] = out["cost"].mask(missing)
    if world.stock == "absent":
        out = out.drop(columns=["in_stock"])
    elif world.stock == "null":
        out["in_stock"] = None
    return out

"""How a world's customers respond to offers: its drivers, effect shape and sleeping dogs.

A customer's *response* at day ``t`` is a number in [0, 1] (:func:`response`): the world's
drivers (:data:`promopilot.synth.worlds.DRIVERS`) turned into a score in [0, 1] and bent by the
world's shape. In a "purchase" world an offer adds a purchase hazard proportional to it; in a
"basket" world it only enlarges the orders the customer would place anyway. Sleeping dogs buy
less when contacted, whatever the offer. :func:`world_campaign_truth` gives the true purchase
probability in a campaign window with no offer and with each offer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.synth.world import OFFER_STRENGTH, WINDOW_DAYS
from promopilot.synth.worlds import World


def driver_score(world: World, c: pd.DataFrame, t: float) -> np.ndarray:
    """The world's drivers as one score in [0, 1] per customer at day `t` (mean of drivers).

    `c` holds the hidden traits: ``price_quantile``, ``sale_trait``, ``taste_driver``,
    ``latent``, ``signup_day`` and ``last_order_day`` (the customer's last order before `t`,
    NaN for none)."""
    scores = []
    for driver in world.drivers:
        if driver == "price":  # cheaper taste, more responsive
            d = 1.0 - c["price_quantile"].to_numpy()
        elif driver == "sale":
            d = c["sale_trait"].to_numpy()
        elif driver == "category":
            d = np.minimum(1.0, 2.5 * c["taste_driver"].to_numpy())
        elif driver == "recency":
            last = c["last_order_day"].to_numpy()
            since = t - np.where(np.isnan(last), c["signup_day"].to_numpy(), last)
            d = 1.0 - np.exp(-np.maximum(since, 0.0) / 120.0)  # lapsed: high
            d = d if "lapsed" in world.direction else 1.0 - d
        elif driver == "tenure":
            d = np.exp(-np.maximum(t - c["signup_day"].to_numpy(), 0.0) / 240.0)  # new: high
            d = d if "new" in world.direction else 1.0 - d
        else:  # "none": a latent trait that no data reveals
            d = c["latent"].to_numpy()
        scores.append(d)
    return np.clip(np.mean(scores, axis=0), 0.0, 1.0)


def response(world: World, c: pd.DataFrame, t: float) -> np.ndarray:
    """Each customer's response in [0, 1] at day `t`: the driver score bent by the shape."""
    d = driver_score(world, c, t)
    if world.shape == "linear":
        return d
    if world.shape == "quadratic":
        return d**2
    if world.shape == "threshold":
        return (d > world.threshold).astype(np.float64)
    k = 0.15  # saturating: most of the effect is reached early
    return (1.0 - np.exp(-d / k)) / (1.0 - np.exp(-1.0 / k))


def true_sensitivity(world: World, c: pd.DataFrame, t: float) -> np.ndarray:
    """How much an offer moves a customer, independent of how often they buy anyway: the
    response, negative for sleeping dogs (who buy less when contacted)."""
    return np.where(c["dog"].to_numpy(), -world.dog_strength, response(world, c, t))


def offer_hazards(
    world: World, c: pd.DataFrame, t: float, basket: np.ndarray
) -> dict[str, np.ndarray]:
    """Per listed offer, the purchase hazard per day it adds to a customer who can still be
    reached (a sleeping dog's is negative: a share of their own rate)."""
    r = response(world, c, t) if world.effect == "purchase" else np.zeros(len(c))
    near = np.where(basket >= 150, 0.6, np.where(basket >= 105, 1.0, 0.1))
    fit = {
        "pct10": np.ones(len(c)),
        "mj150_20": near,
        "freeship": np.where(basket < 99, 1.0, 0.25),
        "beauty15": np.minimum(1.0, 2.5 * c["taste_beauty"].to_numpy()),
    }
    dog = c["dog"].to_numpy()
    out = {}
    for offer, strength in zip(world.offers, world.offer_strength, strict=True):
        added = world.effect_scale * OFFER_STRENGTH[offer] * strength * r * fit[offer]
        out[offer] = np.where(dog, -world.dog_strength * c["activity_rate"].to_numpy(), added)
    return out


def basket_boost(world: World, c: pd.DataFrame, t: float) -> np.ndarray:
    """Items per order with an offer / without: above 1 only in basket worlds."""
    if world.effect != "basket":
        return np.ones(len(c))
    r = np.where(c["dog"].to_numpy(), 0.0, response(world, c, t))
    return 1.0 + world.basket_gain * r


def world_campaign_truth(
    world: World,
    c: pd.DataFrame,
    t: float,
    basket: np.ndarray,
    orders: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """True purchase probability in a campaign window starting at day `t`, with no offer
    (``p_buy__none``) and each listed offer; with `orders` (per offer, expected order value
    and discount given a purchase), also ``revenue__*`` and ``discount__*``."""
    alive = (c["signup_day"].to_numpy() <= t) & (c["end_day"].to_numpy() > t)
    lam = c["activity_rate"].to_numpy()
    # a churned customer can still be won back by an offer, but rarely; a dog only when alive
    reach = np.where(alive, 1.0, 0.12 * ~c["dog"].to_numpy()) * (c["signup_day"].to_numpy() <= t)
    extra = {"": np.zeros(len(c)), **offer_hazards(world, c, t, basket)}
    out = {"alive": alive}
    for offer, added in extra.items():
        name = offer or "none"
        hazard = np.maximum(alive * lam + reach * added, 0.0)
        out[f"p_buy__{name}"] = 1 - np.exp(-hazard * WINDOW_DAYS)
        if orders is not None:
            out[f"revenue__{name}"], out[f"discount__{name}"] = orders[offer]
    return pd.DataFrame(out)

"""A family of synthetic worlds: each seed draws a different structure.

The default shop (:func:`promopilot.synth.shop.make_shop`) has one structure: offers move
customers in proportion to the square of one hidden sensitivity that also drives their sale
buying and their price level. A model that assumes exactly that passes on it. A *world* draws
its structure from its seed (:func:`draw_world`): which hidden traits drive the response to
offers, the shape of the effect, whether offers move purchases or only basket size, "sleeping
dogs" who buy less when contacted, the churn process, how much browsing is logged, how the past
campaign was assigned (uniform, uneven propensities, or not randomized at all), returns and
missing product costs and stock. :func:`promopilot.synth.worldgen.make_world` then generates
the shop folder and its hidden truth.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from promopilot.synth.world import CATEGORIES, OFFERS

DRIVERS = ("price", "sale", "category", "recency", "tenure", "none")
"""Hidden traits that can drive the response to offers: the price level of what a customer
buys and browses (cheaper: more responsive), their hidden sale responsiveness (which also shows
in their sale-period buying and browsing), their taste for one category, their recency (lapsed
or recent customers respond), their tenure (new or old customers respond), or none: a latent
trait no data reveals."""
SHAPES = ("linear", "quadratic", "threshold", "saturating")
CHURN = ("exponential", "early", "wearout", "loyal_heavy")
"""Lifetimes: exponential (constant hazard), Weibull with shape < 1 (most churn early), Weibull
with shape > 1 (wear-out), or exponential with a mean that grows with the purchase rate."""
CAMPAIGN = ("uniform", "uneven", "targeted", "none")
"""The past campaign: a uniform randomized test, a randomized one whose control share depends
on the customer's purchase rate (propensities written), a targeted non-randomized one (the most
active get an offer; no propensity column), or no campaign at all."""


@dataclass(frozen=True)
class World:
    """What a world's seed drew. ``str(world)`` is one line."""

    seed: int
    drivers: tuple[str, ...]  # what drives the response to offers
    direction: str  # for recency/tenure: "lapsed"/"recent", "new"/"old"
    category: str  # the category of the "category" driver
    shape: str
    threshold: float  # of the "threshold" shape
    effect: str  # "purchase": offers add purchases; "basket": they only enlarge baskets
    effect_scale: float  # multiplies every offer's strength
    basket_gain: float  # basket worlds: items per order grow by up to this share
    dog_share: float  # share of "sleeping dogs" (0: none)
    dog_strength: float  # how much contact lowers a sleeping dog's purchase rate
    dog_trait: str  # who the sleeping dogs are: "heavy" buyers or "random"
    offers: tuple[str, ...]  # the offers the shop lists
    offer_strength: tuple[float, ...]  # per listed offer, multiplier of its base strength
    send_cost: float
    activity_mean: float  # purchases per day while active
    activity_shape: float  # gamma shape: lower, more unequal
    churn: str
    mean_lifetime: float
    sale_gain: float  # sale-period purchase boost at full sale responsiveness
    coupon_gain: float  # how much responsive customers use coupons outside campaigns
    browse_scale: float  # 0: no events at all
    campaign: str
    campaign_share: float  # share of eligible customers in the past campaign
    targeted_share: float  # targeted campaign: share who got an offer
    return_rate: float  # share of order lines returned
    costs: str  # "all", "some" (30% missing) or "none" (no cost column)
    stock: str  # "present", "null" (column all empty) or "absent"
    products_per_category: int

    def __str__(self) -> str:
        effect = (
            f"{self.effect}({'+'.join(self.drivers)}"
            + (f"/{self.direction}" if {"recency", "tenure"} & set(self.drivers) else "")
            + (f"/{self.category}" if "category" in self.drivers else "")
            + f",{self.shape},x{self.effect_scale:.2f})"
        )
        share = f"({self.campaign_share:.0%})" if self.campaign != "none" else ""
        dogs = f" dogs={self.dog_share:.0%}/{self.dog_trait}" if self.dog_share else ""
        return (
            f"world {self.seed}: {effect}{dogs} offers={','.join(self.offers)} "
            f"churn={self.churn}({self.mean_lifetime:.0f}d) rate={self.activity_mean:.3f}/d "
            f"sale={self.sale_gain:.1f} coupons={self.coupon_gain:.2f} "
            f"events={self.browse_scale:g} campaign={self.campaign}{share} "
            f"returns={self.return_rate:.0%} costs={self.costs} stock={self.stock}"
        )

    def to_dict(self) -> dict:
        return asdict(self)


def draw_world(seed: int) -> World:
    """The structure of world `seed` (its own random stream: the same seed, the same world)."""
    rng = np.random.default_rng([seed, 11])
    n_drivers = 1 if rng.random() < 0.7 else 2
    drivers = tuple(sorted(rng.choice(DRIVERS, n_drivers, replace=False).tolist()))
    direction = str(rng.choice(["lapsed", "recent"])) if "recency" in drivers else ""
    if "tenure" in drivers:
        direction = "/".join(filter(None, [direction, str(rng.choice(["new", "old"]))]))
    n_offers = int(rng.integers(2, len(OFFERS) + 1))
    offers = tuple(sorted(rng.choice(OFFERS["offer_id"], n_offers, replace=False).tolist()))
    dogs = rng.random() < 0.35
    return World(
        seed=seed,
        drivers=drivers,
        direction=direction,
        category=str(rng.choice(CATEGORIES["category"])),
        shape=str(rng.choice(SHAPES)),
        threshold=float(rng.uniform(0.4, 0.8)),
        effect="basket" if rng.random() < 0.15 else "purchase",
        effect_scale=float(np.exp(rng.uniform(np.log(0.05), np.log(1.0)))),
        basket_gain=float(rng.uniform(0.3, 1.2)),
        dog_share=float(rng.uniform(0.05, 0.35)) if dogs else 0.0,
        dog_strength=float(rng.uniform(0.3, 0.8)),
        dog_trait=str(rng.choice(["heavy", "random"])),
        offers=offers,
        offer_strength=tuple(float(x) for x in np.exp(rng.normal(0, 0.4, n_offers))),
        send_cost=float(rng.choice([0.0, 0.05, 0.2])),
        activity_mean=float(np.exp(rng.uniform(np.log(0.006), np.log(0.025)))),
        activity_shape=float(rng.uniform(0.6, 2.0)),
        churn=str(rng.choice(CHURN)),
        mean_lifetime=float(rng.uniform(250, 1200)),
        sale_gain=float(rng.choice([0.0, 1.0, 3.0, 5.0])),
        coupon_gain=float(rng.choice([0.0, 0.1, 0.3])),
        browse_scale=float(rng.choice([0.0, 0.2, 1.0, 3.0], p=[0.2, 0.25, 0.35, 0.2])),
        campaign=str(rng.choice(CAMPAIGN, p=[0.35, 0.25, 0.25, 0.15])),
        campaign_share=float(rng.uniform(0.3, 1.0)),
        targeted_share=float(rng.uniform(0.2, 0.6)),
        return_rate=float(rng.choice([0.0, 0.0, 0.04, 0.12])),
        costs=str(rng.choice(["all", "all", "some", "none"])),
        stock=str(rng.choice(["present", "present", "null", "absent"])),
        products_per_category=int(rng.integers(8, 40)),
    )

"""What happens after a campaign is sent, on synthetic worlds with a known truth.

Two simulators:

- :func:`simulate_plan_outcomes`: the orders that follow a sent plan on a synthetic shop, drawn
  from the shop's hidden truth (each customer's true purchase probability, basket and discount
  under the offer they got, or under none). For the demo: plan -> send -> outcomes -> report.
- :func:`random_campaign`: a fast, fully vectorized randomized campaign (no shop needed) with
  pre-period spend, heterogeneous customers, optional unequal assignment probabilities and the
  exact expected outcome of every customer under every arm: thousands of campaigns a minute,
  for checking that intervals cover the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.synth.shop import END, WINDOW_DAYS

CONTROL = "control"


# ---------------------------------------------------------------------------------------------
def simulate_plan_outcomes(
    truth: pd.DataFrame,
    plan: pd.DataFrame,
    products: pd.DataFrame,
    *,
    campaign_id: str,
    sent_at: pd.Timestamp = END,
    window_days: int = WINDOW_DAYS,
    seed: int = 0,
    channel: str = "email",
) -> dict[str, pd.DataFrame]:
    """Orders in the window after `sent_at` for every customer of `plan`, and the plan's
    exposures as rows of ``campaigns.csv``.

    `truth` is a shop's truth frame (``p_buy__<offer>``, ``revenue__<offer>``,
    ``discount__<offer>``, ``none`` for no offer); `plan` has ``customer_id, offer_id`` and
    optionally ``group, propensity, coupon_code``. A buyer places one order of a product from
    their favourite category whose price is nearest their expected basket, at the basket's
    value, with the offer's expected discount and the plan's coupon code.
    Returns ``{"campaigns": ..., "orders": ...}`` in shop-folder format.
    """
    rng = np.random.default_rng([seed, 13])
    plan = plan.reset_index(drop=True)
    offer = plan["offer_id"].fillna("").astype(str).to_numpy()
    index = pd.Index(truth["customer_id"].astype(str))
    rows = index.get_indexer(plan["customer_id"].astype(str))
    if (rows < 0).any():
        raise KeyError("the plan names customers the synthetic shop does not have")
    key = np.where(offer == "", "none", offer)
    p_buy = np.empty(len(plan))
    revenue = np.empty(len(plan))
    discount = np.empty(len(plan))
    for name in np.unique(key):
        mask = key == name
        p_buy[mask] = truth[f"p_buy__{name}"].to_numpy()[rows[mask]]
        revenue[mask] = truth[f"revenue__{name}"].to_numpy()[rows[mask]]
        discount[mask] = truth[f"discount__{name}"].to_numpy()[rows[mask]]
    bought = rng.random(len(plan)) < p_buy
    sent_at = pd.Timestamp(sent_at)
    # one order per buyer: a product of their top category near the basket's value
    category = truth["top_category"].to_numpy()[rows[bought]]
    product, price = _nearest_product(products, category, revenue[bought])
    # as many units as make up the basket, so the product's cost gives the basket's margin
    quantity = np.maximum(np.round(revenue[bought] / price), 1).astype(int)
    minutes = rng.uniform(30, window_days * 1440 - 30, bought.sum())
    code = (
        plan["coupon_code"].fillna("").astype(str).to_numpy()[bought]
        if "coupon_code" in plan.columns
        else np.full(bought.sum(), "")
    )
    code = np.where(offer[bought] != "", code, "")
    orders = pd.DataFrame(
        {
            "order_id": [f"{campaign_id}-O{i:06d}" for i in range(1, bought.sum() + 1)],
            "timestamp": (sent_at + pd.to_timedelta(np.round(minutes), unit="min")).strftime(
                "%Y-%m-%dT%H:%M:%S"
            ),
            "customer_id": plan["customer_id"].astype(str).to_numpy()[bought],
            "product_id": product,
            "quantity": quantity,
            "unit_price": np.round(revenue[bought] / quantity, 2),
            "discount": np.round(np.minimum(discount[bought], revenue[bought]), 2),
            "coupon_code": np.where(code == "", None, code),
        }
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": campaign_id,
            "customer_id": plan["customer_id"].astype(str).to_numpy(),
            "offer_id": offer,
            "sent_at": sent_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "channel": channel,
            "propensity": (
                plan["propensity"].to_numpy() if "propensity" in plan.columns else np.nan
            ),
        }
    )
    for extra in ("group", "coupon_code"):
        if extra in plan.columns:
            campaigns[extra] = plan[extra].to_numpy()
    return {"campaigns": campaigns, "orders": orders}


def _nearest_product(
    products: pd.DataFrame, category: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per buyer: the product of their category priced nearest `value`, and its price."""
    out = np.empty(len(category), dtype=object)
    prices_out = np.empty(len(category))
    for cat in np.unique(category):
        mask = category == cat
        pool = products[products["category"] == cat].sort_values("price")
        if pool.empty:
            pool = products.sort_values("price")
        prices = pool["price"].to_numpy()
        at = np.clip(np.searchsorted(prices, value[mask]), 0, len(prices) - 1)
        out[mask] = pool["product_id"].to_numpy()[at]
        prices_out[mask] = prices[at]
    return out, prices_out


# ---------------------------------------------------------------------------------------------
@dataclass
class SyntheticCampaign:
    """A simulated campaign: one row per customer, and the truth behind it."""

    frame: pd.DataFrame  # arm, propensity, converted, revenue, profit, pre_revenue, pre_orders
    expected: dict[str, pd.DataFrame]  # arm -> per-customer expected converted/revenue/profit
    true_lift: pd.DataFrame  # arm x metric: mean expected outcome minus control's

    def true_incremental_profit(self) -> float:
        """Expected profit of the customers who were sent an offer, minus what they would
        have earned without it (the campaign as it was sent, against sending nothing)."""
        arm = self.frame["arm"].to_numpy()
        total = 0.0
        for a in self.expected:
            mask = arm == a
            total += float(
                (
                    self.expected[a]["profit"].to_numpy()[mask]
                    - self.expected[CONTROL]["profit"].to_numpy()[mask]
                ).sum()
            )
        return total

    def policy_value(self, policy: np.ndarray) -> float:
        """True expected profit per customer of giving each customer ``policy[i]`` (an arm,
        ``control`` = nothing) minus that of sending nothing."""
        profit = np.column_stack([self.expected[a]["profit"] for a in self.expected])
        arms = list(self.expected)
        pick = np.array([arms.index(a) for a in policy])
        chosen = profit[np.arange(len(policy)), pick]
        return float((chosen - self.expected[CONTROL]["profit"].to_numpy()).mean())


def random_campaign(
    rng: np.random.Generator,
    n: int,
    *,
    effects: dict[str, float],
    discount: float = 0.10,
    margin: float = 0.40,
    send_cost: float | None = 0.05,
    unequal: bool = False,
    days: int = 14,
    predictive: float = 1.0,
    activity: float = 1.0,
) -> SyntheticCampaign:
    """A randomized campaign on `n` customers.

    Customer ``i`` buys at rate ``lam_i`` per day (gamma-distributed, stable over time when
    `predictive` is 1, re-drawn independently when 0) with baskets of mean ``b_i``; an offer
    ``a`` adds ``effects[a] * s_i`` to the rate (``s_i`` a discount sensitivity), gives
    `discount` off, and costs `send_cost` per message. ``send_cost=None`` picks, per arm, the send
    cost that makes the arm's true profit lift exactly zero. `unequal` assigns arms with
    probabilities that depend on the customer's pre-period spend (like a targeted plan with a
    control group and an exploration slice): an unweighted comparison is then biased.
    """
    offers = list(effects)
    arms = [CONTROL, *offers]
    lam = rng.gamma(0.6, 0.02 * activity, n)
    basket = rng.lognormal(np.log(80), 0.5, n)
    sens = rng.beta(2, 2, n)
    pre_rate = predictive * lam + (1 - predictive) * rng.gamma(0.6, 0.02 * activity, n)
    pre_orders = rng.poisson(pre_rate * days)
    pre_revenue = pre_orders * basket * rng.lognormal(-0.02, 0.2, n)
    if unequal:
        # the "model" chooses the first offer for customers with spend; explore 10%, control 15%
        chosen = pre_revenue > 0
        k = len(offers)
        probs = np.where(
            chosen[:, None],
            np.array([0.15 * 0.9] + [0.1 / k + 0.9 * 0.85 * (j == 0) for j in range(k)]),
            np.array([0.9] + [0.1 / k] * k),
        )
    else:
        probs = np.full((n, len(arms)), 1.0 / len(arms))
    u = rng.random(n)[:, None]
    pick = np.minimum((u > np.cumsum(probs, axis=1)).sum(axis=1), len(arms) - 1)
    arm = np.asarray(arms, dtype=object)[pick]
    propensity = probs[np.arange(n), pick]

    rates = {CONTROL: lam, **{a: lam + effects[a] * sens for a in offers}}
    discounts = {CONTROL: 0.0, **dict.fromkeys(offers, discount)}
    costs = dict.fromkeys(arms, 0.0)
    expected = {}
    for a in arms:
        mu = rates[a] * days
        gross = mu * basket
        expected[a] = pd.DataFrame(
            {
                "converted": 1 - np.exp(-mu),
                "revenue": gross * (1 - discounts[a]),
                "profit": gross * (margin - discounts[a]),
            }
        )
    for a in offers:
        gap = expected[a]["profit"].mean() - expected[CONTROL]["profit"].mean()
        costs[a] = gap if send_cost is None else send_cost
        expected[a]["profit"] -= costs[a]

    mu = np.choose(pick, [rates[a] * days for a in arms])
    orders = rng.poisson(mu)
    gross = orders * basket * rng.lognormal(-0.02, 0.2, n)
    disc = np.array([discounts[a] for a in arms])[pick]
    cost = np.array([costs[a] for a in arms])[pick]
    frame = pd.DataFrame(
        {
            "customer_id": [f"S{i:06d}" for i in range(n)],
            "arm": arm,
            "propensity": propensity,
            "converted": (orders > 0).astype(int),
            "revenue": gross * (1 - disc),
            "profit": gross * (margin - disc) - cost,
            "send_cost": cost,
            "pre_revenue": pre_revenue,
            "pre_orders": pre_orders,
        }
    )
    names = {
        "converted": "conversion",
        "revenue": "revenue_per_customer",
        "profit": "profit_per_customer",
    }
    base = expected[CONTROL].mean()
    true_lift = pd.DataFrame({a: (expected[a].mean() - base).rename(names) for a in offers}).T
    return SyntheticCampaign(frame, expected, true_lift)

"""The synthetic shop's catalogue and its order process: which products a customer's orders
hold and what an offer does to a basket. The truth's revenue and discount per offer average
this same process (:func:`expected_baskets`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.columns import OFFER_ID, PRODUCT_ID
from promopilot.synth.world import (
    CATEGORIES,
    ITEMS,
    MEAN_QUANTITY,
    OFFERS,
    SALE_DISCOUNT,
    SHIP_FEE,
    START,
)


def make_products(rng: np.random.Generator, per_category: int) -> pd.DataFrame:
    rows = []
    for cat in CATEGORIES.itertuples():
        n = per_category
        price = np.round(cat.price_median * np.exp(rng.normal(0, 0.55, n)), 0) + 0.9
        margin = np.clip(cat.margin + rng.normal(0, 0.06, n), 0.08, 0.85)
        names = ITEMS[cat.category]
        pick = np.arange(n) % len(names)
        rows.append(
            pd.DataFrame(
                {
                    "category": cat.category,
                    "title": [f"{names[k][0]} {names[k][1]} #{i + 1}" for i, k in enumerate(pick)],
                    "price": price,
                    "cost": np.round(price * (1 - margin), 2),
                    "quality": rng.beta(5, 1.5, n),  # hidden: drives review ratings
                }
            )
        )
    products = pd.concat(rows, ignore_index=True)
    products = products.sort_values(["category", "price"], kind="stable").reset_index(drop=True)
    products.insert(0, PRODUCT_ID, [f"P{i:04d}" for i in range(len(products))])
    products["description"] = products["title"].str.split(" #").str[0]
    products["in_stock"] = rng.random(len(products)) > 0.05
    return products


@dataclass
class Catalog:
    products: pd.DataFrame
    starts: np.ndarray  # first product index of each category (products sorted by price)
    sizes: np.ndarray

    def pick(
        self, rng: np.random.Generator, category: np.ndarray, quantile: np.ndarray
    ) -> np.ndarray:
        """Product index for each (category, price quantile), with noise."""
        q = np.clip(quantile + rng.normal(0, 0.18, len(category)), 0, 0.999)
        return self.starts[category] + (q * self.sizes[category]).astype(np.int64)

    def price_at(self, category: int, quantile: np.ndarray) -> np.ndarray:
        prices = self.products["price"].to_numpy()[
            self.starts[category] : self.starts[category] + self.sizes[category]
        ]
        return np.interp(quantile, np.linspace(0, 1, len(prices)), prices)

    def expected_basket(
        self, taste: np.ndarray, price_q: np.ndarray, items_per_order: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each customer's expected basket value and its margin rate (revenue-weighted over
        the categories of their taste, at their price quantile)."""
        mean_price = np.zeros(len(price_q))
        margin_money = np.zeros(len(price_q))
        for k in range(len(CATEGORIES)):
            price_k = taste[:, k] * self.price_at(k, price_q)
            mean_price += price_k
            margin_money += price_k * CATEGORIES["margin"].iloc[k]
        return mean_price * items_per_order * MEAN_QUANTITY, margin_money / mean_price


def sample_categories(
    rng: np.random.Generator, taste: np.ndarray, owners: np.ndarray
) -> np.ndarray:
    cumulative = np.cumsum(taste, axis=1)[owners]
    u = rng.random(len(owners))[:, None]
    return np.minimum((u > cumulative).sum(axis=1), taste.shape[1] - 1)


def order_lines(
    rng: np.random.Generator,
    catalog: Catalog,
    taste: np.ndarray,
    price_q: np.ndarray,
    items_per_order: np.ndarray,
    owner: np.ndarray,
    order_offer: np.ndarray,
    cat_index: dict[str, int],
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The lines of orders placed by `owner` with `order_offer` ("" none, "sale", "coupon" or
    an offer id): (lines with o, product, price, quantity, offer; gross value per order;
    discount per line). The truth's revenue and discount per offer average this same process."""
    products = catalog.products
    n_lines = 1 + rng.poisson(np.maximum(items_per_order[owner] - 1, 0.0))
    line_order = np.repeat(np.arange(len(owner)), n_lines)
    line_owner = owner[line_order]
    line_cat = sample_categories(rng, taste, line_owner)
    line_offer = order_offer[line_order]
    # beauty15 buyers put at least one beauty item in the basket
    first_line = np.r_[True, line_order[1:] != line_order[:-1]]
    line_cat[(line_offer == "beauty15") & first_line] = cat_index["beauty"]
    line_product = catalog.pick(rng, line_cat, price_q[line_owner])
    price = products["price"].to_numpy()[line_product]
    quantity = np.where(rng.random(len(line_order)) < MEAN_QUANTITY - 1, 2, 1)
    # 满减: buyers below the threshold add an item to reach it (凑单)
    value = np.bincount(line_order, weights=price * quantity, minlength=len(owner))
    mj = (order_offer == "mj150_20") & (value >= 105) & (value < 150)
    if mj.any():
        idx = np.flatnonzero(mj)
        gap = 150 - value[idx]
        cheapest = catalog.starts[cat_index["food"]] + np.zeros(len(idx), dtype=np.int64)
        unit = products["price"].to_numpy()[cheapest]
        extra_quantity = np.ceil(gap / unit).astype(int)
        line_order = np.concatenate([line_order, idx])
        line_product = np.concatenate([line_product, cheapest])
        quantity = np.concatenate([quantity, extra_quantity])
        value[idx] += unit * extra_quantity
    # merge repeated products within an order (an order has one line per product), sorted by
    # order then product; a line's price is its product's and its offer its order's, so only
    # the quantities add up (in numpy: a pandas groupby taking the first of a string column
    # was most of the time `make_shop` took)
    key = line_order * len(products) + line_product
    merged, position = np.unique(key, return_inverse=True)
    total = np.zeros(len(merged), dtype=np.int64)
    np.add.at(total, position, quantity)
    merged_order, merged_product = merged // len(products), merged % len(products)
    offer = order_offer[merged_order]
    lines = pd.DataFrame(
        {
            "o": merged_order,
            "product": merged_product,
            "price": products["price"].to_numpy()[merged_product],
            "quantity": total,
            "offer": offer,
        }
    )
    gross = lines["price"].to_numpy() * lines["quantity"].to_numpy()
    line_cat_name = products["category"].to_numpy()[lines["product"].to_numpy()]
    discount = np.zeros(len(lines))
    discount[offer == "sale"] = SALE_DISCOUNT * gross[offer == "sale"]
    discount[offer == "coupon"] = 0.10 * gross[offer == "coupon"]
    discount[offer == "pct10"] = 0.10 * gross[offer == "pct10"]
    b15 = (offer == "beauty15") & (line_cat_name == "beauty")
    discount[b15] = 0.15 * gross[b15]
    discount += _money_off(lines["o"].to_numpy(), gross, (offer == "mj150_20"), value, 150, 20)
    return lines, value, discount


def _money_off(
    order: np.ndarray,
    gross: np.ndarray,
    offered: np.ndarray,
    value: np.ndarray,
    over: float,
    off: float,
) -> np.ndarray:
    """Each line's share of a 满减 discount (`off` on orders worth at least `over`): on the
    order's most valuable line, or spread over its lines by value where no line is worth
    `off` (a discount is never more than its line's value)."""
    out = np.zeros(len(gross))
    if not len(gross):
        return out
    qualifies = offered & (value[order] >= over)
    top = np.zeros(len(gross), dtype=bool)
    top[pd.Series(gross).groupby(order).idxmax().to_numpy()] = True
    order_top = np.zeros(len(value))
    np.maximum.at(order_top, order, gross)
    whole = qualifies & top & (order_top[order] >= off)
    out[whole] = off
    spread = qualifies & (order_top[order] < off)
    order_gross = np.bincount(order, weights=gross, minlength=len(value))
    out[spread] = off * gross[spread] / order_gross[order[spread]]
    return out


def expected_baskets(
    seed: int,
    catalog: Catalog,
    taste: np.ndarray,
    price_q: np.ndarray,
    items_per_order: np.ndarray,
    cat_index: dict[str, int],
    draws: int = 200,
    offer_ids: list[str] | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per offer (and "" for none): each customer's expected (gross order value, discount) of
    an order placed with it, averaged over `draws` simulated orders of the generator's own
    order process (its own random stream: the shop's data do not change). `offer_ids`: these
    ("" included) instead of none and every offer."""
    rng = np.random.default_rng([seed, 7])
    n = len(price_q)
    out = {}
    for offer in ["", *OFFERS[OFFER_ID]] if offer_ids is None else offer_ids:
        owner = np.tile(np.arange(n), draws)
        lines, value, discount = order_lines(
            rng,
            catalog,
            taste,
            price_q,
            items_per_order,
            owner,
            np.full(len(owner), offer, dtype=object),
            cat_index,
        )
        per_order = np.bincount(lines["o"].to_numpy(), weights=discount, minlength=len(owner))
        if offer == "freeship":
            per_order = np.full(len(owner), SHIP_FEE)
        out[offer] = (
            value.reshape(draws, n).mean(axis=0),
            per_order.reshape(draws, n).mean(axis=0),
        )
    return out


def day_of(ts: pd.Timestamp) -> float:
    return (ts - START) / pd.Timedelta(days=1)


def stamp(days: np.ndarray) -> np.ndarray:
    """Day offsets from START as ISO 8601 strings (seconds)."""
    seconds = np.round(np.asarray(days, dtype=np.float64) * 86400).astype("int64")
    stamps = np.datetime64(START.to_datetime64(), "s") + seconds.astype("timedelta64[s]")
    return np.datetime_as_string(stamps, unit="s")

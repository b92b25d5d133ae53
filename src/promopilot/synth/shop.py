"""A realistic synthetic shop with a known truth, for demos, tests and benchmarks.

Every customer has hidden traits: a purchase rate while active, a lifetime after which they
churn, a discount sensitivity, a taste over categories and a price level. From them come
browsing, carts, orders (with the odd coupon), reviews in Chinese and English, a past
sitewide sale (双11) and one past randomized campaign over the shop's offers. The hidden
traits, and each customer's true response to every offer in a campaign sent at the end of
the data, are written apart (``_truth/``) so models can be checked against them.

Everything is vectorized: a million customers and ten million events take about a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from promopilot.columns import CAMPAIGN_ID, CUSTOMER_ID, OFFER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.synth.activity import browsing_events, reviews
from promopilot.synth.oracle import likeliest_buyers_plan, oracle_plan, random_plan
from promopilot.synth.orders import (
    Catalog,
    day_of,
    expected_baskets,
    make_products,
    order_lines,
    stamp,
)
from promopilot.synth.truth import (
    campaign_truth,
    plan_true_value,
    true_expected_cost,
    true_incremental_profit,
)
from promopilot.synth.world import (
    CAMPAIGN_AT,
    CATEGORIES,
    COUPON_CODES,
    END,
    GIVEN,
    MEAN_LIFETIME_DAYS,
    OFFERS,
    PAST_CAMPAIGN_ID,
    REGIONS,
    SALE,
    START,
    SURNAMES,
    WINDOW_DAYS,
)

# what other modules import from here (the truth and the oracle live in their own modules)
__all__ = [
    "CAMPAIGN_AT",
    "END",
    "OFFERS",
    "START",
    "WINDOW_DAYS",
    "Shop",
    "likeliest_buyers_plan",
    "make_shop",
    "oracle_plan",
    "plan_true_value",
    "random_plan",
    "true_expected_cost",
    "true_incremental_profit",
]


@dataclass
class Shop:
    """A generated shop: the tables of a shop folder plus the hidden truth."""

    tables: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    offers: pd.DataFrame

    def write(self, out: str | Path) -> Path:
        """Write the shop folder (CSV) and ``_truth/customers.csv``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            if len(frame):  # a shop without, say, past campaigns has no such file
                _write_csv(frame, out / f"{name}.csv")
        (out / "_truth").mkdir(exist_ok=True)
        _write_csv(self.truth, out / "_truth" / "customers.csv")
        (out / "_truth" / "README.txt").write_text(
            "Hidden truth of a synthetic promopilot shop. Not shop data: never ingest it.\n"
            "customers.csv: one row per customer with the traits the data was generated from\n"
            "and, for a campaign sent at the as-of date (" + END.date().isoformat() + "), each\n"
            "offer's true purchase probability (p_buy__<offer>), revenue and discount given a\n"
            "purchase, and expected incremental profit.\n",
            encoding="utf-8",
        )
        return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


# ---------------------------------------------------------------------------------------
def make_shop(
    n_customers: int = 2000,
    seed: int = 0,
    *,
    products_per_category: int = 25,
    campaign_share: float = 1.0,
    browse_scale: float = 1.0,
) -> Shop:
    """Generate a shop.

    Parameters
    ----------
    n_customers, seed : size and random seed (same seed, same shop).
    products_per_category : catalogue size per category (8 categories).
    campaign_share : share of the customers known at the campaign date who were in the past
        randomized campaign (uniform over no offer and every offer).
    browse_scale : multiplies browsing (views, carts): about 40 events per customer at 1.0.
    """
    rng = np.random.default_rng(seed)
    products = make_products(rng, products_per_category)
    sizes = products.groupby("category", sort=False).size()
    cat_index = {c: i for i, c in enumerate(CATEGORIES["category"])}
    starts = np.zeros(len(CATEGORIES), dtype=np.int64)
    sizes_arr = np.zeros(len(CATEGORIES), dtype=np.int64)
    for cat, n in sizes.items():
        sizes_arr[cat_index[cat]] = n
        starts[cat_index[cat]] = products.index[products["category"] == cat][0]
    catalog = Catalog(products, starts, sizes_arr)
    n = n_customers
    horizon = day_of(END)

    # -- hidden customer traits ----------------------------------------------------------
    ids = np.array([f"C{i:06d}" for i in range(1, n + 1)])
    signup = np.sort(rng.uniform(-120, horizon - 20, n))  # some joined before the data
    signup = np.where(signup < 0, rng.uniform(-400, 0, n), signup)
    activity = rng.gamma(1.2, 0.010, n)  # purchases per day while active
    lifetime = rng.exponential(MEAN_LIFETIME_DAYS, n)
    end_day = signup + lifetime
    sensitivity = rng.beta(1.6, 2.2, n)
    taste = rng.dirichlet(np.full(len(CATEGORIES), 0.35), n)
    price_q = np.clip(0.62 - 0.75 * (sensitivity - 0.42) + rng.normal(0, 0.12, n), 0.02, 0.98)
    items_per_order = 1.0 + rng.gamma(1.0, 0.5, n)
    browse = (rng.gamma(2.0, 0.03, n) + 6 * activity) * browse_scale  # views/day while active

    basket, margin_rate = catalog.expected_basket(taste, price_q, items_per_order)

    customers_hidden = pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            "signup_day": signup,
            "end_day": end_day,
            "activity_rate": activity,
            "discount_sensitivity": sensitivity,
            "taste_beauty": taste[:, cat_index["beauty"]],
        }
    )

    # -- baseline purchases (Poisson while active, boosted during the sale) ----------------
    sale0, sale1 = day_of(SALE[0]), day_of(SALE[1])
    camp0, camp1 = day_of(CAMPAIGN_AT), day_of(CAMPAIGN_AT) + WINDOW_DAYS
    lo = np.maximum(signup, 0)
    hi = np.minimum(end_day, horizon)
    active = np.maximum(hi - lo, 0)
    sale_overlap = np.maximum(np.minimum(hi, sale1) - np.maximum(lo, sale0), 0)
    sale_boost = 1 + 5.0 * sensitivity**1.5
    expected = activity * (active - sale_overlap) + activity * sale_boost * sale_overlap
    n_orders = rng.poisson(expected)
    owner = np.repeat(np.arange(n), n_orders)
    # place orders: in the sale window with probability proportional to its extra weight
    in_sale_p = np.where(
        expected > 0, activity * sale_boost * sale_overlap / np.maximum(expected, 1e-12), 0
    )
    in_sale = rng.random(len(owner)) < in_sale_p[owner]
    t_normal = lo[owner] + rng.random(len(owner)) * active[owner]
    # rejection-free: map uniform normal times that land in the sale window out of it
    t_sale = np.maximum(lo[owner], sale0) + rng.random(len(owner)) * sale_overlap[owner]
    t = np.where(in_sale, t_sale, t_normal)
    bad = (~in_sale) & (t >= sale0) & (t < sale1)
    t[bad] = lo[owner[bad]] + rng.random(bad.sum()) * active[owner[bad]]
    # the campaign window's purchases come from the campaign response below
    in_campaign_window = (t >= camp0) & (t < camp1) & (signup[owner] <= camp0)
    keep = ~in_campaign_window
    owner, t, in_sale = owner[keep], t[keep], in_sale[keep]
    coupon_use = (~in_sale) & (rng.random(len(owner)) < 0.02 + 0.30 * sensitivity[owner] ** 2)
    orders_base = pd.DataFrame(
        {
            "owner": owner,
            "day": t,
            "offer": np.where(in_sale, "sale", np.where(coupon_use, "coupon", "")),
        }
    )

    # -- the past randomized campaign -------------------------------------------------------
    truth_campaign = campaign_truth(customers_hidden, CAMPAIGN_AT, basket)
    eligible = np.flatnonzero((signup <= camp0) & (rng.random(n) < campaign_share))
    arms = np.array(["", *OFFERS[OFFER_ID]])
    arm = arms[rng.integers(0, len(arms), len(eligible))]
    p_arm = np.where(arm == "", truth_campaign["p_buy__none"].to_numpy()[eligible], 0.0)
    for offer in OFFERS[OFFER_ID]:
        mask = arm == offer
        p_arm[mask] = truth_campaign[f"p_buy__{offer}"].to_numpy()[eligible[mask]]
    bought = rng.random(len(eligible)) < p_arm
    campaigns = pd.DataFrame(
        {
            CAMPAIGN_ID: PAST_CAMPAIGN_ID,
            CUSTOMER_ID: ids[eligible],
            OFFER_ID: arm,
            "sent_at": (CAMPAIGN_AT + pd.Timedelta(hours=10)).isoformat(),
            "channel": np.where(rng.random(len(eligible)) < 0.7, "email", "sms"),
            "propensity": 1.0 / len(arms),
        }
    )
    camp_orders = pd.DataFrame(
        {
            "owner": eligible[bought],
            "day": camp0 + 0.42 + rng.random(bought.sum()) * (WINDOW_DAYS - 0.5),
            "offer": arm[bought],
        }
    )
    orders_all = pd.concat([orders_base, camp_orders], ignore_index=True)
    orders_all = orders_all.sort_values("day", kind="stable").reset_index(drop=True)
    orders_all[ORDER_ID] = [f"O{i:07d}" for i in range(1, len(orders_all) + 1)]

    # -- order lines ----------------------------------------------------------------------------
    lines, value, discount = order_lines(
        rng,
        catalog,
        taste,
        price_q,
        items_per_order,
        orders_all["owner"].to_numpy(),
        orders_all["offer"].to_numpy(),
        cat_index,
    )
    offer = lines["offer"].to_numpy()
    code = pd.Series(offer).map({"sale": "SALE1111", "coupon": "WELCOME10", **COUPON_CODES})
    code[(offer == "mj150_20") & ~(value[lines["o"].to_numpy()] >= 150)] = None
    o = lines["o"].to_numpy()
    order_day = orders_all["day"].to_numpy()[o]
    orders = pd.DataFrame(
        {
            ORDER_ID: orders_all[ORDER_ID].to_numpy()[o],
            TIMESTAMP: stamp(order_day),
            CUSTOMER_ID: ids[orders_all["owner"].to_numpy()[o]],
            PRODUCT_ID: products[PRODUCT_ID].to_numpy()[lines["product"].to_numpy()],
            "quantity": lines["quantity"].to_numpy(),
            "unit_price": lines["price"].to_numpy(),
            "discount": np.round(discount, 2),
            "coupon_code": code.where(pd.notna(code), None),
        }
    )

    # -- events: browsing, carts (some abandoned), and the views/carts before each purchase --
    events = browsing_events(
        rng,
        ids=ids,
        catalog=catalog,
        taste=taste,
        price_q=price_q,
        browse=browse,
        sensitivity=sensitivity,
        lo=lo,
        active=active,
        sale0=sale0,
        sale_overlap=sale_overlap,
        horizon=horizon,
        buy_owner=orders_all["owner"].to_numpy()[o],
        buy_product=lines["product"].to_numpy(),
        order_day=order_day,
    )
    quality = products["quality"].to_numpy()[lines["product"].to_numpy()]
    reviews_table = reviews(rng, orders, quality, order_day, horizon)

    customers = pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            "signup_at": stamp(signup),
            "region": np.asarray(REGIONS)[rng.integers(0, len(REGIONS), n)],
            "email": np.char.add(
                np.char.add("user", np.arange(1, n + 1).astype(str)), "@example.com"
            ),
            "phone": np.char.add("138", rng.integers(10**7, 10**8, n).astype(str)),
            "name": np.char.add(
                np.asarray(SURNAMES)[rng.integers(0, len(SURNAMES), n)],
                np.asarray(GIVEN)[rng.integers(0, len(GIVEN), n)],
            ),
        }
    )

    # -- truth ---------------------------------------------------------------------------------
    # revenue and discount of an order with each offer: what the order process really gives
    # (a beauty coupon's buyer adds a beauty item; 满减 needs the realized basket near 150)
    orders_with = expected_baskets(
        seed,
        catalog,
        taste,
        price_q,
        items_per_order,
        cat_index,
        draws=int(np.clip(600_000 // n, 4, 200)),
    )
    truth_end = campaign_truth(customers_hidden, END, basket, orders_with)
    alive_end = end_day > horizon
    remaining = np.where(
        alive_end, MEAN_LIFETIME_DAYS * (1 - np.exp(-90 / MEAN_LIFETIME_DAYS)), 0.0
    )
    truth = pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            "signup_at": stamp(signup),
            "activity_rate": activity,
            "lifetime_days": lifetime,
            "churned": ~alive_end,
            "expected_purchases_90d": activity * remaining,
            "discount_sensitivity": sensitivity,
            "price_quantile": price_q,
            "top_category": CATEGORIES["category"].to_numpy()[taste.argmax(axis=1)],
            "taste_beauty": taste[:, cat_index["beauty"]],  # share of beauty in their taste
            "basket_value": basket,
            "margin_rate": margin_rate,
            "in_past_campaign": np.isin(np.arange(n), eligible),
        }
    )
    truth = pd.concat([truth, truth_end.drop(columns=["alive"])], axis=1)
    for offer, profit in true_incremental_profit(truth).items():
        truth[f"profit__{offer}"] = profit.to_numpy()

    tables = {
        "products": products.drop(columns=["quality"]),
        "customers": customers,
        "offers": OFFERS.drop(columns=["title"]),
        "orders": orders,
        "events": events,
        "reviews": reviews_table,
        "campaigns": campaigns,
    }
    return Shop(tables=tables, truth=truth, offers=OFFERS.drop(columns=["title"]))

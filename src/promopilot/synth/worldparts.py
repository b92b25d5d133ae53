"""Tables of a world's shop folder built from its drawn purchases: orders (with coupon codes),
returns and customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.columns import CUSTOMER_ID, ORDER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.synth.orders import Catalog, order_lines, stamp
from promopilot.synth.world import COUPON_CODES, END, GIVEN, REGIONS, SURNAMES


def order_table(
    rng: np.random.Generator,
    catalog: Catalog,
    cat_index: dict[str, int],
    ids: np.ndarray,
    taste: np.ndarray,
    price_q: np.ndarray,
    items_per_order: np.ndarray,
    owner: np.ndarray,
    day: np.ndarray,
    offer: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The orders file for orders placed by `owner` (an index into the trait arrays, which may
    stack copies of the customers: customer = owner mod len(ids)) on `day` with `offer` ("",
    "sale", "coupon" or an offer id).

    Returns (orders, each line's day, customer index, product index, hidden product quality)."""
    n = len(ids)
    order = np.argsort(day, kind="stable")
    owner, day, offer = owner[order], day[order], offer[order]
    lines, value, discount = order_lines(
        rng, catalog, taste, price_q, items_per_order, owner, offer, cat_index
    )
    o = lines["o"].to_numpy()
    line_offer = lines["offer"].to_numpy()
    code = pd.Series(line_offer).map({"sale": "SALE1111", "coupon": "WELCOME10", **COUPON_CODES})
    code[(line_offer == "mj150_20") & ~(value[o] >= 150)] = None
    order_ids = np.char.add("O", np.char.zfill(np.arange(1, len(owner) + 1).astype(str), 7))
    product = lines["product"].to_numpy()
    line_owner = owner[o] % n
    orders = pd.DataFrame(
        {
            ORDER_ID: order_ids[o],
            TIMESTAMP: stamp(day[o]),
            CUSTOMER_ID: ids[line_owner],
            PRODUCT_ID: catalog.products[PRODUCT_ID].to_numpy()[product],
            "quantity": lines["quantity"].to_numpy(),
            "unit_price": lines["price"].to_numpy(),
            "discount": np.round(discount, 2),
            "coupon_code": code.where(pd.notna(code), None),
        }
    )
    quality = catalog.products["quality"].to_numpy()[product]
    return orders, day[o], line_owner, product, quality


def returns_table(rng: np.random.Generator, orders: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Return lines for a share `rate` of the order lines: the same product and price, negative
    quantity, 2 to 30 days later (only those before the as-of date)."""
    picked = orders[rng.random(len(orders)) < rate]
    when = pd.to_datetime(picked[TIMESTAMP]) + pd.to_timedelta(
        rng.uniform(2, 30, len(picked)), unit="D"
    )
    keep = (when < END).to_numpy()
    picked, when = picked[keep], when[keep]
    return pd.DataFrame(
        {
            ORDER_ID: picked[ORDER_ID].to_numpy() + "-R",
            TIMESTAMP: when.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(),
            CUSTOMER_ID: picked[CUSTOMER_ID].to_numpy(),
            PRODUCT_ID: picked[PRODUCT_ID].to_numpy(),
            "quantity": -picked["quantity"].to_numpy(),
            "unit_price": picked["unit_price"].to_numpy(),
            "discount": 0.0,
            "coupon_code": None,
            "is_return": True,
        }
    )


def customers_table(rng: np.random.Generator, ids: np.ndarray, signup: np.ndarray) -> pd.DataFrame:
    """The customers file: signup date, region and (synthetic) contact data."""
    n = len(ids)
    return pd.DataFrame(
        {
            CUSTOMER_ID: ids,
            "signup_at": stamp(np.maximum(signup, -400)),
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

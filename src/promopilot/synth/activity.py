"""What customers do besides ordering: browsing (views, carts, wishlists, and the views and
carts before each purchase) and reviews in Chinese and English."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.columns import CUSTOMER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.synth.orders import Catalog, sample_categories, stamp
from promopilot.synth.world import (
    REVIEWS_MID_EN,
    REVIEWS_MID_ZH,
    REVIEWS_NEG_EN,
    REVIEWS_NEG_ZH,
    REVIEWS_POS_EN,
    REVIEWS_POS_ZH,
)


def browsing_events(
    rng: np.random.Generator,
    *,
    ids: np.ndarray,
    catalog: Catalog,
    taste: np.ndarray,
    price_q: np.ndarray,
    browse: np.ndarray,
    sensitivity: np.ndarray,
    lo: np.ndarray,
    active: np.ndarray,
    sale0: float,
    sale_overlap: np.ndarray,
    horizon: float,
    buy_owner: np.ndarray,
    buy_product: np.ndarray,
    order_day: np.ndarray,
) -> pd.DataFrame:
    """The events table: views while active (more during the sale, for the sensitive), some
    carted or wishlisted, plus a view, a cart and a purchase event for each order line
    (`buy_owner`, `buy_product`, `order_day`)."""
    n = len(ids)
    products = catalog.products
    view_expected = browse * active + browse * 2.0 * sensitivity * sale_overlap
    n_views = rng.poisson(view_expected)
    v_owner = np.repeat(np.arange(n), n_views)
    v_sale_p = np.where(
        view_expected > 0,
        browse * 2.0 * sensitivity * sale_overlap / np.maximum(view_expected, 1e-12),
        0,
    ) + browse * sale_overlap / np.maximum(view_expected, 1e-12)
    v_in_sale = rng.random(len(v_owner)) < np.clip(v_sale_p[v_owner], 0, 1)
    v_day = np.where(
        v_in_sale,
        np.maximum(lo[v_owner], sale0) + rng.random(len(v_owner)) * sale_overlap[v_owner],
        lo[v_owner] + rng.random(len(v_owner)) * active[v_owner],
    )
    v_product = catalog.pick(rng, sample_categories(rng, taste, v_owner), price_q[v_owner])
    carted = rng.random(len(v_owner)) < 0.08
    buy_views = pd.DataFrame(
        {
            "owner": buy_owner,
            "day": order_day - 0.01,
            "product": buy_product,
        }
    )
    events = pd.concat(
        [
            pd.DataFrame({"owner": v_owner, "day": v_day, "product": v_product, "event": "view"}),
            pd.DataFrame(
                {
                    "owner": v_owner[carted],
                    "day": v_day[carted] + 0.002,
                    "product": v_product[carted],
                    "event": "cart",
                }
            ),
            buy_views.assign(event="view"),
            buy_views.assign(day=buy_views["day"] + 0.005, event="cart"),
            buy_views.assign(day=order_day + 0.0001, event="purchase"),
        ],
        ignore_index=True,
    )
    wish = rng.random(len(v_owner)) < 0.01
    events = pd.concat(
        [
            events,
            pd.DataFrame(
                {
                    "owner": v_owner[wish],
                    "day": v_day[wish] + 0.003,
                    "product": v_product[wish],
                    "event": "wishlist",
                }
            ),
        ],
        ignore_index=True,
    )
    events = events[(events["day"] >= 0) & (events["day"] < horizon)]
    events = events.sort_values("day", kind="stable")
    owner_e = events["owner"].to_numpy()
    day_e = events["day"].to_numpy()
    return pd.DataFrame(
        {
            TIMESTAMP: stamp(day_e),
            CUSTOMER_ID: ids[owner_e],
            PRODUCT_ID: products[PRODUCT_ID].to_numpy()[events["product"].to_numpy()],
            "event": events["event"].to_numpy(),
            "session_id": np.char.add(
                np.char.add(ids[owner_e].astype(str), "-"),
                np.floor(day_e * 6).astype(np.int64).astype(str),
            ),
        }
    ).drop_duplicates([TIMESTAMP, CUSTOMER_ID, PRODUCT_ID, "event"])


def reviews(
    rng: np.random.Generator,
    orders: pd.DataFrame,
    line_quality: np.ndarray,
    order_day: np.ndarray,
    horizon: float,
) -> pd.DataFrame:
    """The reviews table: about one order line in eight is reviewed, in Chinese (70%) or
    English, with stars that follow the product's hidden quality (`line_quality`)."""
    reviewed = np.flatnonzero(rng.random(len(orders)) < 0.12)
    quality = line_quality[reviewed]
    stars = np.clip(np.round(1 + 4 * quality + rng.normal(0, 0.8, len(reviewed))), 1, 5)
    zh = rng.random(len(reviewed)) < 0.7
    text = np.empty(len(reviewed), dtype=object)
    for positive, mask in ((True, stars >= 4), (False, stars <= 2), (None, stars == 3)):
        for lang, pool in (
            (True, {True: REVIEWS_POS_ZH, False: REVIEWS_NEG_ZH, None: REVIEWS_MID_ZH}),
            (False, {True: REVIEWS_POS_EN, False: REVIEWS_NEG_EN, None: REVIEWS_MID_EN}),
        ):
            m = mask & (zh == lang)
            choices = pool[positive]
            text[m] = np.asarray(choices, dtype=object)[rng.integers(0, len(choices), m.sum())]
    return pd.DataFrame(
        {
            "review_id": [f"R{i:07d}" for i in range(1, len(reviewed) + 1)],
            CUSTOMER_ID: orders[CUSTOMER_ID].to_numpy()[reviewed],
            PRODUCT_ID: orders[PRODUCT_ID].to_numpy()[reviewed],
            "text": text,
            "rating": stars.astype(int),
            TIMESTAMP: stamp(
                np.minimum(order_day[reviewed] + rng.uniform(2, 20, len(reviewed)), horizon - 0.001)
            ),
        }
    )

"""SQL for the recommenders: weighted interactions, the product catalogue, baskets, repeat rates.

Every function takes a :class:`~promopilot.data.store.Store` and plain values and returns a
pandas frame; the recommenders never see the store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from promopilot.data.store import Store

#: Default weight of one interaction by event type (view < cart < purchase); an order line
#: counts as a purchase per unit bought.
EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0,
    "cart": 3.0,
    "wishlist": 3.0,
    "purchase": 5.0,
    "rating": 2.0,
}


# postage, fees and adjustments (products.is_product false) are never recommended or learned from
NON_PRODUCTS = "(SELECT product_id FROM products WHERE NOT coalesce(is_product, true))"


def _as_of_clause(as_of: pd.Timestamp | str | None) -> tuple[str, list[object]]:
    if as_of is None:
        return "TRUE", []
    return "timestamp < CAST(? AS TIMESTAMP)", [
        pd.Timestamp(as_of).tz_localize(None) if pd.Timestamp(as_of).tzinfo else pd.Timestamp(as_of)
    ]


def interactions(
    store: Store,
    *,
    as_of: pd.Timestamp | str | None = None,
    event_weights: Mapping[str, float] | None = None,
    purchase_weight: float | None = None,
    half_life_days: float | None = None,
) -> pd.DataFrame:
    """Weighted customer-product interactions from events and orders before `as_of`.

    Each event counts ``event_weights[event]`` (1.0 for an unknown event), each order line
    ``purchase_weight`` per unit (returns excluded). With `half_life_days`, every interaction is
    multiplied by ``0.5 ** (age_days / half_life_days)``, age counted back from `as_of` (or the
    last interaction). Columns: customer_id, product_id, category, weight, n_events,
    first_seen, last_seen.
    """
    weights = dict(EVENT_WEIGHTS if event_weights is None else event_weights)
    per_unit = weights.get("purchase", 5.0) if purchase_weight is None else purchase_weight
    when, params = _as_of_clause(as_of)
    cases = " ".join("WHEN ? THEN ?" for _ in weights) or "WHEN NULL THEN NULL"
    case_params: list[object] = [v for e, w in weights.items() for v in (e, float(w))]
    if half_life_days:
        decay = (
            f"exp(-{math.log(2.0) / float(half_life_days)!r} * "
            "date_diff('second', x.timestamp, r.ref) / 86400.0)"
        )
    else:
        decay = "1.0"
    ref = (
        "SELECT CAST(? AS TIMESTAMP) AS ref"
        if as_of is not None
        else "SELECT max(timestamp) AS ref FROM x"
    )
    ref_params = params if as_of is not None else []
    sql = f"""
        WITH x AS (
            SELECT customer_id, product_id, timestamp,
                   CASE event {cases} ELSE 1.0 END AS w
            FROM events WHERE {when} AND product_id NOT IN {NON_PRODUCTS}
            UNION ALL
            SELECT customer_id, product_id, timestamp, ? * greatest(quantity, 0) AS w
            FROM product_orders WHERE {when} AND NOT coalesce(is_return, false)
        ), r AS ({ref})
        SELECT x.customer_id, x.product_id, coalesce(p.category, '(none)') AS category,
               sum(x.w * {decay}) AS weight, count(*) AS n_events,
               min(x.timestamp) AS first_seen, max(x.timestamp) AS last_seen
        FROM x CROSS JOIN r LEFT JOIN products p USING (product_id)
        GROUP BY ALL
        ORDER BY x.customer_id, x.product_id
    """
    return store.query(sql, [*case_params, *params, float(per_unit), *params, *ref_params])


def catalogue(store: Store) -> pd.DataFrame:
    """The product catalogue: product_id, title, category, description, price, cost, in_stock."""
    return store.query(
        "SELECT product_id, title, category, description, price, cost, in_stock "
        "FROM products WHERE coalesce(is_product, true) ORDER BY product_id"
    )


def customer_ids(store: Store) -> pd.DataFrame:
    """Every known customer id (from customers, orders and events), sorted."""
    return store.query(
        "SELECT customer_id FROM customers UNION SELECT customer_id FROM orders "
        "UNION SELECT customer_id FROM events ORDER BY customer_id"
    )


def basket_lines(store: Store, *, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Distinct (order_id, product_id) of bought lines before `as_of` (returns excluded)."""
    when, params = _as_of_clause(as_of)
    return store.query(
        f"SELECT DISTINCT order_id, product_id FROM product_orders WHERE {when} "
        "AND NOT coalesce(is_return, false) AND quantity > 0 ORDER BY order_id, product_id",
        params,
    )


def bought_products(store: Store, *, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Distinct (customer_id, product_id) bought before `as_of` (returns excluded)."""
    when, params = _as_of_clause(as_of)
    return store.query(
        f"SELECT DISTINCT customer_id, product_id FROM product_orders WHERE {when} "
        "AND NOT coalesce(is_return, false) AND quantity > 0 ORDER BY customer_id, product_id",
        params,
    )


def category_repeat_rates(store: Store, *, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Per category: how many customers bought a product of it, and how many of those bought
    the same product again in a later order. Columns: category, n_buyers, n_repeat_buyers,
    repeat_rate."""
    when, params = _as_of_clause(as_of)
    return store.query(
        f"""
        WITH lines AS (
            SELECT o.customer_id, o.product_id, coalesce(p.category, '(none)') AS category,
                   count(DISTINCT o.order_id) AS n_orders
            FROM product_orders o LEFT JOIN products p USING (product_id)
            WHERE {when} AND NOT coalesce(o.is_return, false) AND o.quantity > 0
            GROUP BY ALL
        )
        SELECT category, count(DISTINCT customer_id) AS n_buyers,
               count(DISTINCT customer_id) FILTER (WHERE n_orders > 1) AS n_repeat_buyers,
               count(DISTINCT customer_id) FILTER (WHERE n_orders > 1)
                   / count(DISTINCT customer_id) AS repeat_rate
        FROM lines GROUP BY category ORDER BY category
        """.replace("WHERE timestamp", "WHERE o.timestamp"),
        params,
    )

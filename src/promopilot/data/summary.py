"""A shop at a glance: counts, revenue, date range, top categories."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from promopilot.data.store import Store


@dataclass(frozen=True)
class ShopSummary:
    n_customers: int
    n_products: int
    n_orders: int
    n_order_lines: int
    n_events: int
    n_reviews: int
    n_campaign_rows: int
    revenue: float
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    top_categories: pd.DataFrame  # category, revenue, share, n_orders


def shop_summary(store: Store, *, top: int = 5) -> ShopSummary:
    """Summarize the store. Revenue is purchases net of line discounts, returns excluded."""
    counts = store.query(
        "SELECT (SELECT count(*) FROM (SELECT customer_id FROM customers UNION "
        "SELECT customer_id FROM orders UNION SELECT customer_id FROM events)) AS customers, "
        "(SELECT count(*) FROM products) AS products, "
        "(SELECT count(DISTINCT order_id) FROM orders WHERE NOT is_return) AS orders, "
        "(SELECT count(*) FROM orders) AS lines, (SELECT count(*) FROM events) AS events, "
        "(SELECT count(*) FROM reviews) AS reviews, (SELECT count(*) FROM campaigns) AS camp, "
        "(SELECT coalesce(sum(quantity * unit_price - discount), 0) FROM orders "
        " WHERE NOT is_return) AS revenue"
    ).iloc[0]
    categories = store.query(
        "SELECT coalesce(p.category, '(unknown)') AS category, "
        "sum(o.quantity * o.unit_price - o.discount) AS revenue, "
        "count(DISTINCT o.order_id) AS n_orders FROM orders o "
        "LEFT JOIN products p USING (product_id) WHERE NOT o.is_return "
        f"GROUP BY 1 ORDER BY revenue DESC LIMIT {int(top)}"
    )
    total = float(counts["revenue"]) or 1.0
    categories["share"] = categories["revenue"] / total
    first, last = store.date_range()
    return ShopSummary(
        n_customers=int(counts["customers"]),
        n_products=int(counts["products"]),
        n_orders=int(counts["orders"]),
        n_order_lines=int(counts["lines"]),
        n_events=int(counts["events"]),
        n_reviews=int(counts["reviews"]),
        n_campaign_rows=int(counts["camp"]),
        revenue=float(counts["revenue"]),
        first=first,
        last=last,
        top_categories=categories,
    )

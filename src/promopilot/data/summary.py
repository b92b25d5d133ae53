"""A shop at a glance: counts, revenue (gross, returns, net; products apart from postage and
fees), date range, top categories."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from promopilot.data.lines import PRODUCT_ORDERS_VIEW, line_net
from promopilot.data.money_signs import money_currency
from promopilot.data.store import Store


@dataclass(frozen=True)
class ShopSummary:
    n_customers: int
    n_products: int  # products that are products (postage, fees, adjustments left out)
    n_orders: int
    n_order_lines: int
    n_events: int
    n_reviews: int
    n_campaign_rows: int
    revenue: float  # net: gross sales minus returns, after line discounts
    first: pd.Timestamp | None  # first and last dated order or event, in the shop's time zone
    last: pd.Timestamp | None
    top_categories: pd.DataFrame  # category, revenue, share, n_orders (product lines, net)
    gross_revenue: float = 0.0  # sales lines, returns left out
    returns: float = 0.0  # money given back on return lines (>= 0)
    product_revenue: float = 0.0  # net, product lines only
    non_product_revenue: float = 0.0  # net, postage, fees and adjustments
    n_return_lines: int = 0
    n_non_products: int = 0  # postage/fee/adjustment "products"
    currency: str | None = None  # the shop's currency code (data.currency); None: unknown


def _cents(value: float) -> float:
    """A sum of money rounded to the cent, never ``-0.0``."""
    return round(float(value), 2) + 0.0


def shop_summary(store: Store, *, top: int = 5) -> ShopSummary:
    """Summarize the store. Revenue is net of line discounts and of returns (a return line's
    negative quantity takes its money back); product revenue leaves postage and fees out."""
    line = line_net()
    counts = store.query(
        "SELECT (SELECT count(*) FROM (SELECT customer_id FROM customers UNION "
        "SELECT customer_id FROM orders UNION SELECT customer_id FROM events)) AS customers, "
        "(SELECT count(*) FROM products WHERE coalesce(is_product, true)) AS products, "
        "(SELECT count(*) FROM products WHERE NOT coalesce(is_product, true)) AS non_products, "
        "(SELECT count(DISTINCT order_id) FROM orders WHERE NOT is_return) AS orders, "
        "(SELECT count(*) FROM orders) AS lines, (SELECT count(*) FROM events) AS events, "
        "(SELECT count(*) FROM reviews) AS reviews, (SELECT count(*) FROM campaigns) AS camp, "
        "(SELECT count(*) FROM orders WHERE is_return) AS return_lines, "
        f"(SELECT coalesce(sum({line}) FILTER (NOT is_return), 0) FROM orders) AS gross, "
        f"(SELECT coalesce(-sum({line}) FILTER (is_return), 0) FROM orders) AS returns, "
        f"(SELECT coalesce(sum({line}), 0) FROM {PRODUCT_ORDERS_VIEW}) AS product_net"
    ).iloc[0]
    categories = store.query(
        "SELECT coalesce(p.category, '(unknown)') AS category, "
        f"sum({line.replace('quantity', 'o.quantity')}) AS revenue, "
        "count(DISTINCT o.order_id) FILTER (NOT o.is_return) AS n_orders "
        f"FROM {PRODUCT_ORDERS_VIEW} o LEFT JOIN products p USING (product_id) "
        f"GROUP BY 1 ORDER BY revenue DESC LIMIT {int(top)}"
    )
    # money to the cent: sums of sales and of returns taken apart differ in their last bits,
    # which printed a shop without postage lines as "non-product lines -0.00"
    gross, returns = _cents(counts["gross"]), _cents(counts["returns"])
    net = _cents(gross - returns)
    product_net = _cents(counts["product_net"])
    categories["share"] = categories["revenue"] / (product_net or 1.0)
    first, last = store.date_range()
    return ShopSummary(
        n_customers=int(counts["customers"]),
        n_products=int(counts["products"]),
        n_orders=int(counts["orders"]),
        n_order_lines=int(counts["lines"]),
        n_events=int(counts["events"]),
        n_reviews=int(counts["reviews"]),
        n_campaign_rows=int(counts["camp"]),
        revenue=net,
        first=store.local_time(first),
        last=store.local_time(last),
        top_categories=categories,
        gross_revenue=gross,
        returns=returns,
        product_revenue=product_net,
        non_product_revenue=_cents(net - product_net),
        n_return_lines=int(counts["return_lines"]),
        n_non_products=int(counts["non_products"]),
        currency=money_currency(store),  # ¥ for prices written ￥89 where no code is known
    )

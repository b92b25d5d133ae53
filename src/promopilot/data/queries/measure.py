"""SQL for measuring campaigns: exposures with their outcomes, pre-period spend, daily profit,
redemptions (codes compared ignoring case and spaces), returns and reviews after a campaign.

Definitions (docs/measurement.md): an outcome order is an order line (not a return) placed in
``[sent_at, sent_at + window)``; revenue = quantity x unit_price - discount; cost = quantity x the
product's cost, or quantity x unit_price x (1 - default margin) where the cost is unknown; the
pre-period is the same length before ``sent_at``.
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.queries.campaigns import never_offered
from promopilot.data.store import Store

VISITOR_GROUP = "visitor"
"""The group of a visitor `promopilot serve` answered outside the plan it served: logged (its
exploration teaches the next model) but no part of the plan's campaign, so not measured."""


def same_code(column: str) -> str:
    """A coupon code as the shop platform compares it: case and spaces ignored (customers type
    ``abcd efgh`` for ``ABCDEFGH``; platforms accept it, so it is a redemption)."""
    return f"upper(regexp_replace({column}, '\\s', '', 'g'))"


def campaign_list(store: Store) -> pd.DataFrame:
    """One row per logged campaign: id, customers, first send time, customers sent nothing."""
    return store.query(
        """
        SELECT campaign_id, count(*) AS customers, min(sent_at) AS sent_at,
               count(*) FILTER (WHERE NULLIF(trim(offer_id), '') IS NULL) AS no_offer
        FROM campaigns GROUP BY campaign_id ORDER BY min(sent_at), campaign_id
        """
    )


def campaign_exposures(store: Store, campaign_id: str) -> pd.DataFrame:
    """The logged rows of one campaign (``group`` and ``coupon_code`` NULL where not logged:
    a past campaign from a file)."""
    return store.query(
        """
        SELECT c.campaign_id, c.customer_id, coalesce(c.offer_id, '') AS offer_id, c.sent_at,
               c.channel, c.propensity, c."group", c.coupon_code
        FROM campaigns c WHERE c.campaign_id = $campaign ORDER BY c.customer_id
        """,
        {"campaign": str(campaign_id)},
    )


def not_visitor(alias: str = "c") -> str:
    """SQL: the row of `alias` (a campaigns row) is no visitor answered outside the plan."""
    return f"coalesce({alias}.\"group\", '') <> '{VISITOR_GROUP}'"


def shared_code_users(store: Store, campaign_id: str, window_days: int) -> pd.DataFrame:
    """Customers who placed an order in the window with a code of this campaign that was given
    to someone else (a shared or leaked coupon): ``customer_id``, and ``offer_id`` where the
    user is in the campaign ('' when they were sent nothing: a control customer buying with an
    offer). Empty when the log has no codes."""
    return store.query(
        f"""
        WITH given AS (
            SELECT customer_id, sent_at, {same_code("coupon_code")} AS code FROM campaigns
            WHERE campaign_id = $campaign AND coupon_code IS NOT NULL AND coupon_code <> ''
        ),
        used AS (
            SELECT DISTINCT o.customer_id FROM orders o
            JOIN given g ON {same_code("o.coupon_code")} = g.code
             AND o.timestamp >= g.sent_at AND o.timestamp < g.sent_at + to_days($window)
            WHERE o.customer_id <> g.customer_id AND NOT coalesce(o.is_return, false)
        )
        SELECT u.customer_id, c.customer_id IS NOT NULL AS in_campaign,
               coalesce(NULLIF(trim(c.offer_id), ''), '') AS offer_id
        FROM used u LEFT JOIN campaigns c
          ON c.campaign_id = $campaign AND c.customer_id = u.customer_id
         AND {not_visitor()}
        ORDER BY u.customer_id
        """,
        {"campaign": str(campaign_id), "window": int(window_days)},
    )


def early_code_orders(store: Store, campaign_id: str) -> int:
    """Orders (not returns) placed with a code of this campaign before that code was sent: a
    code known before its send (a public code) or order times and a send log in different time
    zones. 0 when the log has no codes."""
    frame = store.query(
        f"""
        WITH given AS (
            SELECT {same_code("coupon_code")} AS code, min(sent_at) AS sent_at FROM campaigns
            WHERE campaign_id = $campaign AND coupon_code IS NOT NULL AND coupon_code <> ''
            GROUP BY 1
        )
        SELECT count(DISTINCT o.order_id) AS n FROM orders o
        JOIN given g ON {same_code("o.coupon_code")} = g.code AND o.timestamp < g.sent_at
        WHERE NOT coalesce(o.is_return, false)
        """,
        {"campaign": str(campaign_id)},
    )
    return int(frame["n"].iloc[0])


def other_codes(store: Store, campaign_id: str, window_days: int, top: int = 3) -> pd.DataFrame:
    """Codes the campaign's customers ordered with in their window that are no code this
    campaign logged (the shop's own promotions running at the same time): ``code`` (as first
    written), ``customers``, most used first, at most `top`; the total number of such
    customers is each row's ``total`` and of such codes ``codes``. Empty when nobody used
    one, and when the campaign logged no codes (a past campaign from a file, whose own code
    the orders may carry)."""
    return store.query(
        f"""
        WITH given AS (
            SELECT DISTINCT {same_code("coupon_code")} AS code FROM campaigns
            WHERE campaign_id = $campaign AND coupon_code IS NOT NULL AND coupon_code <> ''
        ),
        used AS (
            SELECT c.customer_id, {same_code("o.coupon_code")} AS code,
                   min(trim(o.coupon_code)) AS written
            FROM campaigns c JOIN orders o ON o.customer_id = c.customer_id
             AND o.timestamp >= c.sent_at AND o.timestamp < c.sent_at + to_days($window)
            WHERE c.campaign_id = $campaign AND NOT coalesce(o.is_return, false)
              AND {not_visitor()}
              AND NULLIF(trim(o.coupon_code), '') IS NOT NULL
              AND {same_code("o.coupon_code")} NOT IN (SELECT code FROM given)
              AND EXISTS (SELECT 1 FROM given)
            GROUP BY 1, 2
        )
        SELECT min(written) AS code, count(DISTINCT customer_id) AS customers,
               (SELECT count(DISTINCT customer_id) FROM used) AS total,
               (SELECT count(DISTINCT code) FROM used) AS codes
        FROM used GROUP BY code ORDER BY customers DESC, code LIMIT $top
        """,
        {"campaign": str(campaign_id), "window": int(window_days), "top": int(top)},
    )


def exposure_outcomes(
    store: Store, campaign_id: str | None, window_days: int, default_margin: float
) -> pd.DataFrame:
    """One row per exposure of the campaign (every campaign when `campaign_id` is None):
    arm, propensity, send cost, outcome in the window, spend in the pre-period and whether no
    offer could reach the customer (``never_offered``: :func:`.campaigns.never_offered`)."""
    where = "WHERE c.campaign_id = $campaign" if campaign_id is not None else ""
    params: dict = {"window": int(window_days), "margin": float(default_margin)}
    if campaign_id is not None:
        params["campaign"] = str(campaign_id)
    return store.query(
        f"""
        WITH exposure AS (
            SELECT c.campaign_id, c.customer_id, coalesce(NULLIF(trim(c.offer_id), ''), '')
                   AS offer_id, c.sent_at, c.channel, c.propensity, c."group", c.coupon_code
            FROM campaigns c {where}
        ),
        product AS (SELECT product_id, arg_max(cost, updated_at) AS cost FROM products
                    GROUP BY product_id),
        offer AS (SELECT offer_id, arg_max(send_cost, updated_at) AS send_cost,
                         arg_max(kind, updated_at) AS kind, arg_max(value, updated_at) AS value,
                         arg_max(min_spend, updated_at) AS min_spend,
                         arg_max(max_discount, updated_at) AS max_discount
                  FROM offers GROUP BY offer_id),
        line AS (
            SELECT e.campaign_id, e.customer_id, o.order_id,
                   o.timestamp >= e.sent_at AS post,
                   o.quantity * o.unit_price - coalesce(o.discount, 0) AS revenue,
                   o.quantity * coalesce(p.cost, o.unit_price * (1 - $margin)) AS cost,
                   coalesce(o.discount, 0) AS discount,
                   e.coupon_code IS NOT NULL
                   AND {same_code("o.coupon_code")} = {same_code("e.coupon_code")} AS redeemed
            FROM exposure e
            JOIN orders o ON o.customer_id = e.customer_id
             AND NOT coalesce(o.is_return, false)
             AND o.timestamp >= e.sent_at - to_days($window)
             AND o.timestamp < e.sent_at + to_days($window)
            LEFT JOIN product p ON p.product_id = o.product_id
        ),
        per_customer AS (
            SELECT campaign_id, customer_id,
                   count(DISTINCT order_id) FILTER (WHERE post) AS orders,
                   coalesce(sum(revenue) FILTER (WHERE post), 0) AS revenue,
                   coalesce(sum(cost) FILTER (WHERE post), 0) AS cost,
                   coalesce(sum(discount) FILTER (WHERE post), 0) AS discount,
                   coalesce(bool_or(redeemed) FILTER (WHERE post), false) AS redeemed,
                   count(DISTINCT order_id) FILTER (WHERE NOT post) AS pre_orders,
                   coalesce(sum(revenue) FILTER (WHERE NOT post), 0) AS pre_revenue
            FROM line GROUP BY campaign_id, customer_id
        ),
        history AS (
            SELECT e.campaign_id, e.customer_id, count(DISTINCT o.order_id) AS orders_before
            FROM exposure e JOIN orders o ON o.customer_id = e.customer_id
             AND NOT coalesce(o.is_return, false) AND o.timestamp < e.sent_at
            GROUP BY ALL
        )
        SELECT e.campaign_id, e.customer_id, e.offer_id, e.sent_at, e.channel, e.propensity,
               e."group", e.coupon_code, {never_offered("e")} AS never_offered,
               CASE WHEN e.offer_id = '' THEN 0 ELSE coalesce(f.send_cost, 0) END AS send_cost,
               f.kind AS offer_kind, f.value AS offer_value, f.min_spend AS offer_min_spend,
               f.max_discount AS offer_max_discount,
               coalesce(pc.orders, 0) > 0 AS converted,
               coalesce(pc.orders, 0) AS orders,
               coalesce(pc.revenue, 0) AS revenue,
               coalesce(pc.cost, 0) AS cost,
               coalesce(pc.discount, 0) AS discount,
               coalesce(pc.redeemed, false) AS redeemed,
               coalesce(pc.pre_orders, 0) AS pre_orders,
               coalesce(pc.pre_revenue, 0) AS pre_revenue,
               coalesce(h.orders_before, 0) AS orders_before
        FROM exposure e
        LEFT JOIN offer f ON f.offer_id = e.offer_id
        LEFT JOIN per_customer pc USING (campaign_id, customer_id)
        LEFT JOIN history h USING (campaign_id, customer_id)
        ORDER BY e.campaign_id, e.customer_id
        """,
        params,
    )


def daily_outcomes(
    store: Store, campaign_id: str, window_days: int, default_margin: float
) -> pd.DataFrame:
    """Revenue and cost per exposure and day since ``sent_at`` (days with an order only)."""
    return store.query(
        """
        WITH product AS (SELECT product_id, arg_max(cost, updated_at) AS cost FROM products
                         GROUP BY product_id)
        SELECT c.customer_id,
               CAST(floor(epoch(o.timestamp - c.sent_at) / 86400) AS INTEGER) AS day,
               sum(o.quantity * o.unit_price - coalesce(o.discount, 0)) AS revenue,
               sum(o.quantity * coalesce(p.cost, o.unit_price * (1 - $margin))) AS cost
        FROM campaigns c
        JOIN orders o ON o.customer_id = c.customer_id AND NOT coalesce(o.is_return, false)
         AND o.timestamp >= c.sent_at AND o.timestamp < c.sent_at + to_days($window)
        LEFT JOIN product p ON p.product_id = o.product_id
        WHERE c.campaign_id = $campaign
        GROUP BY ALL ORDER BY 1, 2
        """,
        {"campaign": str(campaign_id), "window": int(window_days), "margin": float(default_margin)},
    )


def orders_after_window(store: Store, campaign_id: str, window_days: int) -> pd.DataFrame:
    """Per customer of the campaign who ordered at or after the end of their window
    (``sent_at + window``): ``orders`` (distinct orders, returns not counted) and
    ``first_days``, the days from the send to the first of them. What a report with no
    outcome in the window says is there (Hillstrom's orders are dated 7 days after the
    e-mail, just outside a 7-day window)."""
    return store.query(
        """
        SELECT c.customer_id, count(DISTINCT o.order_id) AS orders,
               min(epoch(o.timestamp) - epoch(c.sent_at)) / 86400.0 AS first_days
        FROM campaigns c
        JOIN orders o ON o.customer_id = c.customer_id AND NOT coalesce(o.is_return, false)
         AND o.timestamp >= c.sent_at + to_days($window)
        WHERE c.campaign_id = $campaign
        GROUP BY c.customer_id
        """,
        {"campaign": str(campaign_id), "window": int(window_days)},
    )


def after_campaign_satisfaction(
    store: Store, campaign_id: str, window_days: int, review_days: int
) -> pd.DataFrame:
    """Per exposure: items bought in the window, items of those returned later, the reviews
    (text, rating) written on the products bought, within `review_days` of sent_at, and whether
    no offer could reach the customer (``never_offered``: :func:`.campaigns.never_offered`,
    decided over every row of the campaign, visitors' too, as the report decides it)."""
    return store.query(
        f"""
        WITH flagged AS (
            SELECT *, {never_offered()} AS never_offered
            FROM campaigns WHERE campaign_id = $campaign
        ),
        exposure AS (
            SELECT c.customer_id, coalesce(NULLIF(trim(c.offer_id), ''), '') AS offer_id,
                   c.sent_at, c.propensity, c."group", c.coupon_code, c.never_offered
            FROM flagged c WHERE {not_visitor()}
        ),
        bought AS (
            SELECT e.customer_id, o.order_id, o.product_id, o.quantity
            FROM exposure e JOIN orders o ON o.customer_id = e.customer_id
             AND NOT coalesce(o.is_return, false)
             AND o.timestamp >= e.sent_at AND o.timestamp < e.sent_at + to_days($window)
        ),
        returned AS (
            SELECT e.customer_id, sum(abs(o.quantity)) AS items_returned
            FROM exposure e JOIN orders o ON o.customer_id = e.customer_id
             AND coalesce(o.is_return, false)
             AND o.timestamp >= e.sent_at AND o.timestamp < e.sent_at + to_days($reviews)
            JOIN bought b ON b.customer_id = e.customer_id AND b.product_id = o.product_id
            GROUP BY 1
        ),
        reviewed AS (
            SELECT e.customer_id, list(r.text) AS texts, avg(r.rating) AS rating,
                   count(*) AS reviews
            FROM exposure e JOIN reviews r ON r.customer_id = e.customer_id
             AND r.timestamp >= e.sent_at AND r.timestamp < e.sent_at + to_days($reviews)
            WHERE r.product_id IN (SELECT product_id FROM bought b
                                   WHERE b.customer_id = e.customer_id)
            GROUP BY 1
        )
        SELECT e.customer_id, e.offer_id, e.propensity, e."group", e.never_offered,
               coalesce((SELECT sum(quantity) FROM bought b WHERE b.customer_id = e.customer_id),
                        0) AS items_bought,
               coalesce(rt.items_returned, 0) AS items_returned,
               coalesce(rv.reviews, 0) AS reviews, rv.rating, rv.texts
        FROM exposure e LEFT JOIN returned rt USING (customer_id)
        LEFT JOIN reviewed rv USING (customer_id)
        ORDER BY e.customer_id
        """,
        {"campaign": str(campaign_id), "window": int(window_days), "reviews": int(review_days)},
    )


def records_returns(store: Store) -> bool:
    """Whether the shop's orders hold any return line at all: where none does, nothing tells
    whether anything came back, and a share returned of 0 would be no measurement."""
    return bool(store.query("SELECT EXISTS (SELECT 1 FROM orders WHERE is_return)").iat[0, 0])


def records_reviews(store: Store) -> bool:
    """Whether the shop holds any review at all (text or rating)."""
    return bool(store.query("SELECT EXISTS (SELECT 1 FROM reviews)").iat[0, 0])

"""Queries of the HTTP API and the owner's dashboard (``promopilot.serve``).

Nothing here returns contact data: the customer queries name their columns, and the
``contacts`` table is never read.
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.forgotten import FORGOTTEN
from promopilot.data.lines import line_net
from promopilot.data.queries.campaigns import never_offered, sent_nothing
from promopilot.data.queries.delivery import EXPOSURE_COLUMNS
from promopilot.data.queries.measure import not_visitor
from promopilot.data.queries.profile import rfm_inputs
from promopilot.data.store import Store

# a customer's net revenue, as the dashboard shows it: the money of all their order lines,
# sales less returns and credits, not floored at 0 as the profile's ``monetary`` (a model
# feature) is, so that customers add up to the shop's net revenue
NET_REVENUE = f"coalesce(sum({line_net()}), 0)"


def insert_exposures(store: Store, exposures: pd.DataFrame) -> int:
    """Log decisions as campaign exposures; a (campaign, customer) already logged is kept as
    it was (the first exposure wins), and a forgotten customer is never written. Columns of
    :data:`EXPOSURE_COLUMNS` `exposures` lacks are left NULL. Returns the number of rows
    inserted."""
    columns = [c for c in EXPOSURE_COLUMNS if c in exposures]
    names = ", ".join(f'"{c}"' for c in columns)
    with store.frame("serve_exposures_df", exposures[columns]):
        return int(
            store.scalar(
                f"""INSERT INTO campaigns ({names})
                SELECT {names} FROM (
                    SELECT *, row_number() OVER (PARTITION BY campaign_id, customer_id
                                                 ORDER BY sent_at) AS n
                    FROM serve_exposures_df) e
                WHERE n = 1 AND NOT {FORGOTTEN.format("e.customer_id")} AND NOT EXISTS (
                    SELECT 1 FROM campaigns c
                    WHERE c.campaign_id = e.campaign_id AND c.customer_id = e.customer_id)"""
            )
        )


def known_customers(store: Store) -> pd.Series:
    """Every customer id the store knows (customers, orders, events), sorted."""
    return store.query(
        "SELECT customer_id FROM customers UNION SELECT customer_id FROM orders "
        "UNION SELECT customer_id FROM events ORDER BY 1"
    )["customer_id"].astype(str)


def product_titles(store: Store) -> pd.DataFrame:
    """product_id, title (the id where the title is unknown)."""
    return store.query(
        "SELECT product_id, coalesce(NULLIF(title, ''), product_id) AS title FROM products"
    )


def customer_profile(store: Store, customer_id: str) -> dict | None:
    """What the dashboard shows of one customer (no contact data), or None if unknown:
    ``revenue`` is net of returns and credits, not floored at 0 as the profile's ``monetary``
    is, with what they ``bought`` and the ``returned`` (returns and credits) behind it;
    ``last_order`` is their last order, not a later return or credit."""
    frame = store.query(
        f"""WITH o AS (
               SELECT count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders,
                      {NET_REVENUE} AS revenue,
                      coalesce(sum({line_net()}) FILTER (WHERE NOT is_return), 0) AS bought,
                      -coalesce(sum({line_net()}) FILTER (WHERE is_return), 0) AS returned,
                      max(timestamp) FILTER (WHERE NOT is_return) AS last_order
               FROM orders WHERE customer_id = $id),
           e AS (SELECT count(*) AS events, max(timestamp) AS last_event
                 FROM events WHERE customer_id = $id),
           c AS (SELECT signup_at, region FROM customers WHERE customer_id = $id LIMIT 1),
           k AS (SELECT count(*) AS exposures FROM campaigns WHERE customer_id = $id)
           SELECT $id AS customer_id, c.signup_at, c.region, o.orders, o.revenue, o.bought,
                  o.returned, o.last_order,
                  e.events, e.last_event, k.exposures, (c.region IS NOT NULL OR c.signup_at
                  IS NOT NULL OR EXISTS (SELECT 1 FROM customers WHERE customer_id = $id))
                  AS in_customers
           FROM o, e, k LEFT JOIN c ON true""",
        {"id": customer_id},
    )
    row = frame.iloc[0]
    if not (row["in_customers"] or row["orders"] or row["events"] or row["exposures"]):
        return None
    return {k: (None if pd.isna(v) else v) for k, v in row.drop("in_customers").items()}


def segment_inputs(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    """The profile's RFM inputs of every customer seen before `as_of` (:func:`~promopilot.data.
    queries.profile.rfm_inputs`, what the dashboard's segments are made from) with
    ``revenue``, their net revenue before `as_of` as the customer page gives it
    (:data:`NET_REVENUE`: 0 without orders, below 0 for a customer credited more than they
    bought, whom ``monetary`` counts as 0)."""
    inputs = rfm_inputs(store, as_of)
    revenue = store.query(
        f"""SELECT customer_id, {NET_REVENUE} AS revenue FROM orders
            WHERE timestamp < $as_of GROUP BY 1""",
        {"as_of": pd.Timestamp(as_of)},
    )
    inputs = inputs.merge(revenue, on="customer_id", how="left")
    inputs["revenue"] = inputs["revenue"].fillna(0.0)
    return inputs


def offer_history(store: Store, customer_id: str) -> pd.DataFrame:
    """Every campaign exposure of one customer, newest first."""
    return store.query(
        """SELECT campaign_id, coalesce(offer_id, '') AS offer_id, "group",
                   sent_at, channel, propensity
            FROM campaigns WHERE customer_id = ? ORDER BY sent_at DESC""",
        [customer_id],
    )


def weekly_revenue(store: Store) -> pd.DataFrame:
    """week (its Monday), revenue (net of line discounts and of returns, as the summary's),
    orders and customers who ordered (returns left out), and the first and last day of the
    week with an order line (``first_day``, ``last_day``: where the data begin and end inside
    a week); weeks are cut at the shop's midnight (its time zone), not UTC's."""
    local = store.local_sql("timestamp")
    return store.query(
        f"""SELECT date_trunc('week', {local})::DATE AS week,
                  sum({line_net()}) AS revenue,
                  min({local})::DATE AS first_day, max({local})::DATE AS last_day,
                  count(DISTINCT order_id) FILTER (WHERE NOT is_return) AS orders,
                  count(DISTINCT customer_id) FILTER (WHERE NOT is_return) AS customers
           FROM orders GROUP BY 1 ORDER BY 1"""
    )


def monthly_customer_revenue(store: Store, *, months: int = 12) -> pd.DataFrame:
    """customer_id, month, revenue (net of returns, as the summary's) over the last `months`
    calendar months of orders (the month of the latest order and the ones before it, each
    whole: counted back from the latest order's second, the first month was cut where that
    fell, UCI's December 2010 from the 9th), and the customer's first and last day with an
    order line in the month (``first_day``, ``last_day``), and the shop's first day with an
    order line at all (``data_from``: a first month whose first order came on its 4th is
    whole where the data begin before it); months are the shop's (cut at its midnight in its
    time zone)."""
    local = store.local_sql("timestamp")
    return store.query(
        f"""WITH last AS (SELECT date_trunc('month', max({local})) AS m,
                                min({local})::DATE AS data_from FROM orders)
           SELECT customer_id, date_trunc('month', {local})::DATE AS month,
                  sum({line_net()}) AS revenue,
                  min({local})::DATE AS first_day, max({local})::DATE AS last_day,
                  any_value(last.data_from) AS data_from
           FROM orders, last
           WHERE date_trunc('month', {local}) >= last.m - to_months($before)
           GROUP BY 1, 2""",
        {"before": max(int(months) - 1, 0)},
    )


def campaign_summary(store: Store) -> pd.DataFrame:
    """One row per logged campaign: customers, how many got nothing (control), how many no
    offer could reach (``left_out``: group ``none``, nothing for certain in a campaign that
    sent offers, as :func:`~promopilot.data.queries.campaigns.never_offered` finds them, such
    as those a designed test left out before it was drawn; counted in neither of the other two,
    as the campaign's report leaves them out), the visitors `serve` answered outside the plan
    (counted apart, as the campaign's report does), first and last exposure, newest first."""
    chosen = not_visitor("campaigns")
    return store.query(
        f"""WITH flagged AS (SELECT *, {never_offered()} AS never_offered FROM campaigns),
           counted AS (
               SELECT campaign_id, count(*) FILTER (WHERE {chosen}) AS chosen,
                      count(*) FILTER (WHERE {sent_nothing()} AND {chosen}) AS nothing,
                      count(*) FILTER (WHERE never_offered) AS left_out,
                      count(*) FILTER (WHERE NOT ({chosen})) AS visitors,
                      count(DISTINCT offer_id) AS offers, min(sent_at) AS first_sent,
                      max(sent_at) AS last_sent
               FROM flagged AS campaigns GROUP BY 1)
           SELECT campaign_id, chosen - left_out AS customers, nothing - left_out AS without_offer,
                  left_out, visitors, offers, first_sent, last_sent
           FROM counted ORDER BY last_sent DESC, campaign_id"""
    )


def purchases_since(store: Store, since: pd.Timestamp) -> pd.DataFrame:
    """customer_id, product_id of every purchase (not a return) of a product from `since` on:
    postage, fees and other non-product lines (``products.is_product`` false) are left out, as
    the recommender never recommends them."""
    return store.query(
        "SELECT DISTINCT customer_id, product_id FROM orders "
        "WHERE NOT is_return AND timestamp >= ? AND product_id NOT IN "
        "(SELECT product_id FROM products WHERE NOT coalesce(is_product, true))",
        [pd.Timestamp(since).to_pydatetime()],
    )


def offer_terms(store: Store) -> pd.DataFrame:
    """What each offer of the shop is: offer_id, kind, value, min_spend, max_discount (NULL =
    no cap), category (NULL = whole shop), valid_days."""
    return store.query(
        "SELECT offer_id, kind, value, min_spend, max_discount, NULLIF(category, '') AS "
        "category, valid_days FROM offers ORDER BY offer_id"
    )


def campaign_coupons(store: Store, campaign_id: str) -> pd.DataFrame:
    """customer_id, offer_id, coupon_code, sent_at of every coupon code `promopilot send`
    logged for one campaign (empty where it logged none: a past campaign from a file)."""
    return store.query(
        "SELECT customer_id, offer_id, coupon_code, sent_at FROM campaigns "
        "WHERE campaign_id = ? AND NULLIF(coupon_code, '') IS NOT NULL",
        [campaign_id],
    )

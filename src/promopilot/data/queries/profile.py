"""The customer profile's queries: features as of a date, order summaries, label windows.

Every function takes a :class:`~promopilot.data.store.Store` and plain values and returns a
pandas frame. Nothing at or after ``as_of`` is read (label windows excepted: they are the
future of a past date). Contact data is never read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import pandas as pd

from promopilot.data.lines import line_net
from promopilot.data.queries import settled
from promopilot.data.queries.profile_sql import FEATURE_SQL, RFM_SQL
from promopilot.data.store import Store

CUSTOMER_SAMPLE = "feature_customers_df"  # the chosen customers, while a feature query runs
SAMPLE_TABLES = ("customers", "orders", "events", "reviews")


def _ts(value: pd.Timestamp | str) -> str:
    return f"TIMESTAMP '{pd.Timestamp(value).isoformat(sep=' ')}'"


def _customer_frame(customers: Iterable) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(list(customers), dtype=object)})


def daily_discount_share(store: Store, *, as_of: pd.Timestamp | str) -> pd.DataFrame:
    """Per day of the shop (its zone's calendar day) before `as_of`: ``day``, ``share``
    (discount money / gross value of the day's order lines, returns excluded) and
    ``n_discounted`` (distinct orders with a discount)."""
    return store.query(
        f"""SELECT date_trunc('day', {store.local_sql("timestamp")}) AS day,
                   sum(discount) / nullif(sum(quantity * unit_price), 0) AS share,
                   count(DISTINCT order_id) FILTER (WHERE discount > 0) AS n_discounted
            FROM orders WHERE NOT is_return AND timestamp < {_ts(as_of)} GROUP BY 1"""
    )


def _restrict(store: Store, as_of_sql: str, prefix: str = "feature_sample_") -> dict[str, str]:
    """Copy the rows of the chosen customers (before `as_of`) into temporary tables, one scan
    of each store table, and return their names: the feature queries then read far fewer
    rows than the store holds."""
    since = {
        "customers": "TRUE",
        "orders": f"timestamp < {as_of_sql}",
        "events": f"timestamp < {as_of_sql}",
        "reviews": f"(timestamp < {as_of_sql} OR timestamp IS NULL)",
    }
    names = {}
    for table in SAMPLE_TABLES:
        names[table] = f"{prefix}{table}"
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE {names[table]} AS SELECT * FROM {table}
                WHERE {since[table]}
                  AND customer_id IN (SELECT customer_id FROM {CUSTOMER_SAMPLE})"""
        )
    return names


class CustomerSubset:
    """The rows of some customers (a sample) before `before`, copied into temporary tables
    the first time a feature query needs them and kept until :meth:`drop`: the feature
    tables of those customers as of any date up to `before` then read them instead of
    scanning the store's tables once per date. The queries filter every table by their own
    date, so the result is the same as copying each date's rows afresh."""

    PREFIX = "feature_subset_"

    def __init__(self, store: Store, customers: Iterable, before: pd.Timestamp | str) -> None:
        self.store = store
        self.customers = _customer_frame(customers)
        self.before = pd.Timestamp(before)
        self.tables: dict[str, str] | None = None

    def tables_for(self, as_of: pd.Timestamp) -> dict[str, str] | None:
        """The temporary tables' names, made on first use; None after `before`."""
        if as_of > self.before:
            return None
        if self.tables is None:
            with self.store.frame(CUSTOMER_SAMPLE, self.customers):
                self.tables = _restrict(self.store, _ts(self.before), self.PREFIX)
        return self.tables

    def drop(self) -> None:
        if self.tables is not None:
            for name in self.tables.values():
                self.store.execute(f"DROP TABLE IF EXISTS temp.{name}")
            self.tables = None


def customer_feature_tables(
    store: Store,
    *,
    as_of: pd.Timestamp | str,
    sale_days: pd.Series,
    customers: Iterable | CustomerSubset | None = None,
) -> dict[str, pd.DataFrame]:
    """The SQL half of the customer features as of `as_of`.

    `sale_days` are the shop's sale days (its local midnights); `customers` limits every table to
    those customers (their rows only, statistics across customers included; a
    :class:`CustomerSubset` copies their rows once for several dates). Returns
    ``features`` (one row per customer seen before `as_of`, sorted by id: see
    ``promopilot.profile.features.FEATURE_DESCRIPTIONS``), ``category_spend``
    (customer_id, category, spend), ``browse_top`` (customer_id, category: the most viewed
    category, ties to the first name) and ``reviews`` (customer_id, product_id, text, rating).
    """
    T = _ts(as_of)
    tables = {t: t for t in SAMPLE_TABLES}
    if isinstance(customers, CustomerSubset):
        subset = customers.tables_for(pd.Timestamp(as_of))
        if subset is not None:
            customers, tables = None, subset
        else:
            customers = customers.customers["customer_id"]
    restricted = customers is not None
    sales = pd.DataFrame({"day": sale_days.astype("datetime64[us]")})
    with contextlib.ExitStack() as views:
        views.enter_context(store.frame("sale_days_df", sales))
        if restricted:
            views.enter_context(store.frame(CUSTOMER_SAMPLE, _customer_frame(customers)))
        try:
            if restricted:
                tables = _restrict(store, T)
            local = {
                "local_T": store.local_sql(T),
                "local_timestamp": store.local_sql("timestamp"),
                "local_o_timestamp": store.local_sql("o.timestamp"),
            }
            features = settled(store.query(FEATURE_SQL.format(T=T, **tables, **local)))
            category_spend = store.query(
                f"""SELECT o.customer_id, coalesce(p.category, '(none)') AS category,
                           sum(o.quantity * o.unit_price - o.discount) AS spend
                    FROM {tables["orders"]} o LEFT JOIN products p USING (product_id)
                    WHERE NOT o.is_return AND o.timestamp < {T} GROUP BY ALL ORDER BY 1, 2"""
            )
            browse_top = store.query(
                f"""SELECT customer_id, arg_min(category, (-n, category)) AS category FROM (
                        SELECT e.customer_id, coalesce(p.category, '(none)') AS category,
                               count(*) AS n
                        FROM {tables["events"]} e LEFT JOIN products p USING (product_id)
                        WHERE e.timestamp < {T} GROUP BY ALL)
                    GROUP BY 1"""
            )
            reviews = store.query(
                f"SELECT customer_id, product_id, text, rating FROM {tables['reviews']} "
                f"WHERE timestamp < {T} OR timestamp IS NULL"
            )
        finally:
            if restricted:
                for table in SAMPLE_TABLES:
                    store.execute(f"DROP TABLE IF EXISTS temp.feature_sample_{table}")
    return {
        "features": features,
        "category_spend": settled(category_spend),
        "browse_top": browse_top,
        "reviews": reviews,
    }


def rfm_inputs(store: Store, as_of: pd.Timestamp | str) -> pd.DataFrame:
    """customer_id, recency_days, frequency and monetary of every customer seen before
    `as_of`, exactly as the profile's features have them (the same SQL): what the RFM
    segments of the profile and of the dashboard are made from. Sorted by id."""
    T = _ts(as_of)
    tables = {t: t for t in SAMPLE_TABLES}
    return settled(store.query(RFM_SQL.format(T=T, **tables)))


def reviews_before(store: Store, as_of: pd.Timestamp, customers: Iterable) -> pd.DataFrame:
    """The reviews of `customers` before `as_of` (undated ones included, as the features count
    them): ``customer_id``, ``product_id``, ``text``, ``rating``, ``timestamp``."""
    with store.frame("review_customers_df", _customer_frame(customers)):
        return store.query(
            f"""SELECT customer_id, product_id, text, rating, timestamp FROM reviews
                WHERE (timestamp < {_ts(as_of)} OR timestamp IS NULL)
                  AND customer_id IN (SELECT customer_id FROM review_customers_df)"""
        )


def order_day_summary(store: Store, customers: Iterable, as_of: pd.Timestamp) -> pd.DataFrame:
    """Frequency, recency, T and monetary value in days, as
    :func:`~promopilot.profile.clv.summary_from_transactions` gives them for the net value of
    the orders of `customers` before `as_of`, net of returns (each order shrinks by the
    customer's returned share of what they bought), the period ending the day before `as_of`;
    ``first_value`` is the net value of the first purchase day. One row per customer with
    an order (``customer_id`` column), sorted. A purchase occasion is a day of the shop (its
    zone's calendar day), as
    :func:`~promopilot.profile.clv.summary_from_transactions` counts aware times."""
    last_moment = store.local_sql(f"(TIMESTAMP '{as_of}' - INTERVAL 1 SECOND)")
    with store.frame("clv_customers_df", _customer_frame(customers)):
        return settled(
            store.query(
                f"""WITH daily AS (
                    SELECT customer_id, date_trunc('day', {store.local_sql("timestamp")})::DATE
                             AS day,
                           greatest(sum(quantity * unit_price - discount), 0.0) AS value
                    FROM orders
                    WHERE NOT is_return AND timestamp < TIMESTAMP '{as_of}'
                      AND customer_id IN (SELECT customer_id FROM clv_customers_df)
                    GROUP BY 1, 2),
                returned AS (
                    SELECT customer_id, sum(-{line_net()}) AS value
                    FROM orders
                    WHERE is_return AND timestamp < TIMESTAMP '{as_of}'
                      AND customer_id IN (SELECT customer_id FROM clv_customers_df)
                    GROUP BY 1),
                per_customer AS (
                    SELECT customer_id, count(*) - 1 AS frequency,
                           date_diff('day', min(day), max(day))::DOUBLE AS recency,
                           date_diff('day', min(day),
                                     ({last_moment})::DATE)::DOUBLE
                             AS T,
                           CASE WHEN count(*) > 1 THEN (sum(value) - arg_min(value, day))
                                / (count(*) - 1) ELSE 0.0 END AS gross_repeat_value,
                           arg_min(value, day) AS gross_first_value,
                           sum(value) AS bought
                    FROM daily GROUP BY 1)
                -- returns are netted: every order's value shrinks by the customer's returned
                -- share of what they bought (floored at 0, capped at everything)
                SELECT p.customer_id, p.frequency, p.recency, p.T,
                       p.gross_repeat_value * n.keep AS monetary_value,
                       p.gross_first_value * n.keep AS first_value
                FROM per_customer p LEFT JOIN returned r USING (customer_id),
                     LATERAL (SELECT CASE WHEN p.bought > 0 THEN greatest(
                         1.0 - coalesce(greatest(r.value, 0.0), 0.0) / p.bought, 0.0)
                         ELSE 0.0 END AS keep) n
                ORDER BY 1"""
            )
        )


def _orders_in(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """SQL: distinct orders per customer (``customer_id``, ``n``), start <= timestamp < end,
    returns excluded."""
    return f"""SELECT customer_id, count(DISTINCT order_id) AS n FROM orders WHERE NOT is_return
        AND timestamp >= {_ts(start)} AND timestamp < {_ts(end)} GROUP BY 1"""


def _events_in(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """SQL: events per customer (``customer_id``, ``n``), start <= timestamp < end."""
    return f"""SELECT customer_id, count(*) AS n FROM events
        WHERE timestamp >= {_ts(start)} AND timestamp < {_ts(end)} GROUP BY 1"""


def events_between(store: Store, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Events per customer (``customer_id``, ``n``) with start <= timestamp < end: the
    activity that labels the window models of a shop without orders."""
    return store.query(_events_in(start, end))


def activity_between(store: Store, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Distinct orders (returns excluded) plus events per customer (``customer_id``, ``n``)
    with start <= timestamp < end: :func:`orders_between` and :func:`events_between` added
    up in SQL rather than aligned in pandas (slow on a million string ids)."""
    return store.query(
        f"""SELECT customer_id, sum(n)::BIGINT AS n FROM (
                {_orders_in(start, end)} UNION ALL {_events_in(start, end)})
            GROUP BY 1"""
    )


def promo_order_counts(
    store: Store,
    start: pd.Timestamp,
    end: pd.Timestamp,
    sale_days: pd.Series,
    campaign_days: int,
    customers: Iterable | None = None,
) -> pd.DataFrame:
    """Per customer, their orders with start <= timestamp < end that were placed outside the
    shop's sale days (days of the shop's zone) and outside the `campaign_days` after a campaign
    was sent to them (``orders``), and how many of those used a discount or coupon
    (``promo``): a customer's own use of promotions, apart from sitewide sales and the offers
    they were sent. Only `customers`, where given (e.g. a sample)."""
    sales = pd.DataFrame({"day": sale_days.astype("datetime64[us]")})
    chosen = _customer_frame([] if customers is None else customers)
    only = "" if customers is None else "AND customer_id IN (SELECT customer_id FROM promo_ids_df)"
    with store.frame("promo_sale_days_df", sales), store.frame("promo_ids_df", chosen):
        return store.query(
            f"""WITH per_order AS (
                    SELECT customer_id, order_id, min(timestamp) AS ts,
                           bool_or(discount > 0 OR coupon_code IS NOT NULL) AS promo
                    FROM orders WHERE NOT is_return
                      AND timestamp >= {_ts(start)} AND timestamp < {_ts(end)} {only}
                    GROUP BY 1, 2)
                SELECT o.customer_id, count(*) AS orders,
                       count(*) FILTER (WHERE o.promo) AS promo
                FROM per_order o
                WHERE date_trunc('day', {store.local_sql("o.ts")})
                      NOT IN (SELECT day FROM promo_sale_days_df)
                  AND NOT EXISTS (
                    SELECT 1 FROM campaigns c WHERE c.customer_id = o.customer_id
                      AND o.ts >= c.sent_at
                      AND o.ts < c.sent_at + INTERVAL {int(campaign_days)} DAY)
                GROUP BY 1 ORDER BY 1"""
        )


def orders_between(store: Store, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Distinct orders per customer (``customer_id``, ``n``) with start <= timestamp < end,
    returns excluded; customers without any are left out."""
    return store.query(_orders_in(start, end))


def silence_reference(store: Store, cut: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Every customer seen (an order or an event) before `cut`: ``days_silent``, the days
    from their last order or event to `cut`; ``bought``, whether they had an order before it;
    ``days_to_order``, the days from `cut` to their first order with cut <= timestamp < end
    (returns excluded; missing without one).
    What :mod:`promopilot.profile.silence` learns the share of silent customers from."""
    return store.query(
        f"""WITH seen AS (
                SELECT customer_id, max(timestamp) AS last_at, bool_or(is_order) AS bought
                FROM (SELECT customer_id, timestamp, TRUE AS is_order FROM orders
                        WHERE NOT is_return AND timestamp < {_ts(cut)}
                      UNION ALL
                      SELECT customer_id, timestamp, FALSE FROM events
                        WHERE timestamp < {_ts(cut)})
                GROUP BY 1),
            later AS (SELECT customer_id, min(timestamp) AS first_at FROM orders
                WHERE NOT is_return AND timestamp >= {_ts(cut)} AND timestamp < {_ts(end)}
                GROUP BY 1)
            SELECT s.customer_id,
                   (epoch({_ts(cut)}) - epoch(s.last_at)) / 86400.0 AS days_silent, s.bought,
                   (epoch(l.first_at) - epoch({_ts(cut)})) / 86400.0 AS days_to_order
            FROM seen s LEFT JOIN later l USING (customer_id) ORDER BY 1"""
    )

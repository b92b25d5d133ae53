"""Customer features as of a date, computed in SQL on DuckDB from the store.

Nothing at or after ``as_of`` is read, so the same function builds training snapshots for
earlier dates without leakage. Contact data is never read. Sale periods are found in the data
(days when the shop-wide discounted share of revenue spikes), not configured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.store import Store

MAX_CATEGORIES = 12
SENTIMENT_FIT_ROWS = 10_000
"""Above this many reviews, the default sentiment model learns from a random sample of this
many of them (seeded) and scores each distinct review text once."""

FEATURE_DESCRIPTIONS: dict[str, str] = {
    "recency_days": "days since the last order (for customers with none: since first seen)",
    "frequency": "number of distinct orders (returns excluded)",
    "monetary": "net revenue: quantity x price minus line discounts",
    "tenure_days": "days since the customer was first seen (signup, event or order)",
    "avg_order_value": "net revenue per order",
    "interpurchase_days": "mean days between first and last order per repeat order",
    "n_returns": "return lines",
    "return_share": "returned units / purchased units",
    "coupon_share": "share of orders outside sale periods that used a coupon or discount",
    "discount_share": "discount money / gross value of their orders",
    "sale_order_lift": "their share of orders placed in sale periods / the shop's share",
    "sale_view_lift": "their views per day in sale periods / views per day otherwise",
    "price_level": "what they pay relative to the median price of the same category (1 = median)",
    "view_price_level": "price of what they view relative to the category's median price",
    "views": "product views",
    "views_30d": "views in the last 30 days",
    "browse_intensity": "views per day since first seen",
    "browse_trend": "views per day in the last 30 days / per day in the 90 days before",
    "days_since_last_event": "days since their last event or order of any kind",
    "carts": "add-to-cart events",
    "cart_abandonment": "share of carted products they did not buy",
    "n_reviews": "reviews written",
    "mean_rating": "mean star rating of their reviews",
    "sentiment": "mean review sentiment in [-1, 1] (0 without reviews)",
    "discount_sensitivity": "0..1: how much their buying depends on discounts (mean percentile "
                            "of coupon use, sale-period buying and browsing, low price level)",
    "top_category": "the category they spend (or, without orders, browse) most in",
    "share_<category>": "share of net spend in that category",
}


def _ts(value: pd.Timestamp) -> str:
    return f"TIMESTAMP '{pd.Timestamp(value).isoformat(sep=' ')}'"


def sale_days(store: Store, *, as_of: pd.Timestamp | str) -> pd.Series:
    """Days (before `as_of`) when the discounted share of the shop's revenue spiked: more than
    10 %, above the median day by 3 robust standard deviations, and on at least 5 orders (one
    coupon on a quiet day is not a sale)."""
    daily = store.query(
        f"""SELECT date_trunc('day', timestamp) AS day,
                   sum(discount) / nullif(sum(quantity * unit_price), 0) AS share,
                   count(DISTINCT order_id) FILTER (WHERE discount > 0) AS n_discounted
            FROM orders WHERE NOT is_return AND timestamp < {_ts(as_of)} GROUP BY 1"""
    )
    if daily.empty:
        return pd.Series([], dtype="datetime64[us]")
    share = daily["share"].fillna(0.0)
    median = share.median()
    mad = (share - median).abs().median() * 1.4826
    spike = (share > 0.10) & (share > median + 3 * max(mad, 0.01)) & (daily["n_discounted"] >= 5)
    return pd.to_datetime(daily.loc[spike, "day"]).sort_values().reset_index(drop=True)


CUSTOMER_SAMPLE = "feature_customers_df"  # the `customers` of build_features, while it runs
SAMPLE_TABLES = ("customers", "orders", "events", "reviews")


def _restrict(store: Store, as_of_sql: str) -> dict[str, str]:
    """Copy the rows of the chosen customers (before `as_of`) into temporary tables, one scan
    of each store table, and return their names: the feature queries then read far fewer
    rows than the store holds."""
    since = {"customers": "TRUE", "orders": f"timestamp < {as_of_sql}",
             "events": f"timestamp < {as_of_sql}",
             "reviews": f"(timestamp < {as_of_sql} OR timestamp IS NULL)"}
    names = {}
    for table in SAMPLE_TABLES:
        names[table] = f"feature_sample_{table}"
        store.execute(
            f"""CREATE OR REPLACE TEMP TABLE {names[table]} AS SELECT * FROM {table}
                WHERE {since[table]}
                  AND customer_id IN (SELECT customer_id FROM {CUSTOMER_SAMPLE})""")
    return names


def build_features(store: Store, *, as_of: pd.Timestamp | str, sentiment_fn=None,
                   customers: pd.Index | list[str] | None = None) -> pd.DataFrame:
    """One row per customer seen before `as_of` (see ``FEATURE_DESCRIPTIONS``).

    `customers` limits the table to those customers (e.g. a random sample to train models
    on). Everything is then computed from their rows only, including the few statistics
    across customers (category median prices, the shop's share of orders in sale periods,
    the percentiles behind ``discount_sensitivity``), so on a random sample those are
    estimates from the sample. Sale periods are always found from all orders.
    """
    as_of = pd.Timestamp(as_of)
    T = _ts(as_of)
    sales = sale_days(store, as_of=as_of)
    restricted = customers is not None
    tables = {t: t for t in SAMPLE_TABLES}
    store.con.register("sale_days_df", pd.DataFrame({"day": sales.astype("datetime64[us]")}))
    try:
        if restricted:
            store.con.register(CUSTOMER_SAMPLE, pd.DataFrame(
                {"customer_id": pd.Series(list(customers), dtype=object)}))
            tables = _restrict(store, T)
        frame = store.query(_FEATURE_SQL.format(T=T, **tables))
        frame = frame.set_index("customer_id")
        shares = store.query(
            f"""SELECT o.customer_id, coalesce(p.category, '(none)') AS category,
                       sum(o.quantity * o.unit_price - o.discount) AS spend
                FROM {tables["orders"]} o LEFT JOIN products p USING (product_id)
                WHERE NOT o.is_return AND o.timestamp < {T} GROUP BY ALL"""
        )
        # the most browsed category of each customer (ties: the first name)
        browse_top = store.query(
            f"""SELECT customer_id, arg_min(category, (-n, category)) AS category FROM (
                    SELECT e.customer_id, coalesce(p.category, '(none)') AS category,
                           count(*) AS n
                    FROM {tables["events"]} e LEFT JOIN products p USING (product_id)
                    WHERE e.timestamp < {T} GROUP BY ALL)
                GROUP BY 1"""
        ).set_index("customer_id")["category"]
        reviews = _reviews(store, as_of, tables["reviews"])
    finally:
        store.con.unregister("sale_days_df")
        if restricted:
            store.con.unregister(CUSTOMER_SAMPLE)
            for table in SAMPLE_TABLES:
                store.execute(f"DROP TABLE IF EXISTS temp.feature_sample_{table}")

    top_spend = shares.groupby("category")["spend"].sum().sort_values(ascending=False)
    keep = list(top_spend.index[:MAX_CATEGORIES])
    if not shares.empty:
        pivot = shares.pivot_table(index="customer_id", columns="category", values="spend",
                                   aggfunc="sum", fill_value=0.0)
        total = pivot.sum(axis=1).replace(0, np.nan)
        share_frame = pivot[keep].div(total, axis=0).fillna(0.0)
        share_frame.columns = [f"share_{c}" for c in keep]
        frame = frame.join(share_frame)
        top = pivot.idxmax(axis=1)
    else:
        top = pd.Series(dtype=object)
    if not browse_top.empty:
        top = top.reindex(frame.index).fillna(browse_top.reindex(frame.index))
    frame["top_category"] = top.reindex(frame.index).fillna("(none)") if len(top) else "(none)"
    for col in [c for c in frame.columns if c.startswith("share_")]:
        frame[col] = frame[col].fillna(0.0)

    frame["sentiment"] = _sentiment(reviews, sentiment_fn).reindex(frame.index).fillna(0.0)
    frame["discount_sensitivity"] = discount_sensitivity(frame)
    return frame.reset_index()


def discount_sensitivity(frame: pd.DataFrame) -> pd.Series:
    """Weighted mean percentile of the available promotion signals (higher = more
    discount-driven). Price level weighs most: it is observed on every order; coupon use next;
    sale-period buying and browsing are noisier. Browsing price level stands in for customers
    without orders."""
    price = frame["price_level"].fillna(frame["view_price_level"]) if "view_price_level" in \
        frame else frame["price_level"]
    signals = {
        "price": (price, False, 3.0),
        "coupon": (frame.get("coupon_share"), True, 1.5),
        "sale_orders": (frame.get("sale_order_lift"), True, 0.5),
        "sale_views": (frame.get("sale_view_lift"), True, 0.5),
    }
    total = pd.Series(0.0, index=frame.index)
    weight = pd.Series(0.0, index=frame.index)
    for values, ascending, w in signals.values():
        if values is None or values.notna().sum() == 0:
            continue
        rank = values.rank(pct=True, ascending=ascending)
        total += rank.fillna(0.0) * w
        weight += rank.notna() * w
    score = (total / weight.replace(0, np.nan)).fillna(0.5)
    return score.clip(0, 1)


def _reviews(store: Store, as_of: pd.Timestamp, table: str = "reviews") -> pd.DataFrame:
    return store.query(
        f"SELECT customer_id, product_id, text, rating FROM {table} WHERE timestamp < "
        f"{_ts(as_of)} OR timestamp IS NULL"
    )


def _sentiment(reviews: pd.DataFrame, sentiment_fn) -> pd.Series:
    """Mean review sentiment per customer."""
    if reviews.empty:
        return pd.Series(dtype=float)
    if sentiment_fn is not None:
        scored = sentiment_fn(reviews)
        return scored.groupby("customer_id")["sentiment"].mean()
    from promopilot.text.sentiment import review_sentiment

    if len(reviews) <= SENTIMENT_FIT_ROWS:
        scored = review_sentiment(reviews)
        return scored.groupby("customer_id")["sentiment"].mean()
    # Many reviews: the model learns from a random sample of them, and each distinct text is
    # scored once. A review's score depends only on its text once the model is trained, so
    # the distinct texts ride along unrated (unrated reviews are scored, never learnt from).
    ordered = reviews.sort_values(["customer_id", "product_id", "text", "rating"],
                                  kind="stable", ignore_index=True)
    sample = ordered.sample(n=SENTIMENT_FIT_ROWS, random_state=0)
    texts = reviews["text"].drop_duplicates()
    scored = review_sentiment(pd.concat(
        [sample[["text", "rating"]], pd.DataFrame({"text": texts, "rating": np.nan})],
        ignore_index=True))
    score = pd.Series(scored["sentiment"].to_numpy()[len(sample):], index=texts.to_numpy())
    per_review = pd.Series(score.reindex(reviews["text"].to_numpy()).to_numpy(),
                           index=reviews.index)
    return per_review.groupby(reviews["customer_id"]).mean()


_FEATURE_SQL = """
WITH
known AS (
    SELECT customer_id, min(t) AS first_seen, max(t) AS last_seen FROM (
        SELECT customer_id, signup_at AS t FROM {customers} WHERE signup_at < {T}
        UNION ALL SELECT customer_id, timestamp FROM {orders} WHERE timestamp < {T}
        UNION ALL SELECT customer_id, timestamp FROM {events} WHERE timestamp < {T}
    ) GROUP BY 1
),
lines AS (
    SELECT o.*, date_trunc('day', o.timestamp) IN (SELECT day FROM sale_days_df) AS on_sale,
           o.quantity * o.unit_price AS gross, o.quantity * o.unit_price - o.discount AS net,
           p.category
    FROM {orders} o LEFT JOIN products p USING (product_id)
    WHERE o.timestamp < {T}
),
cat_median AS (
    SELECT category, median(unit_price) AS median_price FROM lines
    WHERE NOT is_return AND unit_price > 0 GROUP BY 1
),
per_order AS (
    SELECT customer_id, order_id, min(timestamp) AS ts, bool_or(on_sale) AS on_sale,
           sum(net) AS net, sum(gross) AS gross, sum(discount) AS discount,
           bool_or(discount > 0 OR coupon_code IS NOT NULL) AS promo
    FROM lines WHERE NOT is_return GROUP BY 1, 2
),
buy AS (
    SELECT customer_id, count(*) AS frequency, sum(net) AS monetary,
           min(ts) AS first_order, max(ts) AS last_order,
           sum(discount) / nullif(sum(gross), 0) AS discount_share,
           avg(CASE WHEN promo THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT on_sale) AS coupon_share,
           avg(CASE WHEN on_sale THEN 1.0 ELSE 0.0 END) AS sale_share
    FROM per_order GROUP BY 1
),
shop_sale AS (SELECT avg(CASE WHEN on_sale THEN 1.0 ELSE 0.0 END) AS share FROM per_order),
ret AS (
    SELECT customer_id, count(*) FILTER (WHERE is_return) AS n_returns,
           sum(abs(quantity)) FILTER (WHERE is_return) /
             nullif(sum(quantity) FILTER (WHERE NOT is_return), 0) AS return_share
    FROM lines GROUP BY 1
),
price AS (
    SELECT l.customer_id, avg(l.unit_price / nullif(m.median_price, 0)) AS price_level
    FROM lines l JOIN cat_median m ON l.category IS NOT DISTINCT FROM m.category
    WHERE NOT l.is_return AND l.unit_price > 0 GROUP BY 1
),
ev AS (
    SELECT customer_id,
           count(*) FILTER (WHERE event = 'view') AS views,
           count(*) FILTER (WHERE event = 'view' AND timestamp >= {T} - INTERVAL 30 DAY)
             AS views_30d,
           count(*) FILTER (WHERE event = 'view' AND timestamp >= {T} - INTERVAL 120 DAY
                            AND timestamp < {T} - INTERVAL 30 DAY) AS views_prev_90d,
           count(*) FILTER (WHERE event = 'view' AND date_trunc('day', timestamp) IN
                            (SELECT day FROM sale_days_df)) AS sale_views,
           count(*) FILTER (WHERE event = 'cart') AS carts
    FROM {events} WHERE timestamp < {T} GROUP BY 1
),
carted AS (  -- apart from ev: a DISTINCT over carts only, not over every event
    SELECT customer_id, count(DISTINCT product_id) AS carted_products
    FROM {events} WHERE event = 'cart' AND timestamp < {T} GROUP BY 1
),
bought_carted AS (
    SELECT e.customer_id, count(DISTINCT e.product_id) AS n
    FROM {events} e JOIN lines l ON l.customer_id = e.customer_id
      AND l.product_id = e.product_id AND l.timestamp >= e.timestamp AND NOT l.is_return
    WHERE e.event = 'cart' AND e.timestamp < {T} GROUP BY 1
),
prod_median AS (
    SELECT category, median(price) AS median_price FROM products WHERE price > 0 GROUP BY 1
),
view_price AS (
    SELECT e.customer_id, avg(p.price / nullif(m.median_price, 0)) AS view_price_level
    FROM {events} e JOIN products p USING (product_id)
    JOIN prod_median m ON p.category IS NOT DISTINCT FROM m.category
    WHERE e.event = 'view' AND e.timestamp < {T} AND p.price > 0 GROUP BY 1
),
rev AS (
    SELECT customer_id, count(*) AS n_reviews, avg(rating) AS mean_rating
    FROM {reviews} WHERE timestamp < {T} OR timestamp IS NULL GROUP BY 1
),
n_sale AS (
    SELECT count(*) AS days FROM sale_days_df WHERE day < {T}
)
SELECT k.customer_id,
       date_diff('second', coalesce(b.last_order, k.first_seen), {T}) / 86400.0 AS recency_days,
       coalesce(b.frequency, 0) AS frequency,
       coalesce(b.monetary, 0.0) AS monetary,
       date_diff('second', k.first_seen, {T}) / 86400.0 AS tenure_days,
       b.monetary / nullif(b.frequency, 0) AS avg_order_value,
       date_diff('second', b.first_order, b.last_order) / 86400.0
         / nullif(b.frequency - 1, 0) AS interpurchase_days,
       coalesce(r.n_returns, 0) AS n_returns,
       coalesce(r.return_share, 0.0) AS return_share,
       b.coupon_share,
       coalesce(b.discount_share, 0.0) AS discount_share,
       b.sale_share / nullif((SELECT share FROM shop_sale), 0) AS sale_order_lift,
       CASE WHEN (SELECT days FROM n_sale) > 0 AND coalesce(ev.views, 0) > 0 THEN
         (ev.sale_views / (SELECT days FROM n_sale)) /
         nullif((ev.views - ev.sale_views) / greatest(date_diff('second', k.first_seen, {T})
                / 86400.0 - (SELECT days FROM n_sale), 1.0), 0)
       END AS sale_view_lift,
       pr.price_level,
       vp.view_price_level,
       coalesce(ev.views, 0) AS views,
       coalesce(ev.views_30d, 0) AS views_30d,
       coalesce(ev.views, 0) / greatest(date_diff('second', k.first_seen, {T}) / 86400.0, 1.0)
         AS browse_intensity,
       (coalesce(ev.views_30d, 0) / 30.0) / nullif(coalesce(ev.views_prev_90d, 0) / 90.0, 0)
         AS browse_trend,
       date_diff('second', k.last_seen, {T}) / 86400.0 AS days_since_last_event,
       coalesce(ev.carts, 0) AS carts,
       CASE WHEN coalesce(ca.carted_products, 0) > 0 THEN
         1.0 - coalesce(bc.n, 0) / ca.carted_products END AS cart_abandonment,
       coalesce(rv.n_reviews, 0) AS n_reviews,
       rv.mean_rating
FROM known k
LEFT JOIN buy b USING (customer_id)
LEFT JOIN ret r USING (customer_id)
LEFT JOIN price pr USING (customer_id)
LEFT JOIN view_price vp USING (customer_id)
LEFT JOIN ev USING (customer_id)
LEFT JOIN carted ca USING (customer_id)
LEFT JOIN bought_carted bc USING (customer_id)
LEFT JOIN rev rv USING (customer_id)
ORDER BY k.customer_id
"""

"""The customer features' main query (see ``customer_feature_tables`` in
:mod:`promopilot.data.queries.profile`): one row per customer seen before ``{T}``, from the
tables named ``{customers}``, ``{orders}``, ``{events}`` and ``{reviews}`` (the store's or a
sample's temporary copies) and the registered ``sale_days_df`` (the shop's days: a time is on
sale when its day in the shop's zone, ``{local_timestamp}`` and ``{local_o_timestamp}`` as
:meth:`~promopilot.data.store.Store.local_sql` writes them, is a sale day; ``{local_T}`` is
``{T}`` on the shop's clock)."""

from promopilot.data.lines import line_net

KNOWN_CTE = """
known AS (
    SELECT customer_id, min(t) AS first_seen, max(t) AS last_seen FROM (
        SELECT customer_id, signup_at AS t FROM {customers} WHERE signup_at < {T}
        UNION ALL SELECT customer_id, timestamp FROM {orders} WHERE timestamp < {T}
        UNION ALL SELECT customer_id, timestamp FROM {events} WHERE timestamp < {T}
    ) GROUP BY 1
)"""
"""Every customer seen before ``{T}`` (signup, order or event): the customers profiled."""

RFM_CTES = (
    """
rfm_orders AS (  -- an order's time is its first line's, its value the net of its lines
    SELECT customer_id, order_id, is_return, min(timestamp) AS ts,
           sum("""
    + line_net()
    + """) AS net
    FROM {order_lines} WHERE timestamp < {T} GROUP BY 1, 2, 3
),
rfm AS (
    SELECT customer_id, count(*) FILTER (WHERE NOT is_return) AS frequency,
           max(ts) FILTER (WHERE NOT is_return) AS last_order,
           sum(net) FILTER (WHERE NOT is_return) AS bought,
           greatest(coalesce(sum(-net) FILTER (WHERE is_return), 0.0), 0.0) AS returned,
           count(*) FILTER (WHERE is_return) AS return_orders
    FROM rfm_orders GROUP BY 1
)"""
)
"""Per customer with an order line before ``{T}`` in ``{order_lines}``: frequency, last order,
money bought and money returned (see :data:`RFM_COLUMNS`)."""

RECENCY_FREQUENCY = """
       date_diff('second', coalesce(rfm.last_order, k.first_seen), {T}) / 86400.0
         AS recency_days,
       coalesce(rfm.frequency, 0) AS frequency"""
MONETARY = """
       greatest(coalesce(rfm.bought, 0.0) - coalesce(rfm.returned, 0.0), 0.0) AS monetary"""
RFM_COLUMNS = RECENCY_FREQUENCY + "," + MONETARY
"""The RFM inputs of a customer of ``known k`` joined to ``rfm``: fractional days since the
last order (since first seen without one), distinct orders (returns apart) and net spend
(line discounts and returns netted, >= 0). The profile and the dashboard both use these."""

RFM_SQL = (
    "WITH" + KNOWN_CTE + "," + RFM_CTES + "\nSELECT k.customer_id," + RFM_COLUMNS + ",\n"
    "       coalesce(rfm.return_orders, 0) AS n_returns\n"
    "FROM known k LEFT JOIN rfm USING (customer_id) ORDER BY k.customer_id"
).replace("{order_lines}", "{orders}")
"""recency_days, frequency and monetary of every customer seen before ``{T}``, and
``n_returns``, their return orders (above 0 where the features' ``n_returns``, return lines,
is: a customer who only returned is ``Returns only``, not ``No purchases``)."""

FEATURE_SQL = (
    "WITH"
    + KNOWN_CTE
    + """,
lines AS (
    SELECT o.*, date_trunc('day', {local_o_timestamp}) IN (SELECT day FROM sale_days_df) AS on_sale,
           o.quantity * o.unit_price AS gross, """
    + line_net("o")
    + """ AS net,
           p.category
    FROM {orders} o LEFT JOIN products p USING (product_id)
    WHERE o.timestamp < {T}
),"""
    + RFM_CTES.replace("{order_lines}", "lines")
    + """,
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
           count(*) FILTER (WHERE ts >= {T} - INTERVAL 90 DAY) AS orders_90d,
           min(ts) AS first_order, max(ts) AS last_order,
           sum(discount) / nullif(sum(gross), 0) AS discount_share,
           avg(CASE WHEN promo THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT on_sale) AS coupon_share,
           avg(CASE WHEN on_sale THEN 1.0 ELSE 0.0 END) AS sale_share
    FROM per_order GROUP BY 1
),
shop_sale AS (SELECT avg(CASE WHEN on_sale THEN 1.0 ELSE 0.0 END) AS share FROM per_order),
ret AS (  -- returned share of what they bought, by value, in [0, 1]
    SELECT customer_id, count(*) FILTER (WHERE is_return) AS n_returns,
           greatest(coalesce(sum(-net) FILTER (WHERE is_return), 0.0), 0.0) AS returned,
           least(greatest(coalesce(sum(-net) FILTER (WHERE is_return), 0.0), 0.0) /
             nullif(greatest(sum(net) FILTER (WHERE NOT is_return), 0.0), 0), 1.0)
             AS return_share
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
           count(*) FILTER (WHERE event = 'view' AND date_trunc('day', {local_timestamp}) IN
                            (SELECT day FROM sale_days_df)) AS sale_views,
           count(*) FILTER (WHERE event = 'cart') AS carts,
           count(*) FILTER (WHERE timestamp >= {T} - INTERVAL 90 DAY) AS events_90d
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
    SELECT count(*) AS days FROM sale_days_df WHERE day < {local_T}
)
SELECT k.customer_id,"""
    + RECENCY_FREQUENCY
    + """,
       coalesce(b.orders_90d, 0) AS orders_90d,"""
    # the feature table's column order is kept as it was: LightGBM's column sampling (and so
    # every model fitted on it) depends on the order, and the published benchmarks with it
    + MONETARY
    + """,
       date_diff('second', k.first_seen, {T}) / 86400.0 AS tenure_days,
       greatest(b.monetary - coalesce(r.returned, 0.0), 0.0) / nullif(b.frequency, 0)
         AS avg_order_value,
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
       coalesce(ev.events_90d, 0) AS events_90d,
       CASE WHEN coalesce(ca.carted_products, 0) > 0 THEN
         1.0 - coalesce(bc.n, 0) / ca.carted_products END AS cart_abandonment,
       coalesce(rv.n_reviews, 0) AS n_reviews,
       rv.mean_rating
FROM known k
LEFT JOIN rfm USING (customer_id)
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
)

"""SQL for planning offers: the order lines and customers known before a plan date, and how
many customers bought in a period (a randomized test's baseline), and who bought or was sent a
campaign in a period (the plan's check of its purchase rates on the latest days)."""

from __future__ import annotations

import pandas as pd

from promopilot.data.store import Store


def _timestamp(value: pd.Timestamp | str) -> str:
    """A time as DuckDB reads a TIMESTAMP literal (the store keeps naive UTC times)."""
    return str(pd.Timestamp(value))


# the distinct customers with an order (not a return) in [$start, $end)
_BUYERS_SQL = """
    SELECT DISTINCT customer_id FROM orders WHERE NOT is_return
       AND timestamp >= CAST($start AS TIMESTAMP) AND timestamp < CAST($end AS TIMESTAMP)
"""


def _period(start: pd.Timestamp | str, end: pd.Timestamp | str) -> dict:
    return {"start": _timestamp(start), "end": _timestamp(end)}


def order_lines_before(store: Store, as_of: pd.Timestamp | str) -> pd.DataFrame:
    """Every purchased order line (no returns) before `as_of`: customer_id, order_id, the
    product's category (``(none)`` when unknown), ``net`` (quantity x unit_price - discount),
    ``gross`` (at list price) and ``margin`` (quantity x (unit_price - cost); NULL when the
    product's cost is unknown)."""
    return store.query(
        """
        SELECT o.customer_id, o.order_id, coalesce(p.category, '(none)') AS category,
               o.quantity * o.unit_price - o.discount AS net,
               o.quantity * o.unit_price AS gross,
               CASE WHEN p.cost IS NOT NULL THEN o.quantity * (o.unit_price - p.cost) END AS margin
        FROM orders o LEFT JOIN products p USING (product_id)
        WHERE NOT o.is_return AND o.timestamp < CAST($as_of AS TIMESTAMP)
        """,
        {"as_of": _timestamp(as_of)},
    )


def customers_seen_before(store: Store, as_of: pd.Timestamp | str) -> pd.Series:
    """The ids of the customers in the customers table or with an order or event before
    `as_of` (each once)."""
    return store.query(
        """
        SELECT customer_id FROM customers
        UNION SELECT customer_id FROM orders WHERE timestamp < CAST($as_of AS TIMESTAMP)
        UNION SELECT customer_id FROM events WHERE timestamp < CAST($as_of AS TIMESTAMP)
        """,
        {"as_of": _timestamp(as_of)},
    )["customer_id"]


def buyers_between(store: Store, start: pd.Timestamp | str, end: pd.Timestamp | str) -> int:
    """How many distinct customers placed an order (not a return) in ``[start, end)``."""
    return int(store.scalar(f"SELECT count(*) FROM ({_BUYERS_SQL})", _period(start, end)) or 0)


def add_offers(store: Store, offers: pd.DataFrame) -> int:
    """Store the offers (columns of the ``offers`` table) whose offer_id the store does not
    have yet, e.g. the default catalogue a plan used, so that ``send`` and ``report`` know
    their terms. Returns how many were added."""
    columns = [
        "offer_id",
        "kind",
        "value",
        "min_spend",
        "category",
        "send_cost",
        "valid_days",
        "max_discount",
    ]
    frame = offers.reindex(columns=columns)
    frame["max_discount"] = frame["max_discount"].astype(float)
    before = store.count("offers")
    with store.frame("offers_to_add", frame):
        store.execute(
            "INSERT INTO offers BY NAME SELECT offer_id, kind, value, min_spend, "
            "NULLIF(category, '') AS category, send_cost, valid_days, max_discount, "
            "timezone('UTC', now()) AS updated_at FROM offers_to_add "
            "WHERE offer_id NOT IN (SELECT offer_id FROM offers)"
        )
    return store.count("offers") - before


def buyer_ids_between(
    store: Store, start: pd.Timestamp | str, end: pd.Timestamp | str
) -> pd.Series:
    """The ids of the customers who placed an order (not a return) in ``[start, end)``."""
    return store.query(_BUYERS_SQL, _period(start, end))["customer_id"]


def contacted_ids_between(
    store: Store, start: pd.Timestamp | str, end: pd.Timestamp | str
) -> pd.Series:
    """The ids of the customers a campaign was sent to (an offer or a control row) in
    ``[start, end)``."""
    return store.query(
        """
        SELECT DISTINCT customer_id FROM campaigns
        WHERE sent_at >= CAST($start AS TIMESTAMP) AND sent_at < CAST($end AS TIMESTAMP)
        """,
        _period(start, end),
    )["customer_id"]

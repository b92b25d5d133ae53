"""Per-customer inputs of offer economics: expected basket value if they buy, their margin
rate, and how their spending splits over categories (for category-scoped offers).

Estimates are shrunk toward the shop's averages so a customer with one order does not get an
extreme value: ``(n * own + k * shop) / (n + k)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.store import Store


def customer_value_inputs(store: Store, *, as_of: pd.Timestamp | str, default_margin: float,
                          shrinkage: float = 2.0) -> pd.DataFrame:
    """One row per customer seen before `as_of`: basket_value (order value at list price),
    margin_rate, n_orders, ``share_<category>`` columns (shares of net spend, shrunk
    toward the shop's mix) and ``item_value_<category>`` (the shop's mean list value of an
    order line of that category, the same for every customer)."""
    as_of = pd.Timestamp(as_of)
    lines = store.query(
        f"""
        SELECT o.customer_id, o.order_id, coalesce(p.category, '(none)') AS category,
               o.quantity * o.unit_price - o.discount AS net,
               o.quantity * o.unit_price AS gross,
               CASE WHEN p.cost IS NOT NULL THEN o.quantity * (o.unit_price - p.cost) END AS margin
        FROM orders o LEFT JOIN products p USING (product_id)
        WHERE NOT o.is_return AND o.timestamp < TIMESTAMP '{as_of}'
        """
    )
    customers = store.query(
        f"""
        SELECT customer_id FROM customers
        UNION SELECT customer_id FROM orders WHERE timestamp < TIMESTAMP '{as_of}'
        UNION SELECT customer_id FROM events WHERE timestamp < TIMESTAMP '{as_of}'
        """
    )["customer_id"]
    out = pd.DataFrame(index=pd.Index(customers.astype(str).unique(), name="customer_id"))
    if lines.empty:
        out["basket_value"] = np.nan
        out["margin_rate"] = default_margin
        out["n_orders"] = 0
        return out.reset_index()
    # list-price value: the offer's discount is subtracted on its own in the economics
    per_order = lines.groupby(["customer_id", "order_id"], sort=False)["gross"].sum()
    shop_basket = float(per_order.mean())
    by_customer = per_order.groupby(level=0).agg(["sum", "count"])
    n = by_customer["count"].reindex(out.index).fillna(0).to_numpy()
    own = (by_customer["sum"] / by_customer["count"]).reindex(out.index).fillna(0).to_numpy()
    out["basket_value"] = (n * own + shrinkage * shop_basket) / (n + shrinkage)
    known = lines.dropna(subset=["margin"])
    if len(known) and known["gross"].sum() > 0:
        shop_margin = float(known["margin"].sum() / known["gross"].sum())
        agg = known.groupby("customer_id")[["margin", "gross"]].sum().reindex(out.index)
        own_margin = (agg["margin"] / agg["gross"]).fillna(shop_margin).to_numpy()
        weight = agg["gross"].fillna(0).to_numpy() / max(shop_basket, 1e-9)
        out["margin_rate"] = (weight * own_margin + shrinkage * shop_margin) / (weight + shrinkage)
    else:
        out["margin_rate"] = default_margin
    out["n_orders"] = n.astype(int)
    spend = lines.pivot_table(index="customer_id", columns="category", values="net",
                              aggfunc="sum", fill_value=0.0)
    # a customer's category shares, shrunk toward the shop's mix like the basket: someone who
    # never bought beauty may still buy it with a beauty coupon
    shop_mix = spend.sum(axis=0) / max(float(spend.to_numpy().sum()), 1e-9)
    own_shares = spend.div(spend.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    own_shares = own_shares.reindex(out.index).fillna(0.0)
    shares = (own_shares.mul(n, axis=0) + shrinkage * shop_mix) / (n + shrinkage)[:, None]
    shares.columns = [f"share_{c}" for c in shares.columns]
    # what one order line of each category is worth at list price (the shop's mean): a
    # category coupon is only redeemed with an item of its category in the basket
    item = lines.groupby("category")["gross"].mean()
    items = pd.DataFrame({f"item_value_{c}": float(v) for c, v in item.items()},
                         index=out.index)
    return pd.concat([out, shares, items], axis=1).reset_index()

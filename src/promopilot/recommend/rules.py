"""Business rules applied after scoring, and "bought together" pairs.

Rules work on a scored candidate table (``customer_id, product_id, score``) and the product
catalogue, so they apply to any recommender's output:

- already-bought products are dropped unless their category is a repeat category (one whose
  buyers often buy the same product again: groceries, beauty, consumables), learned from the
  shop's own repeat rates;
- out-of-stock products are dropped (unknown stock counts as in stock);
- an optional margin boost multiplies scores by ``1 + margin_boost * margin share``;
- a category scope keeps only products of the offer's category;
- diversity: at most `max_per_category` products of one category per customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.recommend.base import id_text

REPEAT_RATE = 0.2  #: a category whose repeat rate reaches this is a repeat category


def repeat_categories(
    repeat_rates: pd.DataFrame, *, threshold: float = REPEAT_RATE, min_buyers: int = 20
) -> set[str]:
    """Categories whose buyers rebuy the same product often enough (from
    ``data.queries.recommend.category_repeat_rates``)."""
    if repeat_rates.empty:
        return set()
    ok = (repeat_rates["n_buyers"] >= min_buyers) & (repeat_rates["repeat_rate"] >= threshold)
    return set(repeat_rates.loc[ok, "category"].astype(str))


def in_stock_mask(products: pd.DataFrame, product_ids: pd.Index) -> np.ndarray:
    """True where a product is not known to be out of stock (NULL stock counts as in stock)."""
    if products is None or "in_stock" not in products:
        return np.ones(len(product_ids), dtype=bool)
    stock = products.set_index(id_text(products["product_id"]))["in_stock"]
    stock = stock[~stock.index.duplicated(keep="last")]
    known_out = stock.reindex(product_ids).astype("boolean").eq(False).fillna(False)
    return ~known_out.to_numpy(dtype=bool)


@dataclass(frozen=True)
class Rules:
    """What to enforce after scoring.

    exclude_bought : drop products the customer bought, except in `repeat_categories`.
    repeat_categories : categories where rebuying is normal.
    exclude_out_of_stock : drop products whose in_stock is false.
    margin_boost : 0 = off; 0.5 = a 100%-margin product scores 1.5 times as much.
    category : keep only this category (a category offer's scope).
    max_per_category : diversity cap per customer (None = no cap).
    """

    exclude_bought: bool = True
    repeat_categories: frozenset[str] = frozenset()
    exclude_out_of_stock: bool = True
    margin_boost: float = 0.0
    category: str | None = None
    max_per_category: int | None = None


def apply_rules(
    candidates: pd.DataFrame,
    products: pd.DataFrame | None,
    rules: Rules,
    *,
    k: int,
    bought: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Filter and rerank scored candidates; returns ``customer_id, product_id, score, rank``
    with at most `k` rows per customer, rank 1 = best."""
    recs = candidates[["customer_id", "product_id", "score"]].copy()
    recs["product_id"] = id_text(recs["product_id"])
    catalogue = (
        products.assign(product_id=id_text(products["product_id"]))
        .drop_duplicates("product_id", keep="last")
        .set_index("product_id")
        if products is not None and len(products)
        else None
    )
    category = (
        catalogue["category"].reindex(recs["product_id"]).astype(object).to_numpy()
        if catalogue is not None and "category" in catalogue
        else np.full(len(recs), None, dtype=object)
    )
    keep = np.ones(len(recs), dtype=bool)
    if rules.exclude_out_of_stock and catalogue is not None:
        keep &= in_stock_mask(products, pd.Index(recs["product_id"]))
    if rules.category is not None:
        keep &= category == rules.category
    if rules.exclude_bought and bought is not None and len(bought):
        key = pd.MultiIndex.from_frame(bought[["customer_id", "product_id"]].apply(id_text))
        was = pd.MultiIndex.from_frame(recs[["customer_id", "product_id"]]).isin(key)
        keep &= ~(was & ~pd.Series(category).isin(rules.repeat_categories).to_numpy())
    if rules.margin_boost and catalogue is not None and {"price", "cost"} <= set(catalogue):
        price = catalogue["price"].reindex(recs["product_id"]).to_numpy(dtype=float)
        cost = catalogue["cost"].reindex(recs["product_id"]).to_numpy(dtype=float)
        margin = np.clip(
            np.nan_to_num((price - cost) / np.where(price > 0, price, np.nan)), 0.0, 1.0
        )
        recs["score"] = recs["score"] * (1.0 + rules.margin_boost * margin)
    recs["_category"] = category
    recs = recs[keep].sort_values(
        ["customer_id", "score", "product_id"], ascending=[True, False, True], kind="stable"
    )
    if rules.max_per_category is not None:
        n_in_cat = recs.groupby(["customer_id", recs["_category"].fillna("")]).cumcount()
        recs = recs[n_in_cat < rules.max_per_category]
    recs["rank"] = recs.groupby("customer_id").cumcount() + 1
    recs = recs[recs["rank"] <= k]
    return recs.drop(columns="_category").reset_index(drop=True)


def bought_together(
    baskets: pd.DataFrame, *, min_support: int = 2, max_basket: int = 50
) -> pd.DataFrame:
    """Product pairs bought in the same order: ``product_id, other_product_id, n_orders
    (support count), support, confidence (P(other | product)), lift``, best lift first.

    `baskets` holds distinct ``order_id, product_id`` lines; orders with more than
    `max_basket` distinct products are skipped (wholesale orders say little about pairs).
    """
    from scipy import sparse

    lines = baskets[["order_id", "product_id"]].astype(str).drop_duplicates()
    size = lines.groupby("order_id")["product_id"].transform("size")
    lines = lines[size <= max_basket]
    columns = ["product_id", "other_product_id", "n_orders", "support", "confidence", "lift"]
    if lines.empty:
        return pd.DataFrame(columns=columns)
    orders = pd.Index(lines["order_id"].unique())
    items = pd.Index(lines["product_id"].unique())
    M = sparse.csr_matrix(
        (
            np.ones(len(lines)),
            (orders.get_indexer(lines["order_id"]), items.get_indexer(lines["product_id"])),
        ),
        shape=(len(orders), len(items)),
    )
    co = (M.T @ M).tocoo()
    off = (co.row != co.col) & (co.data >= min_support)
    a, b, n = co.row[off], co.col[off], co.data[off]
    count = np.asarray(M.sum(axis=0)).ravel()
    n_orders = len(orders)
    out = pd.DataFrame(
        {
            "product_id": items.to_numpy()[a],
            "other_product_id": items.to_numpy()[b],
            "n_orders": n.astype(np.int64),
            "support": n / n_orders,
            "confidence": n / count[a],
            "lift": n * n_orders / (count[a] * count[b]),
        }
    )
    return out.sort_values(
        ["lift", "n_orders", "product_id", "other_product_id"], ascending=[False, False, True, True]
    ).reset_index(drop=True)

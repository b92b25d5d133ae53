"""Recommenders with the same contract: ``fit(interactions)`` and
``recommend(customer_ids, k, exclude_seen=True)`` returning a DataFrame with columns
``customer_id, product_id, score, rank``.

:class:`CategoryPopularityRecommender` is the light default: a customer's taste over
categories (from their own weighted interactions) times each product's recent popularity in
its category. It is blocked matrix work (customers x categories times categories x products),
never a loop over customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from promopilot.data.queries import recommend as queries
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotFittedError
from promopilot.recommend.rules import in_stock_mask


def interactions(store: Store, *, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Weighted customer-product interactions before `as_of` (the SQL lives in
    :mod:`promopilot.data.queries.recommend`)."""
    return queries.interactions(store, as_of=as_of)


class CategoryPopularityRecommender(BaseEstimator):
    """Recommend popular products from the categories a customer likes.

    Parameters
    ----------
    taste_smoothing : weight of the shop-wide category mix added to each customer's taste,
        so new customers get the shop's bestsellers.
    in_stock_only : drop products whose ``in_stock`` is false, when known.

    Attributes
    ----------
    customer_ids_, product_ids_ : the id maps (public ids <-> matrix rows/columns).
    taste_ : sparse (customers x categories) normalized taste.
    product_scores_ : (categories x products) popularity within category.
    """

    def __init__(self, *, taste_smoothing: float = 0.2, in_stock_only: bool = True) -> None:
        self.taste_smoothing = taste_smoothing
        self.in_stock_only = in_stock_only

    def fit(
        self, interactions: pd.DataFrame, products: pd.DataFrame | None = None
    ) -> CategoryPopularityRecommender:
        missing = {"customer_id", "product_id", "category", "weight"} - set(interactions)
        if missing:
            raise InputError(f"interactions lack column(s) {', '.join(sorted(missing))}")
        if interactions.empty:
            raise InputError("no interactions to learn from")
        data = interactions
        self.customer_ids_ = pd.Index(data["customer_id"].astype(str).unique())
        self.product_ids_ = pd.Index(data["product_id"].astype(str).unique())
        self.categories_ = pd.Index(data["category"].astype(str).unique())
        rows = self.customer_ids_.get_indexer(data["customer_id"].astype(str))
        cats = self.categories_.get_indexer(data["category"].astype(str))
        cols = self.product_ids_.get_indexer(data["product_id"].astype(str))
        w = data["weight"].to_numpy(dtype=np.float64)
        taste = sparse.csr_matrix(
            (w, (rows, cats)), shape=(len(self.customer_ids_), len(self.categories_))
        )
        totals = np.asarray(taste.sum(axis=1)).ravel()
        taste = sparse.diags(1.0 / np.maximum(totals, 1e-12)) @ taste
        self.taste_ = taste.tocsr()
        shop_mix = np.bincount(cats, weights=w, minlength=len(self.categories_))
        self.shop_mix_ = shop_mix / shop_mix.sum()
        popularity = np.bincount(cols, weights=np.log1p(w), minlength=len(self.product_ids_))
        product_cat = np.zeros(len(self.product_ids_), dtype=np.int64)
        product_cat[cols] = cats
        if self.in_stock_only and products is not None and "in_stock" in products:
            popularity[~in_stock_mask(products, self.product_ids_)] = 0.0
        # normalize popularity within each category to sum to 1
        cat_total = np.bincount(product_cat, weights=popularity, minlength=len(self.categories_))
        score = popularity / np.maximum(cat_total[product_cat], 1e-12)
        self.product_scores_ = sparse.csr_matrix(
            (score, (product_cat, np.arange(len(self.product_ids_)))),
            shape=(len(self.categories_), len(self.product_ids_)),
        )
        self.seen_ = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)),
            shape=(len(self.customer_ids_), len(self.product_ids_)),
        )
        return self

    def recommend(
        self, customer_ids, k: int = 5, *, exclude_seen: bool = True, block_size: int = 20000
    ) -> pd.DataFrame:
        """Top-`k` products per customer (unknown customers get the shop's bestsellers)."""
        if not hasattr(self, "product_scores_"):
            raise NotFittedError("CategoryPopularityRecommender is not fitted: call fit first")
        ids = pd.Index(pd.Series(customer_ids, dtype=str))
        rows = self.customer_ids_.get_indexer(ids)
        k = min(k, len(self.product_ids_))
        dense_scores = self.product_scores_.toarray()
        frames = []
        for start in range(0, len(ids), block_size):
            block = rows[start : start + block_size]
            known = block >= 0
            taste = np.tile(self.shop_mix_, (len(block), 1)) * self.taste_smoothing
            if known.any():
                taste[known] += self.taste_[block[known]].toarray()
            scores = taste @ dense_scores
            if exclude_seen and known.any():
                seen = self.seen_[block[known]].toarray() > 0
                sub = scores[known]
                sub[seen] = -np.inf
                scores[known] = sub
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            top_scores = np.take_along_axis(scores, top, axis=1)
            order = np.argsort(-top_scores, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_scores = np.take_along_axis(top_scores, order, axis=1)
            frames.append(
                pd.DataFrame(
                    {
                        "customer_id": np.repeat(ids[start : start + block_size].to_numpy(), k),
                        "product_id": self.product_ids_.to_numpy()[top.ravel()],
                        "score": top_scores.ravel(),
                        "rank": np.tile(np.arange(1, k + 1), len(block)),
                    }
                )
            )
        out = pd.concat(frames, ignore_index=True)
        return out[np.isfinite(out["score"])].reset_index(drop=True)


def joined_recommendations(recs: pd.DataFrame) -> pd.Series:
    """``customer_id -> "p1|p2|..."`` best first (the plan's recommended_products)."""
    ordered = recs.sort_values(["customer_id", "rank"])
    return ordered.groupby("customer_id", sort=False)["product_id"].agg("|".join)

"""Item-kNN on time order: two products are alike when the same customers had them close
together in time (one after the other, in one visit or one season), not merely both at
some point. Each customer's products are put in the order they first had them; every pair
at most `window` places apart counts ``1 / distance ** decay``; the counts are cosine
normalised with shrinkage and `n_neighbors` kept per product. A customer's score for a
product is the sum of its similarities to what they had. Interactions without times cannot
be ordered: the model then refuses to fit (a hybrid leaves it out)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.recommend.base import Recommender
from promopilot.recommend.neighbors import keep_top_per_row


def sequence_cooccurrence(
    customers: np.ndarray, cols: np.ndarray, n_products: int, *, window: int, decay: float
) -> sparse.csr_matrix:
    """Symmetric products x products counts of pairs at most `window` places apart in each
    customer's sequence (`customers` and `cols` already in time order per customer)."""
    parts_r, parts_c, parts_v = [], [], []
    for offset in range(1, window + 1):
        same = customers[offset:] == customers[:-offset]
        a, b = cols[:-offset][same], cols[offset:][same]
        v = np.full(len(a), 1.0 / offset**decay)
        parts_r += [a, b]
        parts_c += [b, a]
        parts_v += [v, v]
    if not parts_r:
        return sparse.csr_matrix((n_products, n_products))
    counts = sparse.csr_matrix(
        (np.concatenate(parts_v), (np.concatenate(parts_r), np.concatenate(parts_c))),
        shape=(n_products, n_products),
    )
    counts.sum_duplicates()
    counts.setdiag(0.0)
    counts.eliminate_zeros()
    return counts


class SessionKNNRecommender(Recommender):
    """Item-kNN on products had close together in time by the same customers.

    Parameters
    ----------
    window : pairs at most this many places apart in a customer's time order count.
    decay : a pair `d` places apart counts ``1 / d ** decay``.
    shrinkage : pulls similarities built on few pairs towards zero.
    n_neighbors : neighbours kept per product.
    """

    def __init__(
        self,
        *,
        window: int = 5,
        decay: float = 1.0,
        shrinkage: float = 10.0,
        n_neighbors: int = 200,
    ) -> None:
        self.window = window
        self.decay = decay
        self.shrinkage = shrinkage
        self.n_neighbors = n_neighbors

    def _fit_matrix(self, X, data, products) -> None:
        if self.window < 1:
            raise InputError(f"window must be at least 1, got {self.window!r}")
        col = "first_seen" if "first_seen" in data else "last_seen"
        if col not in data:
            raise NotEnoughDataError("session-kNN needs interaction times (first_seen/last_seen)")
        times = pd.to_datetime(data[col])
        if times.isna().all() or times.nunique() < 2:
            raise NotEnoughDataError("session-kNN needs interactions at different times")
        order = pd.DataFrame(
            {
                "c": self.customer_ids_.get_indexer(data["customer_id"]),
                "t": times,
                "p": self.product_ids_.get_indexer(data["product_id"]),
            }
        )
        order = order.drop_duplicates(["c", "p"]).sort_values(["c", "t", "p"], kind="stable")
        counts = sequence_cooccurrence(
            order["c"].to_numpy(),
            order["p"].to_numpy(),
            len(self.product_ids_),
            window=self.window,
            decay=self.decay,
        ).tocoo()
        norms = np.sqrt(np.asarray(counts.sum(axis=1)).ravel())
        sim = sparse.csr_matrix(
            (
                counts.data / (norms[counts.row] * norms[counts.col] + self.shrinkage + 1e-12),
                (counts.row, counts.col),
            ),
            shape=counts.shape,
        )
        self.similarity_ = keep_top_per_row(sim, self.n_neighbors).T.tocsr().astype(np.float32)
        X_ = X.copy()
        X_.data[:] = 1.0
        self.X_ = X_.tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray((self.X_[rows] @ self.similarity_).todense(), dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return np.asarray(self.similarity_.T[cols].todense(), dtype=np.float32)

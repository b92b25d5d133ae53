"""Memory-based recommenders: recency-weighted popularity, item-kNN, user-kNN and RP3beta
(a random walk on the customer-product graph). Everything is sparse matrix algebra."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse

from promopilot.recommend.base import REC_COLUMNS, Recommender, _as_ids, check_k


def keep_top_per_row(matrix: sparse.csr_matrix, n: int) -> sparse.csr_matrix:
    """Keep the `n` largest entries of each row of a sparse matrix (vectorized); ties at a
    row's cut go to the entries stored first."""
    matrix = matrix.tocsr()
    matrix.eliminate_zeros()
    counts = np.diff(matrix.indptr)
    if n <= 0 or counts.max(initial=0) <= n:
        return matrix
    full = np.flatnonzero(counts > n)
    dense_cost = len(full) * matrix.shape[1]
    if (
        dense_cost > DENSE_CUT_FACTOR * counts[full].sum()
        or np.isnan(matrix.data).any()
        or _has_duplicates(matrix)
    ):
        return _keep_top_sorted(matrix, n, counts)
    row = np.repeat(np.arange(matrix.shape[0]), counts)
    cut = np.full(matrix.shape[0], -np.inf)
    cut[full] = _row_cuts(matrix[full], n)
    at = cut[row]
    above, tie = matrix.data > at, matrix.data == at
    room = n - _per_row(above, matrix.indptr)
    ties_before = np.cumsum(tie) - tie
    ties_before -= np.r_[0, np.cumsum(tie)][matrix.indptr[:-1]][row]
    keep = above | (tie & (ties_before < room[row]))
    indptr = np.r_[0, np.cumsum(keep)][matrix.indptr].astype(matrix.indptr.dtype)
    out = sparse.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)
    out.sort_indices()  # as the sort below leaves it
    return out


def _has_duplicates(matrix: sparse.csr_matrix) -> bool:
    """Whether some cell is stored twice (ties would then be broken otherwise)."""
    if matrix.has_sorted_indices:
        return not matrix.has_canonical_format
    copy = matrix.copy()
    copy.sort_indices()
    return not copy.has_canonical_format


#: the per-row cut is taken on dense row blocks while they hold at most this many times the
#: stored entries (item-item similarities are mostly dense); sparser rows are sorted instead
DENSE_CUT_FACTOR = 8
_BLOCK_CELLS = 1 << 22


def _row_cuts(rows: sparse.csr_matrix, n: int) -> np.ndarray:
    """The `n`-th largest stored value of each row (each row holds more than `n`), found by a
    partition of dense blocks of rows, the cells not stored at -inf."""
    width = rows.shape[1]
    step = max(1, _BLOCK_CELLS // width)
    out = np.empty(rows.shape[0])
    for start in range(0, rows.shape[0], step):
        block = rows[start : start + step]
        dense = np.full(block.shape, -np.inf)
        dense[np.repeat(np.arange(block.shape[0]), np.diff(block.indptr)), block.indices] = (
            block.data
        )
        out[start : start + step] = np.partition(dense, width - n, axis=1)[:, width - n]
    return out


def _per_row(flags: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """How many entries of each row are flagged."""
    total = np.r_[0, np.cumsum(flags)]
    return total[indptr[1:]] - total[indptr[:-1]]


def _keep_top_sorted(matrix: sparse.csr_matrix, n: int, counts: np.ndarray) -> sparse.csr_matrix:
    """:func:`keep_top_per_row` by one sort of all stored entries (sparse rows, NaN)."""
    row = np.repeat(np.arange(matrix.shape[0]), counts)
    order = np.lexsort((-matrix.data, row))
    rank = np.arange(len(order)) - np.repeat(matrix.indptr[:-1], counts)
    keep = order[rank < n]
    return sparse.csr_matrix(
        (matrix.data[keep], (row[keep], matrix.indices[keep])), shape=matrix.shape
    )


def _scaled(X: sparse.csr_matrix, binary: bool) -> sparse.csr_matrix:
    out = X.copy()
    if binary:
        out.data[:] = 1.0
    else:
        out.data = np.log1p(out.data)
    return out


class PopularityRecommender(Recommender):
    """The most popular products, each interaction weighted by recency.

    Parameters
    ----------
    half_life_days : an interaction `half_life_days` older than the newest one counts half
        (needs a ``last_seen`` column); None: no decay.
    """

    def __init__(self, *, half_life_days: float | None = 30.0) -> None:
        self.half_life_days = half_life_days

    def _fit_matrix(self, X, data, products) -> None:
        w = np.ones(len(data))
        if self.half_life_days and "last_seen" in data:
            seen = pd.to_datetime(data["last_seen"])
            age = (seen.max() - seen).dt.total_seconds().to_numpy() / 86400.0
            w = 0.5 ** (age / float(self.half_life_days))
        cols = self.product_ids_.get_indexer(data["product_id"])
        self.scores_ = np.bincount(cols, weights=w, minlength=len(self.product_ids_))
        self.scores_ = self.scores_.astype(np.float32)

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.tile(self.scores_, (len(rows), 1))

    def _score_unknown(self, customer_ids: np.ndarray) -> np.ndarray:
        return np.tile(self.scores_, (len(customer_ids), 1))


class ItemKNNRecommender(Recommender):
    """Item-based collaborative filtering: cosine similarity between products with
    shrinkage, ``sim(i, j) = <x_i, x_j> / (|x_i| |x_j| + shrinkage)``, `n_neighbors` kept
    per product; a customer's score for j is the sum of similarities to what they had.

    Parameters
    ----------
    n_neighbors : neighbours kept per product.
    shrinkage : pulls similarities built on few co-occurrences towards zero.
    binary : use 0/1 interactions (else log(1 + weight)).
    """

    def __init__(
        self, *, n_neighbors: int = 100, shrinkage: float = 10.0, binary: bool = True
    ) -> None:
        self.n_neighbors = n_neighbors
        self.shrinkage = shrinkage
        self.binary = binary

    def _fit_matrix(self, X, data, products) -> None:
        Xs = _scaled(X, self.binary).tocsc()
        norms = np.sqrt(np.asarray(Xs.multiply(Xs).sum(axis=0)).ravel())
        gram = (Xs.T @ Xs).tocsr()
        gram.setdiag(0.0)
        gram = gram.tocoo()
        denom = norms[gram.row] * norms[gram.col] + self.shrinkage + 1e-12
        sim = sparse.csr_matrix((gram.data / denom, (gram.row, gram.col)), shape=gram.shape)
        # neighbours of j are the strongest entries of column j: keep per row of sim.T
        self.similarity_ = keep_top_per_row(sim.T.tocsr(), self.n_neighbors).T.tocsr()
        self.similarity_ = self.similarity_.astype(np.float32)
        self.X_ = _scaled(X, self.binary).tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray((self.X_[rows] @ self.similarity_).todense(), dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return np.asarray(self.similarity_.T[cols].todense(), dtype=np.float32)

    def recommend(
        self,
        customer_ids: Iterable[object],
        k: int = 10,
        *,
        exclude_seen: bool = True,
        items: Iterable[object] | None = None,
    ) -> pd.DataFrame:
        """As :meth:`Recommender.recommend`; one known customer (a request) is scored on the
        sparse path: only the neighbours of their own products, never a dense row of the
        whole catalogue. The result is the same as the batched path's."""
        self._check_fitted()
        k = check_k(k)
        ids = _as_ids(customer_ids)
        row = self.customer_ids_.get_indexer(ids)[0] if len(ids) == 1 else -1
        if row < 0 or items is not None:
            return super().recommend(ids, k, exclude_seen=exclude_seen, items=items)
        cols, vals = self._top_one(row, k, exclude_seen)
        return pd.DataFrame(
            dict(
                zip(
                    REC_COLUMNS,
                    (
                        np.repeat(ids, len(cols)),
                        self.product_ids_[cols].to_numpy(),
                        vals.astype(np.float64),
                        np.arange(1, len(cols) + 1, dtype=np.int64),
                    ),
                    strict=True,
                )
            )
        )

    def _top_one(self, row: int, k: int, exclude_seen: bool) -> tuple[np.ndarray, np.ndarray]:
        """Columns and scores of one customer's top `k`, ties broken by column like
        :func:`~promopilot.recommend.base.top_k` on the dense row (same sparse product, so
        the same float32 sums; products outside it score 0)."""
        scores = (self.X_[row] @ self.similarity_).tocsr()
        cols, vals = scores.indices.astype(np.int64), scores.data.astype(np.float32)
        n = len(self.product_ids_)
        seen = self.seen_.indices[self.seen_.indptr[row] : self.seen_.indptr[row + 1]]
        if exclude_seen:
            keep = ~np.isin(cols, seen)
            cols, vals = cols[keep], vals[keep]
        else:
            seen = seen[:0]
        k = min(k, n - len(seen))
        if k <= 0:
            return cols[:0], vals[:0]
        if len(cols) < k:  # the dense row's zeros: the lowest free columns
            window = np.arange(min(n, k + len(cols) + len(seen)))
            free = window[~np.isin(window, np.concatenate([cols, seen]))][: k - len(cols)]
            cols = np.concatenate([cols, free])
            vals = np.concatenate([vals, np.zeros(len(free), dtype=np.float32)])
        if len(cols) > k:
            part = np.argpartition(-vals, k - 1)[:k]
            cut = vals[part].min()
            part = np.flatnonzero(vals >= cut)  # every tie at the cut competes on column
            cols, vals = cols[part], vals[part]
        order = np.lexsort((cols, -vals))[:k]
        return cols[order], vals[order]


class UserKNNRecommender(Recommender):
    """User-based collaborative filtering: the `n_neighbors` most similar customers (cosine
    with shrinkage) vote for what they had.

    Parameters
    ----------
    n_neighbors : neighbours per customer.
    shrinkage : pulls similarities built on few shared products towards zero.
    binary : use 0/1 interactions (else log(1 + weight)).
    """

    def __init__(
        self, *, n_neighbors: int = 50, shrinkage: float = 10.0, binary: bool = True
    ) -> None:
        self.n_neighbors = n_neighbors
        self.shrinkage = shrinkage
        self.binary = binary

    def _fit_matrix(self, X, data, products) -> None:
        self.X_ = _scaled(X, self.binary).tocsr()
        self.norms_ = np.sqrt(np.asarray(self.X_.multiply(self.X_).sum(axis=1)).ravel())
        self.XT_ = self.X_.T.tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        dots = np.asarray((self.X_[rows] @ self.XT_).todense(), dtype=np.float32)
        sim = dots / (self.norms_[rows][:, None] * self.norms_[None, :] + self.shrinkage + 1e-12)
        sim[np.arange(len(rows)), rows] = 0.0
        n = min(self.n_neighbors, sim.shape[1])
        if n < sim.shape[1]:
            cut = np.partition(sim, sim.shape[1] - n, axis=1)[:, sim.shape[1] - n][:, None]
            sim[sim < cut] = 0.0
        return (sparse.csr_matrix(sim) @ self.X_).toarray().astype(np.float32)


class RP3BetaRecommender(Recommender):
    """RP3beta: a three-step random walk customer -> product -> customer -> product on the
    interaction graph, each product's arrival probability divided by popularity ** beta.

    Parameters
    ----------
    alpha : exponent on the transition probabilities.
    beta : popularity penalty.
    n_neighbors : neighbours kept per product.
    """

    def __init__(self, *, alpha: float = 1.0, beta: float = 0.5, n_neighbors: int = 200) -> None:
        self.alpha = alpha
        self.beta = beta
        self.n_neighbors = n_neighbors

    def _fit_matrix(self, X, data, products) -> None:
        B = _scaled(X, True)
        p_ui = sparse.diags(1.0 / np.maximum(np.asarray(B.sum(axis=1)).ravel(), 1)) @ B
        p_iu = sparse.diags(1.0 / np.maximum(np.asarray(B.sum(axis=0)).ravel(), 1)) @ B.T
        p_ui = p_ui.tocsr().power(self.alpha)
        p_iu = p_iu.tocsr().power(self.alpha)
        W = (p_iu @ p_ui).tocsr()
        pop = np.maximum(np.asarray(B.sum(axis=0)).ravel(), 1.0)
        W = W @ sparse.diags(pop**-self.beta)
        W.setdiag(0.0)
        self.similarity_ = keep_top_per_row(W.tocsr(), self.n_neighbors).astype(np.float32)
        self.X_ = B.tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray((self.X_[rows] @ self.similarity_).todense(), dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return np.asarray(self.similarity_[cols].todense(), dtype=np.float32)

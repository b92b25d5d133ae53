"""The recommender contract and the matrix plumbing every model shares.

A recommender is fitted on an interactions table (``customer_id, product_id, weight`` and
optionally ``last_seen``) and, optionally, the product catalogue (``product_id, title,
category, description, in_stock``: products without history then exist for the model).
Public ids are mapped once to matrix rows (customers) and columns (products); models work on
a sparse customers x products matrix and score customers in blocks, so no dense
customers x products matrix is ever built.

Subclasses implement ``_fit_matrix(X)`` and ``_score(rows)`` (a dense block of scores for a
few hundred customers) and may override ``_similar(cols)`` (item-item scores).
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from promopilot.data.schema import id_text
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError, NotFittedError

REC_COLUMNS = ["customer_id", "product_id", "score", "rank"]
SIMILAR_COLUMNS = ["product_id", "similar_product_id", "score", "rank"]


def check_interactions(interactions: pd.DataFrame) -> pd.DataFrame:
    """Validate an interactions table and return it with string ids and a float weight."""
    if not isinstance(interactions, pd.DataFrame):
        raise InputError(f"interactions must be a DataFrame, got {type(interactions).__name__}")
    missing = {"customer_id", "product_id"} - set(interactions)
    if missing:
        raise InputError(
            f"interactions lack {noun_for(len(missing), 'column')} {', '.join(sorted(missing))}"
        )
    if interactions.empty:
        raise InputError("no interactions to learn from")
    data = interactions.copy()
    for column in ("customer_id", "product_id"):
        n_missing = int(data[column].isna().sum())
        if n_missing:
            raise InputError(f"interactions: {counted(n_missing, 'row')} without a {column}")
        data[column] = id_text(data[column])
    weight = data["weight"] if "weight" in data else pd.Series(1.0, index=data.index)
    weight = pd.to_numeric(weight, errors="coerce")
    if weight.isna().any() or (weight < 0).any():
        bad = weight[weight.isna() | (weight < 0)].index[0]
        raise InputError(
            f"interactions: weight must be a number >= 0, got "
            f"{interactions.loc[bad, 'weight']!r} in row {bad}"
        )
    data["weight"] = weight.astype(np.float64)
    return data


def _as_ids(values: Iterable[object]) -> np.ndarray:
    """Ids as an object array of str (see :func:`id_text`): ``17850``, ``"17850"`` and
    ``17850.0`` are one id. One id alone (not in a list) is a TypeError: a string would
    otherwise be read as one id per character."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(
            f"ids must be given as a list, got one {type(values).__name__} {values!r}: "
            f"pass [{values!r}]"
        )
    if not isinstance(values, np.ndarray | pd.Index | pd.Series):
        values = list(values)
    return np.asarray(id_text(pd.Series(values, dtype=object)), dtype=object)


def check_k(k: object) -> int:
    """`k` as an int: a whole number >= 0 (numpy's integers too); anything else is refused
    by name instead of by numpy deep inside the top-k."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
        raise InputError(f"k must be a whole number >= 0, got {k!r}")
    return int(k)


def check_products(products: object) -> None:
    """The optional catalogue: a DataFrame, with ``product_id`` where it has rows."""
    if products is None:
        return
    if not isinstance(products, pd.DataFrame):
        raise InputError(f"products must be a DataFrame, got {type(products).__name__}")
    if len(products) and "product_id" not in products:
        raise InputError("products lack column product_id")


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and scores of the `k` largest entries of each row, best first; equal
    scores go by column, at the cut too (the same result however the row was computed)."""
    k = min(k, scores.shape[1])
    if k <= 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty
    idx = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, idx, axis=1)
    cut = vals.min(axis=1, keepdims=True)
    ties = np.flatnonzero((scores == cut).sum(axis=1) > (vals == cut).sum(axis=1))
    if len(ties):  # argpartition took arbitrary columns among ties at the cut: the lowest
        block, c = scores[ties], cut[ties]
        above, level = block > c, block == c
        room = k - above.sum(axis=1, keepdims=True)
        pick = above | (level & (np.cumsum(level, axis=1) <= room))
        idx[ties] = np.nonzero(pick)[1].reshape(len(ties), k)
        vals[ties] = np.take_along_axis(block, idx[ties], axis=1)
    order = np.lexsort((idx, -vals), axis=1)  # ties broken by column: deterministic
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(vals, order, axis=1)


def row_normalize(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return (sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix).tocsr()


class Recommender(BaseEstimator, ABC):
    """Base class: id maps, the interaction matrix, batched top-k, cold-start fallback.

    Customers unknown at fit time get the most popular products; subclasses that can do
    better for them (the content model) override :meth:`_score_unknown`.
    """

    #: products scored per block of customers is block_rows x n_products floats
    block_rows: int = 512

    # -- fitting -----------------------------------------------------------------------
    def fit(self, interactions: pd.DataFrame, products: pd.DataFrame | None = None) -> Recommender:
        """Learn from `interactions` (and the optional product catalogue); returns self."""
        data = check_interactions(interactions)
        check_products(products)
        customers = pd.Index(pd.unique(data["customer_id"]))
        product_ids = pd.unique(data["product_id"])
        if products is not None and "product_id" in products and len(products):
            extra = pd.Index(id_text(products["product_id"]).unique()).difference(product_ids)
            product_ids = np.concatenate([product_ids, extra.to_numpy()])
        self.customer_ids_ = customers
        self.product_ids_ = pd.Index(product_ids)
        # the ids as one numpy array, kept: converting the index costs ~0.5 ms per call at
        # 20k products, a tenth of a one-customer request's budget
        self.product_array_ = self.product_ids_.to_numpy()
        self.__dict__.pop("_cooc_", None)  # a refit must not answer from the old data
        rows = customers.get_indexer(data["customer_id"])
        cols = self.product_ids_.get_indexer(data["product_id"])
        shape = (len(customers), len(self.product_ids_))
        X = sparse.csr_matrix((data["weight"].to_numpy(), (rows, cols)), shape=shape)
        X.sum_duplicates()
        X.eliminate_zeros()
        self.seen_ = X.copy()
        self.seen_.data[:] = 1.0
        self.popularity_ = np.asarray((X > 0).sum(axis=0), dtype=np.float64).ravel()
        self._fit_matrix(X.astype(np.float32), data, products)
        return self

    @abstractmethod
    def _fit_matrix(
        self, X: sparse.csr_matrix, data: pd.DataFrame, products: pd.DataFrame | None
    ) -> None:
        """Learn the model's own state from the (customers x products) matrix."""

    # -- scoring -----------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "seen_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit first")

    def _score(self, rows: np.ndarray) -> np.ndarray:
        """Dense (len(rows) x n_products) scores of known customers (matrix rows)."""
        raise NotImplementedError

    def _score_unknown(self, customer_ids: np.ndarray) -> np.ndarray:
        """Scores for customers without history: popularity."""
        return np.tile(self.popularity_.astype(np.float32), (len(customer_ids), 1))

    def score_block(self, customer_ids: Iterable[object]) -> np.ndarray:
        """Dense scores for a small block of customers (known or not), products in
        ``product_ids_`` order. For rerankers and tests; use :meth:`recommend` for many."""
        self._check_fitted()
        ids = _as_ids(customer_ids)
        return self._score_ids(ids, self.customer_ids_.get_indexer(ids))

    def _score_ids(self, ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
        known = rows >= 0
        if known.all():
            return np.asarray(self._score(rows), dtype=np.float32)
        out = np.empty((len(ids), len(self.product_ids_)), dtype=np.float32)
        if known.any():
            out[known] = self._score(rows[known])
        out[~known] = self._score_unknown(ids[~known])
        return out

    def recommend(
        self,
        customer_ids: Iterable[object],
        k: int = 10,
        *,
        exclude_seen: bool = True,
        items: Iterable[object] | None = None,
    ) -> pd.DataFrame:
        """Top-`k` products per customer: ``customer_id, product_id, score, rank`` (rank 1 =
        best), customers in the order asked (one asked for twice is answered twice). Ids match
        whatever their type (``17850``, ``"17850"``, ``17850.0``; see :func:`id_text`).
        `items` restricts the candidates (e.g. an offer's category)."""
        self._check_fitted()
        k = check_k(k)
        ids = _as_ids(customer_ids)
        allowed = None
        if items is not None:
            cols = self.product_ids_.get_indexer(pd.Index(_as_ids(items)))
            allowed = np.zeros(len(self.product_ids_), dtype=bool)
            allowed[cols[cols >= 0]] = True
        rows_all = self.customer_ids_.get_indexer(ids)
        product_ids = self.product_array_
        parts: list[tuple[np.ndarray, ...]] = []
        for start in range(0, len(ids), self.block_rows):
            block_ids = ids[start : start + self.block_rows]
            rows = rows_all[start : start + self.block_rows]
            scores = self._score_ids(block_ids, rows)
            if exclude_seen and (rows >= 0).any():
                known = np.flatnonzero(rows >= 0)
                seen = self.seen_[rows[known]].tocoo()
                scores[known[seen.row], seen.col] = -np.inf
            if allowed is not None:
                scores[:, ~allowed] = -np.inf
            idx, vals = top_k(scores, k)
            finite = np.isfinite(vals)
            rank = np.cumsum(finite, axis=1)
            parts.append(
                (
                    np.repeat(block_ids, idx.shape[1])[finite.ravel()],
                    product_ids[idx[finite]],
                    vals[finite].astype(np.float64),
                    rank[finite],
                )
            )
        if not parts:
            return pd.DataFrame(
                {c: pd.Series(dtype=object if c.endswith("id") else float) for c in REC_COLUMNS}
            )
        columns = [np.concatenate(c) if len(parts) > 1 else c[0] for c in zip(*parts, strict=True)]
        return pd.DataFrame(dict(zip(REC_COLUMNS, columns, strict=True)))

    # -- item-item ---------------------------------------------------------------------
    def _similar(self, cols: np.ndarray) -> np.ndarray:
        """Dense (len(cols) x n_products) item-item scores; default: cosine of co-occurrence
        columns of the interaction matrix."""
        if not hasattr(self, "_cooc_"):
            self._cooc_ = row_normalize(self.seen_.T.tocsr())
        block = self._cooc_[cols]
        return np.asarray((block @ self._cooc_.T).todense(), dtype=np.float32)

    def similar_items(self, product_ids: Iterable[object], k: int = 10) -> pd.DataFrame:
        """The `k` products most like each given one: ``product_id, similar_product_id, score,
        rank``, in the order asked (one asked for twice is answered twice). Unknown products
        get no rows."""
        self._check_fitted()
        k = check_k(k)
        ids = pd.Index(_as_ids(product_ids))
        cols = self.product_ids_.get_indexer(ids)
        ids, cols = ids[cols >= 0], cols[cols >= 0]
        frames = []
        for start in range(0, len(cols), self.block_rows):
            block = cols[start : start + self.block_rows]
            scores = self._similar(block).astype(np.float32, copy=True)
            scores[np.arange(len(block)), block] = -np.inf
            scores[scores <= 0] = -np.inf
            idx, vals = top_k(scores, k)
            frames.append(
                pd.DataFrame(
                    {
                        "product_id": np.repeat(
                            ids[start : start + self.block_rows].to_numpy(), idx.shape[1]
                        ),
                        "similar_product_id": self.product_array_[idx.ravel()],
                        "score": vals.ravel().astype(np.float64),
                        "rank": np.tile(np.arange(1, idx.shape[1] + 1), len(block)),
                        # which asked-for product: one asked for twice is answered twice
                        "query": np.repeat(np.arange(start, start + len(block)), idx.shape[1]),
                    }
                )
            )
        if not frames:
            return pd.DataFrame(
                {c: pd.Series(dtype=object if c.endswith("id") else float) for c in SIMILAR_COLUMNS}
            )
        out = pd.concat(frames, ignore_index=True)
        out = out[np.isfinite(out["score"])].reset_index(drop=True)
        out["rank"] = out.groupby("query", sort=False).cumcount() + 1
        return out[SIMILAR_COLUMNS]

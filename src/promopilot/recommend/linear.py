"""EASE (Steck 2019) and its denoising variants (EDLAE / DLAE, Steck 2020): closed-form
item-item linear models. With ``G = X'X`` and the penalty ``L = diag(l2 + d/(1-d) diag(G))``
(`d` = dropout, 0 for plain EASE) and ``P = (G + L)^-1``:

- zero diagonal (EASE, EDLAE): ``B = I - P diag(1/diag(P))``, then ``diag(B) = 0``;
- free diagonal (DLAE): ``B = I - P L``.

Visit-EASE adds the co-occurrence of products within each visit (a customer's interactions a
few minutes apart) to ``G``.

Dense in products, so it refuses catalogues larger than `max_products` (the caller falls back
to item-kNN)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.linalg import lapack
from threadpoolctl import threadpool_limits

from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.recommend.base import Recommender


class EASERecommender(Recommender):
    """Embarrassingly shallow autoencoder, optionally trained as a denoising one.

    Parameters
    ----------
    l2 : ridge penalty (larger: closer to popularity).
    dropout : emulated input dropout rate in [0, 1): adds ``dropout / (1 - dropout)`` times
        each product's own count to its penalty (popular products are regularised more).
    zero_diagonal : forbid a product from predicting itself (EASE); False gives DLAE, whose
        diagonal is held down by the dropout penalty instead.
    binary : use 0/1 interactions (else log(1 + weight)).
    max_products : refuse larger catalogues (a products x products dense matrix is built).
    """

    def __init__(
        self,
        *,
        l2: float = 500.0,
        dropout: float = 0.0,
        zero_diagonal: bool = True,
        binary: bool = True,
        max_products: int = 15000,
    ) -> None:
        self.l2 = l2
        self.dropout = dropout
        self.zero_diagonal = zero_diagonal
        self.binary = binary
        self.max_products = max_products

    def _fit_matrix(self, X, data, products) -> None:
        n = X.shape[1]
        if n > self.max_products:
            raise NotEnoughDataError(
                f"EASE needs a dense {n} x {n} matrix; the limit is max_products="
                f"{self.max_products} (use item-kNN for catalogues this large)"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise InputError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if not self.zero_diagonal and self.l2 <= 0 and self.dropout == 0:
            raise InputError("a free diagonal needs l2 > 0 or dropout > 0 (else B = I)")
        Xs = X.copy().astype(np.float64)
        Xs.data = np.ones_like(Xs.data) if self.binary else np.log1p(Xs.data)
        with threadpool_limits(1, "blas"):
            gram = (Xs.T @ Xs + self._extra_gram(data, n)).toarray()  # one dense copy
            self.weights_ = self._solve(gram).astype(np.float32)
        self.X_ = Xs.astype(np.float32).tocsr()

    def _extra_gram(self, data, n: int) -> sparse.csr_matrix:
        """Co-occurrence counts added to ``X'X`` (none for plain EASE)."""
        return sparse.csr_matrix((n, n))

    def _solve(self, gram: np.ndarray) -> np.ndarray:
        """The item-item weights B from a Gram matrix (modified in place)."""
        n = gram.shape[0]
        penalty = self.l2 + self.dropout / (1.0 - self.dropout) * np.diag(gram)
        gram[np.diag_indices(n)] += penalty
        P = _spd_inverse(gram)
        if self.zero_diagonal:
            B = P / (-np.diag(P))[None, :]
            B[np.diag_indices(n)] = 0.0
        else:
            B = -P * penalty[None, :]
            B[np.diag_indices(n)] += 1.0
        return B

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.X_[rows] @ self.weights_, dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return self.weights_[cols].copy()


def _spd_inverse(matrix: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric positive definite matrix (overwritten) through its Cholesky
    factor, half the work of a general inverse; a general inverse where the factor fails."""
    factor, info = lapack.dpotrf(matrix, lower=False, clean=True, overwrite_a=False)
    if info == 0:
        upper, info = lapack.dpotri(factor, lower=False, overwrite_c=True)  # lower part: 0
    if info != 0:
        return np.linalg.inv(matrix)
    upper += np.triu(upper, 1).T
    return upper


class VisitEASERecommender(EASERecommender):
    """EASE on customers and on their visits: the regression fits each customer's products
    and, with weight `visit_weight`, the products of each visit (a run of a customer's
    interactions at most `visit_gap_minutes` apart), so products had in the same sitting
    predict each other more: ``G = X'X + visit_weight V'V``, solved as EASE/DLAE. Scores are
    the customer's products times B, as EASE. Needs interaction times (``first_seen``, else
    ``last_seen``); without them it refuses to fit (a hybrid leaves it out).

    Parameters
    ----------
    visit_weight : weight of the visit rows against the customer rows.
    visit_gap_minutes : a longer pause between two interactions starts a new visit.
    l2, dropout, zero_diagonal, binary, max_products : as :class:`EASERecommender`.
    """

    def __init__(
        self,
        *,
        visit_weight: float = 1.0,
        visit_gap_minutes: float = 1.0,
        l2: float = 800.0,
        dropout: float = 0.5,
        zero_diagonal: bool = False,
        binary: bool = True,
        max_products: int = 15000,
    ) -> None:
        super().__init__(
            l2=l2,
            dropout=dropout,
            zero_diagonal=zero_diagonal,
            binary=binary,
            max_products=max_products,
        )
        self.visit_weight = visit_weight
        self.visit_gap_minutes = visit_gap_minutes

    def _extra_gram(self, data, n: int) -> sparse.csr_matrix:
        if self.visit_weight < 0 or self.visit_gap_minutes < 0:
            raise InputError("visit_weight and visit_gap_minutes must be >= 0")
        col = "first_seen" if "first_seen" in data else "last_seen"
        times = pd.to_datetime(data[col]) if col in data else None
        if times is None or times.isna().any() or times.nunique() < 2:
            raise NotEnoughDataError("visit-EASE needs interaction times (first_seen/last_seen)")
        order = pd.DataFrame(
            {
                "c": self.customer_ids_.get_indexer(data["customer_id"]),
                "p": self.product_ids_.get_indexer(data["product_id"]),
                "t": times.to_numpy(),
            }
        ).sort_values(["c", "t", "p"], kind="stable")
        customer = order["c"].to_numpy()
        pause = order["t"].diff().dt.total_seconds().to_numpy() > self.visit_gap_minutes * 60
        new = np.r_[True, (customer[1:] != customer[:-1]) | pause[1:]]
        visit = np.cumsum(new) - 1
        V = sparse.csr_matrix(
            (np.ones(len(order)), (visit, order["p"].to_numpy())), shape=(visit[-1] + 1, n)
        )
        V.data[:] = 1.0  # a product twice in one visit counts once
        return self.visit_weight * (V.T @ V)

"""EASE (Steck 2019) and its denoising variants (EDLAE / DLAE, Steck 2020): closed-form
item-item linear models. With ``G = X'X`` and the penalty ``L = diag(l2 + d/(1-d) diag(G))``
(`d` = dropout, 0 for plain EASE) and ``P = (G + L)^-1``:

- zero diagonal (EASE, EDLAE): ``B = I - P diag(1/diag(P))``, then ``diag(B) = 0``;
- free diagonal (DLAE): ``B = I - P L``.

Dense in products, so it refuses catalogues larger than `max_products` (the caller falls back
to item-kNN)."""

from __future__ import annotations

import numpy as np
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
            gram = (Xs.T @ Xs).toarray()
            penalty = self.l2 + self.dropout / (1.0 - self.dropout) * np.diag(gram)
            gram[np.diag_indices(n)] += penalty
            P = np.linalg.inv(gram)
        if self.zero_diagonal:
            B = P / (-np.diag(P))[None, :]
            B[np.diag_indices(n)] = 0.0
        else:
            B = -P * penalty[None, :]
            B[np.diag_indices(n)] += 1.0
        self.weights_ = B.astype(np.float32)
        self.X_ = Xs.astype(np.float32).tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.X_[rows] @ self.weights_, dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return self.weights_[cols].copy()

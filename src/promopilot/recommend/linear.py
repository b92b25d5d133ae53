"""EASE (Steck 2019): a closed-form item-item linear model, ``B = I - P diag(1/diag(P))``
with ``P = (X'X + l2 I)^-1`` and a zero diagonal. Dense in products, so it refuses catalogues
larger than `max_products` (the caller falls back to item-kNN)."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from promopilot.exceptions import NotEnoughDataError
from promopilot.recommend.base import Recommender


class EASERecommender(Recommender):
    """Embarrassingly shallow autoencoder.

    Parameters
    ----------
    l2 : ridge penalty (larger: closer to popularity).
    binary : use 0/1 interactions (else log(1 + weight)).
    max_products : refuse larger catalogues (a products x products dense matrix is built).
    """

    def __init__(
        self, *, l2: float = 500.0, binary: bool = True, max_products: int = 15000
    ) -> None:
        self.l2 = l2
        self.binary = binary
        self.max_products = max_products

    def _fit_matrix(self, X, data, products) -> None:
        n = X.shape[1]
        if n > self.max_products:
            raise NotEnoughDataError(
                f"EASE needs a dense {n} x {n} matrix; the limit is max_products="
                f"{self.max_products} (use item-kNN for catalogues this large)"
            )
        Xs = X.copy().astype(np.float64)
        Xs.data = np.ones_like(Xs.data) if self.binary else np.log1p(Xs.data)
        with threadpool_limits(1, "blas"):
            gram = (Xs.T @ Xs).toarray()
            gram[np.diag_indices(n)] += self.l2
            P = np.linalg.inv(gram)
        B = P / (-np.diag(P))[None, :]
        B[np.diag_indices(n)] = 0.0
        self.weights_ = B.astype(np.float32)
        self.X_ = Xs.astype(np.float32).tocsr()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.X_[rows] @ self.weights_, dtype=np.float32)

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return self.weights_[cols].copy()

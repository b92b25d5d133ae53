"""Matrix factorisation through the `implicit` library: ALS (Hu, Koren, Volinsky 2008) and
BPR (Rendle et al. 2009). implicit's calls run with one BLAS thread (it parallelises itself)."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from promopilot.recommend.base import Recommender


class _FactorRecommender(Recommender):
    def _make(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _confidence(self, X):
        C = X.copy().astype(np.float32)
        C.data = np.ones_like(C.data) if self.binary else np.log1p(C.data)
        return C.tocsr()

    def _fit_matrix(self, X, data, products) -> None:
        C = self._confidence(X)
        with threadpool_limits(1, "blas"):
            model = self._make()
            model.fit(C, show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)
        norms = np.linalg.norm(self.item_factors_, axis=1, keepdims=True)
        self.item_unit_ = self.item_factors_ / np.maximum(norms, 1e-12)

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return self.item_unit_[cols] @ self.item_unit_.T


class ALSRecommender(_FactorRecommender):
    """Implicit-feedback ALS (``implicit.cpu.als``).

    Parameters
    ----------
    factors, regularization, iterations : as in implicit.
    alpha : confidence scale: c = 1 + alpha * x.
    binary : 0/1 interactions (else log(1 + weight)).
    random_state : seed.
    """

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 0.05,
        iterations: int = 15,
        alpha: float = 10.0,
        binary: bool = True,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.alpha = alpha
        self.binary = binary
        self.random_state = random_state

    def _make(self):
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=1,
            calculate_training_loss=False,
        )


class BPRRecommender(_FactorRecommender):
    """Bayesian personalised ranking (``implicit.cpu.bpr``).

    Parameters
    ----------
    factors, learning_rate, regularization, iterations : as in implicit.
    binary : 0/1 interactions (else log(1 + weight)).
    random_state : seed.
    """

    def __init__(
        self,
        *,
        factors: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        binary: bool = True,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.binary = binary
        self.random_state = random_state

    def _make(self):
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=1,
            verify_negative_samples=True,
        )

"""What the PyTorch recommenders share (the optional ``[deep]`` extra): importing torch with
a clear message where it is not installed, a seeded training session on a fixed number of
CPU threads, and scoring from the embeddings a fit leaves behind.

torch is imported when a model is fitted, never when this package is imported, so
``promopilot --help`` and every other model work without it. A fitted model keeps numpy
arrays only (customer and product vectors): recommending needs no torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from promopilot.exceptions import PromopilotError
from promopilot.recommend.base import Recommender

INSTALL_HINT = "pip install 'promopilot[deep]'"


def import_torch(model: str = "this model"):
    """The torch module, or a PromopilotError saying how to install it."""
    try:
        import torch
    except ImportError as why:
        raise PromopilotError(
            f"{model} needs PyTorch, which is an optional extra: {INSTALL_HINT}"
        ) from why
    return torch


@contextmanager
def torch_session(model: str, random_state: int, n_threads: int) -> Iterator[object]:
    """torch, seeded with `random_state` on `n_threads` CPU threads, for one fit.

    The global random state and thread count are restored afterwards, so a fit neither
    disturbs nor depends on what ran before it: same seed, same result."""
    torch = import_torch(model)
    threads = torch.get_num_threads()
    torch.set_num_threads(max(int(n_threads), 1))
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(random_state))
            yield torch
    finally:
        torch.set_num_threads(threads)


def batches(n: int, size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Indices 0..n-1 shuffled by `rng`, in batches of `size`."""
    order = rng.permutation(n)
    for start in range(0, n, max(int(size), 1)):
        yield order[start : start + size]


class EmbeddingRecommender(Recommender):
    """A recommender whose fit leaves ``user_factors_`` (customers x d) and
    ``item_factors_`` (products x d): a score is their dot product, item similarity the
    cosine of product vectors."""

    #: what fitting needs beyond the base install (the contract tests skip without it)
    requires: tuple[str, ...] = ()

    def _set_factors(self, users: np.ndarray, items: np.ndarray) -> None:
        self.user_factors_ = np.ascontiguousarray(users, dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(items, dtype=np.float32)
        norms = np.linalg.norm(self.item_factors_, axis=1, keepdims=True)
        self.item_unit_ = self.item_factors_ / np.maximum(norms, 1e-12)

    def _score(self, rows: np.ndarray) -> np.ndarray:
        return self.user_factors_[rows] @ self.item_factors_.T

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return self.item_unit_[cols] @ self.item_unit_.T

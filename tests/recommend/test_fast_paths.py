"""The vectorized paths of keep_top_per_row and ndcg_at: same result as a plain per-row (per
list) sort, ties included, without sorting every stored entry (every candidate row)."""

import numpy as np
import pytest
from scipy import sparse

from promopilot.recommend.blend import ndcg_at
from promopilot.recommend.neighbors import keep_top_per_row


def _shuffled_rows(seed: int, shape: tuple[int, int], density: float) -> sparse.csr_matrix:
    """A CSR matrix with many tied values and its indices out of order within rows."""
    rng = np.random.default_rng(seed)
    m = sparse.random(*shape, density=density, format="coo", random_state=seed)
    data = np.round(m.data * 4) - 1.0  # ties, negatives, zeros (dropped)
    order = np.lexsort((rng.random(m.nnz), m.row))
    indptr = np.r_[0, np.cumsum(np.bincount(m.row, minlength=shape[0]))]
    return sparse.csr_matrix((data[order], m.col[order], indptr), shape=shape)


def _reference_top(matrix: sparse.csr_matrix, n: int) -> np.ndarray:
    """Per row: stored non-zeros in storage order, stably sorted by value (largest first)."""
    out = np.zeros(matrix.shape)
    for i in range(matrix.shape[0]):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        cols, vals = matrix.indices[lo:hi], matrix.data[lo:hi]
        cols, vals = cols[vals != 0], vals[vals != 0]
        keep = np.argsort(-vals, kind="stable")[:n]
        out[i, cols[keep]] = vals[keep]
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 3, 10])
def test_keep_top_per_row_matches_a_per_row_sort_with_ties(seed, n):
    matrix = _shuffled_rows(seed, (30, 25), density=0.7)
    kept = keep_top_per_row(matrix.copy(), n)
    assert kept.has_canonical_format
    np.testing.assert_array_equal(kept.toarray(), _reference_top(matrix, n))


def test_keep_top_per_row_does_not_sort_every_entry_of_a_dense_similarity(monkeypatch):
    matrix = _shuffled_rows(7, (40, 40), density=0.9)
    expected = _reference_top(matrix, 5)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a global sort of all stored entries")

    monkeypatch.setattr(np, "lexsort", refuse)
    np.testing.assert_array_equal(keep_top_per_row(matrix, 5).toarray(), expected)


def _reference_ndcg(k, users, score, label) -> float:
    values = []
    for u in dict.fromkeys(users):
        rows = np.flatnonzero(users == u)
        order = rows[np.argsort(-score[rows], kind="stable")]
        n_pos = min(int(label[rows].sum()), k)
        if n_pos == 0:
            continue
        dcg = sum(label[r] / np.log2(i + 2) for i, r in enumerate(order[:k]))
        values.append(dcg / sum(1 / np.log2(i + 2) for i in range(n_pos)))
    return float(np.mean(values)) if values else 0.0


@pytest.mark.parametrize("seed", range(5))
def test_ndcg_at_matches_a_per_list_sort_with_ties(seed):
    rng = np.random.default_rng(seed)
    users = rng.integers(0, 12, 300)  # lists interleaved, not contiguous
    score = np.round(rng.normal(size=300), 1)  # ties: the earlier row ranks first
    label = (rng.random(300) < 0.1).astype(float)
    assert ndcg_at(10, users, score, label) == pytest.approx(
        _reference_ndcg(10, users, score, label), rel=1e-12
    )
    assert ndcg_at(3, users.astype(str), score, label) == pytest.approx(
        _reference_ndcg(3, users.astype(str), score, label), rel=1e-12
    )


def test_ndcg_at_sorts_only_the_positives_not_every_candidate(monkeypatch):
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(50), 40)
    score, label = rng.normal(size=len(users)), (rng.random(len(users)) < 0.05).astype(float)
    expected = _reference_ndcg(10, users, score, label)
    sizes = []
    real = np.lexsort

    def counted(keys, *args, **kwargs):
        sizes.append(len(keys[0]))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(np, "lexsort", counted)
    assert ndcg_at(10, users, score, label) == pytest.approx(expected, rel=1e-12)
    assert max(sizes, default=0) <= label.sum()

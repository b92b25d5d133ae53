"""The fast paths: keep_top_per_row and ndcg_at give what a plain per-row (per list) sort
gives, ties included, without sorting every stored entry (every candidate row); EASE inverts
its positive definite Gram matrix through Cholesky."""

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


def test_ease_inverts_its_gram_matrix_through_cholesky(blocks, monkeypatch):
    from promopilot.recommend.linear import EASERecommender

    X = EASERecommender(l2=2.0).fit(blocks).X_.toarray().astype(np.float64)
    P = np.linalg.inv(X.T @ X + 2.0 * np.eye(X.shape[1]))
    expected = P / -np.diag(P)[None, :]
    np.fill_diagonal(expected, 0.0)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a general inverse of a positive definite matrix")

    monkeypatch.setattr(np.linalg, "inv", refuse)
    weights = EASERecommender(l2=2.0).fit(blocks).weights_
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)


def test_spd_inverse_falls_back_to_a_general_inverse_when_not_positive_definite():
    from promopilot.recommend.linear import _spd_inverse

    matrix = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.5], [0.0, 0.5, 3.0]])  # indefinite
    np.testing.assert_allclose(_spd_inverse(matrix.copy()), np.linalg.inv(matrix))
    spd = matrix @ matrix.T + np.eye(3)
    inverse = _spd_inverse(spd.copy())
    np.testing.assert_allclose(inverse @ spd, np.eye(3), atol=1e-12)
    np.testing.assert_array_equal(inverse, inverse.T)

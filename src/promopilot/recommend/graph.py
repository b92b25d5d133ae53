"""LightGCN: customer and product embeddings smoothed over the customer-product graph.

LightGCN (He et al., SIGIR 2020) keeps only what matters of a graph convolution network for
recommendation: each layer replaces every node's embedding by the symmetric-normalised sum
of its neighbours' (``E <- D^-1/2 A D^-1/2 E`` on the bipartite interaction graph, no
weights, no non-linearity), and the final embedding is the mean over layers 0..K. It is
trained with BPR: a product the customer had should score above one drawn at random that
they did not. Needs PyTorch (``promopilot[deep]``); a fitted model holds numpy arrays only.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from promopilot.recommend.deep import EmbeddingRecommender, batches, torch_session


def normalized_adjacency(B: sparse.csr_matrix) -> sparse.coo_matrix:
    """``D^-1/2 A D^-1/2`` of the bipartite graph with adjacency ``[[0, B], [B^T, 0]]``
    (customers first, then products); isolated nodes keep a zero row."""
    n_users, n_items = B.shape
    coo = B.tocoo()
    rows = np.concatenate([coo.row, coo.col + n_users])
    cols = np.concatenate([coo.col + n_users, coo.row])
    degree = np.bincount(rows, minlength=n_users + n_items).astype(np.float64)
    values = 1.0 / np.sqrt(degree[rows] * degree[cols])
    n = n_users + n_items
    return sparse.coo_matrix((values.astype(np.float32), (rows, cols)), shape=(n, n))


def sample_negatives(
    seen: sparse.csr_matrix, users: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One product per entry of `users`, drawn uniformly among those the customer did not
    have (exactly, no redraws: the r-th unseen column is r plus the number of seen columns
    whose count of unseen columns before them is <= r). A customer who had every product
    gets any one."""
    seen = seen.tocsr()
    seen.sort_indices()
    n = seen.shape[1]
    counts = np.diff(seen.indptr)
    free = n - counts[users]
    r = rng.integers(0, np.maximum(free, 1))
    owner = np.repeat(np.arange(seen.shape[0], dtype=np.int64), counts)
    unseen_before = seen.indices - (np.arange(seen.nnz) - np.repeat(seen.indptr[:-1], counts))
    key = owner * (n + 1) + unseen_before  # sorted: rows in order, non-decreasing within
    passed = np.searchsorted(key, users * (n + 1) + r, side="right") - seen.indptr[users]
    return np.where(free > 0, r + passed, r)


class LightGCNRecommender(EmbeddingRecommender):
    """LightGCN on the customer-product graph, trained with BPR.

    Parameters
    ----------
    factors : embedding size.
    n_layers : propagation layers (K).
    epochs : passes over the interactions (one random negative per interaction each pass).
    batch_size, learning_rate : Adam on mini-batches of (customer, had, not had) triples.
    l2 : weight of the L2 penalty on the layer-0 embeddings of each batch.
    random_state : seed (same seed, same model).
    n_threads : CPU threads torch may use while fitting.

    Attributes
    ----------
    user_factors_, item_factors_ : the layer-averaged embeddings.
    loss_curve_ : mean BPR loss per epoch.
    """

    requires = ("torch",)

    def __init__(
        self,
        *,
        factors: int = 64,
        n_layers: int = 3,
        epochs: int = 50,
        batch_size: int = 8192,
        learning_rate: float = 1e-2,
        l2: float = 1e-4,
        random_state: int = 0,
        n_threads: int = 1,
    ) -> None:
        self.factors = factors
        self.n_layers = n_layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l2 = l2
        self.random_state = random_state
        self.n_threads = n_threads

    def _fit_matrix(self, X, data, products) -> None:
        B = self.seen_.tocsr()
        n_users, n_items = B.shape
        A = normalized_adjacency(B)
        pairs = B.tocoo()
        users, items = pairs.row.astype(np.int64), pairs.col.astype(np.int64)
        rng = np.random.default_rng(self.random_state)
        self.loss_curve_ = []
        with torch_session("LightGCN", self.random_state, self.n_threads) as torch:
            adjacency = torch.sparse_coo_tensor(
                np.vstack([A.row, A.col]).astype(np.int64),
                A.data,
                A.shape,
                check_invariants=True,
            ).coalesce()
            weights = torch.nn.Parameter(torch.randn(n_users + n_items, int(self.factors)) * 0.1)
            opt = torch.optim.Adam([weights], lr=self.learning_rate)

            def propagate():
                layer, total = weights, weights
                for _ in range(int(self.n_layers)):
                    layer = torch.sparse.mm(adjacency, layer)
                    total = total + layer
                return total / (int(self.n_layers) + 1)

            for _ in range(int(self.epochs)):
                negatives = sample_negatives(B, users, rng)
                total, count = 0.0, 0
                for batch in batches(len(users), self.batch_size, rng):
                    u = torch.from_numpy(users[batch])
                    i = torch.from_numpy(items[batch] + n_users)
                    j = torch.from_numpy(negatives[batch] + n_users)
                    final = propagate()
                    eu = final[u]
                    margin = (eu * final[i]).sum(1) - (eu * final[j]).sum(1)
                    penalty = weights[u].square().sum() + weights[i].square().sum()
                    penalty = penalty + weights[j].square().sum()
                    loss = -torch.nn.functional.logsigmoid(margin).mean()
                    loss = loss + float(self.l2) * penalty / (2 * len(batch))
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += float(loss.detach()) * len(batch)
                    count += len(batch)
                self.loss_curve_.append(total / max(count, 1))
            with torch.no_grad():
                final = propagate().numpy()
        self._set_factors(final[:n_users], final[n_users:])

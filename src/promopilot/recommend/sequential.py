"""SASRec: next-item recommendation from the order in which a customer came to products.

Self-attentive sequential recommendation (Kang & McAuley, ICDM 2018): a causal Transformer
reads each customer's products in time order and, at every step, predicts the next one. We
train it with cross-entropy over the whole catalogue instead of the paper's one sampled
negative, which is markedly better (Klenitskiy & Vasilev, RecSys 2023, "Turning Dross Into
Gold Loss: is BERT4Rec really better than SASRec?"). A customer's score for a product is the
dot product of the network's output after their latest product with that product's
embedding. Needs PyTorch (``promopilot[deep]``); a fitted model holds numpy arrays only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.exceptions import NotEnoughDataError
from promopilot.recommend.deep import EmbeddingRecommender, batches, torch_session

#: the column that orders a customer's products, first found wins (interactions from the
#: store have first_seen: the order in which the customer came to each product)
TIME_COLUMNS = ("first_seen", "last_seen", "timestamp")


def sequences(
    rows: np.ndarray, cols: np.ndarray, when: np.ndarray | None, n_rows: int, length: int
) -> np.ndarray:
    """(n_rows x length) item ids (product column + 1; 0 pads on the left): each customer's
    latest `length` products in time order (ties by product)."""
    keys = (cols, rows) if when is None else (cols, when, rows)
    order = np.lexsort(keys)
    r, c = rows[order], cols[order] + 1
    ends = np.cumsum(np.bincount(r, minlength=n_rows))
    back = ends[r] - np.arange(len(r)) - 1  # 0 = the customer's latest product
    keep = back < length
    out = np.zeros((n_rows, length), dtype=np.int64)
    out[r[keep], length - 1 - back[keep]] = c[keep]
    return out


def _network(torch, n_items: int, length: int, params: SASRecRecommender):
    nn = torch.nn

    class SASRec(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d = params.factors
            self.items = nn.Embedding(n_items + 1, d, padding_idx=0)
            self.positions = nn.Embedding(length, d)
            self.dropout = nn.Dropout(params.dropout)
            self.blocks = nn.ModuleList(
                nn.TransformerEncoderLayer(
                    d,
                    params.n_heads,
                    dim_feedforward=d,
                    dropout=params.dropout,
                    batch_first=True,
                    norm_first=True,
                )
                for _ in range(params.n_blocks)
            )
            self.norm = nn.LayerNorm(d)
            for table in (self.items, self.positions):  # small, as in RecBole's SASRec
                nn.init.normal_(table.weight, std=0.02)
            with torch.no_grad():
                self.items.weight[0].zero_()
            causal = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)
            self.register_buffer("causal", causal)

        def forward(self, seq):
            keep = (seq > 0).unsqueeze(-1)
            x = self.items(seq) + self.positions.weight
            x = self.dropout(x) * keep
            for block in self.blocks:  # padding stays zero between blocks, as in the paper
                x = block(x, src_mask=self.causal, is_causal=True) * keep
            return self.norm(x)

    return SASRec()


class SASRecRecommender(EmbeddingRecommender):
    """Self-attentive sequential recommendation (SASRec) with full cross-entropy.

    Parameters
    ----------
    max_len : each customer's latest `max_len` products form their sequence.
    factors : embedding size.
    n_blocks, n_heads : Transformer blocks and attention heads per block.
    dropout : dropout on embeddings and inside the blocks.
    epochs, batch_size, learning_rate, l2 : training (Adam; `l2` is its weight decay).
    random_state : seed (same seed, same model).
    n_threads : CPU threads torch may use while fitting.

    Training memory goes with ``batch_size x max_len x products`` (the logits of one batch):
    256 MB of logits, and as much again for their gradient, at the defaults and 10,000 products.

    Attributes
    ----------
    user_factors_, item_factors_ : the network's output after each customer's latest
        product, and the product embeddings.
    loss_curve_ : mean training loss per epoch.
    """

    requires = ("torch",)

    def __init__(
        self,
        *,
        max_len: int = 50,
        factors: int = 64,
        n_blocks: int = 2,
        n_heads: int = 1,
        dropout: float = 0.2,
        epochs: int = 30,
        batch_size: int = 128,
        learning_rate: float = 1e-3,
        l2: float = 0.0,
        random_state: int = 0,
        n_threads: int = 1,
    ) -> None:
        self.max_len = max_len
        self.factors = factors
        self.n_blocks = n_blocks
        self.n_heads = n_heads
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.l2 = l2
        self.random_state = random_state
        self.n_threads = n_threads

    def _fit_matrix(self, X, data: pd.DataFrame, products) -> None:
        rows = self.customer_ids_.get_indexer(data["customer_id"])
        cols = self.product_ids_.get_indexer(data["product_id"])
        time_col = next((c for c in TIME_COLUMNS if c in data), None)
        when = None
        if time_col is not None:
            when = pd.to_datetime(data[time_col]).to_numpy(dtype="datetime64[ns]").view("i8")
        n_items, length = len(self.product_ids_), int(self.max_len)
        # one longer than the model's window: inputs are [:-1], next products [1:]
        seqs = sequences(rows, cols, when, len(self.customer_ids_), length + 1)
        trainable = np.flatnonzero((seqs[:, :-1] > 0).any(axis=1))
        if not len(trainable):
            raise NotEnoughDataError("SASRec needs customers with at least two products")
        rng = np.random.default_rng(self.random_state)
        self.loss_curve_ = []
        with torch_session("SASRec", self.random_state, self.n_threads) as torch:
            net = _network(torch, n_items, length, self)
            opt = torch.optim.Adam(net.parameters(), lr=self.learning_rate, weight_decay=self.l2)
            data_t = torch.from_numpy(seqs)
            net.train()
            for _ in range(int(self.epochs)):
                total, count = 0.0, 0
                for batch in batches(len(trainable), self.batch_size, rng):
                    seq = data_t[torch.from_numpy(trainable[batch])]
                    inputs, targets = seq[:, :-1], seq[:, 1:]
                    valid = (inputs > 0) & (targets > 0)
                    hidden = net(inputs)[valid]
                    logits = hidden @ net.items.weight[1:].T
                    loss = torch.nn.functional.cross_entropy(logits, targets[valid] - 1)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    n = int(valid.sum())
                    total += float(loss.detach()) * n
                    count += n
                self.loss_curve_.append(total / max(count, 1))
            net.eval()
            users = []
            with torch.no_grad():
                latest = data_t[:, 1:]
                for start in range(0, len(latest), 1024):
                    users.append(net(latest[start : start + 1024])[:, -1].numpy())
                items = net.items.weight[1:].numpy()
        self._set_factors(np.concatenate(users), items)

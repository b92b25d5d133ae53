"""The content model: TF-IDF on product title, description and category.

Products are vectors of their words (Chinese cut by jieba through
:func:`promopilot.text.textproc.raw_tokens`, the category as one extra token); a customer is
the weighted mean of the vectors of what they interacted with; scores are cosines. It needs
no co-purchase history, so it covers products nobody bought yet (cold-start products) and
customers whose few interactions are with such products. Customers with no interactions at
all get the shop's bestsellers spread over categories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from promopilot.exceptions import InputError
from promopilot.recommend.base import Recommender, _as_ids, id_text, row_normalize
from promopilot.text.textproc import BREAKS, raw_tokens


def product_text_tokens(text: str) -> list[str]:
    """Word tokens of a product text (clause and sentence markers dropped)."""
    return [t for t in raw_tokens(text) if t not in BREAKS and t.strip()]


class ContentRecommender(Recommender):
    """TF-IDF content-based recommender for cold-start products and customers.

    Parameters
    ----------
    fields : product columns whose text is used.
    category_weight : how many times the category token counts.
    popularity_weight : a small share of popularity added to break ties among equally
        similar products.
    """

    def __init__(
        self,
        *,
        fields: tuple[str, ...] = ("title", "description", "category"),
        category_weight: float = 2.0,
        popularity_weight: float = 0.01,
    ) -> None:
        self.fields = fields
        self.category_weight = category_weight
        self.popularity_weight = popularity_weight

    def fit(
        self, interactions: pd.DataFrame, products: pd.DataFrame | None = None
    ) -> ContentRecommender:
        """Needs the product catalogue (title/description/category) besides interactions."""
        if products is None or "product_id" not in products or products.empty:
            raise InputError("the content model needs the product catalogue (products table)")
        return super().fit(interactions, products)

    def _fit_matrix(self, X, data, products) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        catalogue = products.assign(product_id=id_text(products["product_id"]))
        catalogue = catalogue.drop_duplicates("product_id").set_index("product_id")
        catalogue = catalogue.reindex(self.product_ids_)
        docs = []
        fields = [f for f in self.fields if f in catalogue and f != "category"]
        text = (
            catalogue[fields].fillna("").astype(str).agg(" ".join, axis=1)
            if fields
            else pd.Series("", index=catalogue.index)
        )
        cats = (
            catalogue["category"].fillna("").astype(str)
            if "category" in catalogue
            else pd.Series("", index=catalogue.index)
        )
        repeat = max(round(self.category_weight), 0)
        for body, cat in zip(text.to_numpy(), cats.to_numpy(), strict=True):
            tokens = product_text_tokens(body)
            if "category" in self.fields and cat:
                tokens += [f"category={cat}"] * repeat
            docs.append(tokens)
        vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, min_df=1)
        if not any(docs):
            raise InputError(
                "the content model found no product text (title, description, "
                "category are all empty)"
            )
        self.item_vectors_ = row_normalize(vectorizer.fit_transform(docs).tocsr())
        self.vocabulary_size_ = len(vectorizer.vocabulary_)
        weights = X.copy()
        weights.data = np.log1p(weights.data)
        self.profiles_ = row_normalize((weights @ self.item_vectors_).tocsr())
        pop = self.popularity_
        self.pop_scaled_ = (pop / max(pop.max(), 1.0)).astype(np.float32)
        self.categories_ = cats.to_numpy()

    def _score(self, rows: np.ndarray) -> np.ndarray:
        sims = (self.profiles_[rows] @ self.item_vectors_.T).toarray().astype(np.float32)
        return sims + self.popularity_weight * self.pop_scaled_[None, :]

    def _score_unknown(self, customer_ids: np.ndarray) -> np.ndarray:
        # bestsellers spread over categories: the j-th best of a category scores pop / j
        order = np.argsort(-self.pop_scaled_, kind="stable")
        cats = pd.Series(self.categories_[order])
        place = cats.groupby(cats).cumcount().to_numpy() + 1
        score = np.empty(len(order), dtype=np.float32)
        score[order] = (1.0 + self.pop_scaled_[order]) / place
        return np.tile(score, (len(customer_ids), 1))

    def score_products(self, product_ids, k: int = 10) -> pd.DataFrame:
        """Products like a basket of products (e.g. a new customer's first views)."""
        self._check_fitted()
        cols = self.product_ids_.get_indexer(pd.Index(_as_ids(product_ids)))
        cols = cols[cols >= 0]
        if not len(cols):
            return pd.DataFrame(columns=["product_id", "score", "rank"])
        profile = row_normalize(sparse.csr_matrix(self.item_vectors_[cols].sum(axis=0)))
        scores = (profile @ self.item_vectors_.T).toarray().ravel()
        scores[cols] = -np.inf
        order = np.argsort(-scores, kind="stable")[:k]
        order = order[np.isfinite(scores[order]) & (scores[order] > 0)]
        return pd.DataFrame(
            {
                "product_id": self.product_ids_.to_numpy()[order],
                "score": scores[order],
                "rank": np.arange(1, len(order) + 1),
            }
        )

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        return (self.item_vectors_[cols] @ self.item_vectors_.T).toarray().astype(np.float32)

"""A customer whose seen products crowd out every candidate still gets k recommendations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.recommend.rules import Rules
from promopilot.recommend.service import recommend_for


def test_a_heavy_buyer_gets_k_unbought_products_when_repeat_categories_exist():
    rng = np.random.default_rng(0)
    products = pd.DataFrame(
        {
            "product_id": [f"p{i}" for i in range(40)],
            "category": ["tea"] * 30 + ["snacks"] * 10,
            "title": [f"item {i}" for i in range(40)],
        }
    )
    rows = [("c1", f"p{i}", 1.0) for i in range(20)]  # bought twenty tea products
    for c in range(2, 60):
        rows += [(f"c{c}", f"p{p}", 1.0) for p in rng.choice(40, 6, replace=False)]
    interactions = pd.DataFrame(rows, columns=["customer_id", "product_id", "weight"])
    bought = interactions[["customer_id", "product_id"]]
    recs, _ = recommend_for(
        interactions,
        products,
        ["c1"],
        k=3,
        model="itemknn",
        rules=Rules(repeat_categories=frozenset({"snacks"})),
        bought=bought,
    )
    assert len(recs) == 3 and recs["rank"].tolist() == [1, 2, 3]
    assert not set(recs["product_id"]) & {f"p{i}" for i in range(20)}

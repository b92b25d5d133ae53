"""Measuring recommenders: splits, ranking metrics and catalog coverage.

Ranking metrics follow the Microsoft Recommenders definitions
(``recommenders.evaluation.python_evaluation``) so that figures can be set next to their
published benchmark tables. Over the customers present in both the truth and the
recommendations (n), with top-k recommendations, hits = recommended products in the truth:

- Precision@k = mean(hits / k)
- Recall@k = mean(hits / n_relevant)
- nDCG@k = mean(sum_hits 1/log(1 + rank) / sum_{i <= min(k, n_relevant)} 1/log(1 + i))
- MAP (their ``map``) = mean(sum_hits (hits so far / rank) / n_relevant): average precision
  normalised by all relevant products, not by k; a customer with no hit counts 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.exceptions import InputError
from promopilot.recommend.base import id_text


def stratified_split(
    data: pd.DataFrame, *, ratio: float = 0.75, by: str = "product_id", seed: int = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random split stratified per `by` (as Microsoft Recommenders'
    ``python_stratified_split(..., filter_by="item")``): each product's interactions are
    shuffled and the first `ratio` of them go to train."""
    if not 0 < ratio < 1:
        raise InputError(f"ratio must be between 0 and 1, got {ratio}")
    rng = np.random.RandomState(seed)
    work = data.copy()
    work["_random"] = rng.rand(len(work))
    work = work.sort_values([by, "_random"])
    groups = work.groupby(by, sort=False)
    position = (groups.cumcount() + 1) / groups[by].transform("count")
    train = work[position <= ratio].drop(columns="_random")
    test = work[position > ratio].drop(columns="_random")
    return train, test


def temporal_split(
    data: pd.DataFrame, *, n_last: int = 1, time_col: str = "last_seen", min_history: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave-last-N-out: each customer's `n_last` latest interactions are the test, the rest
    train; customers with fewer than ``n_last + min_history`` interactions stay in train."""
    if time_col not in data:
        raise InputError(f"a temporal split needs a {time_col!r} column")
    work = data.sort_values(["customer_id", time_col, "product_id"], kind="stable")
    count = work.groupby("customer_id")["product_id"].transform("count")
    back = work.groupby("customer_id").cumcount(ascending=False)
    test_mask = (back < n_last) & (count >= n_last + min_history)
    return work[~test_mask], work[test_mask]


def cutoff_split(
    data: pd.DataFrame, *, share: float = 0.1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """Global time cutoff: customer-product pairs first seen in the latest `share` of pairs
    (by ``first_seen``, else ``last_seen``) are the test, for customers with earlier history;
    the rest is train (a pair seen before and after the cutoff stays in train)."""
    col = "first_seen" if "first_seen" in data else "last_seen"
    if col not in data:
        raise InputError("a cutoff split needs a first_seen or last_seen column")
    first = pd.to_datetime(data[col])
    cutoff = first.quantile(1.0 - share)
    train = data[first < cutoff]
    test = data[(first >= cutoff) & data["customer_id"].isin(set(train["customer_id"]))]
    if "last_seen" in train:
        train = train.assign(last_seen=pd.to_datetime(train["last_seen"]).clip(upper=cutoff))
    return train, test, cutoff


def ranking_metrics(truth: pd.DataFrame, recs: pd.DataFrame, *, k: int = 10) -> dict[str, float]:
    """MAP, nDCG@k, Precision@k and Recall@k as Microsoft Recommenders defines them (see the
    module docstring). `truth`: customer_id, product_id; `recs`: customer_id, product_id, rank
    (or score)."""
    truth = truth[["customer_id", "product_id"]].drop_duplicates()
    recs = recs.copy()
    if "rank" not in recs:
        recs = recs.sort_values(["customer_id", "score"], ascending=[True, False])
        recs["rank"] = recs.groupby("customer_id").cumcount() + 1
    recs = recs.sort_values(["customer_id", "rank"])
    recs["rank"] = recs.groupby("customer_id").cumcount() + 1
    recs = recs[recs["rank"] <= k]
    users = np.intersect1d(truth["customer_id"].unique(), recs["customer_id"].unique())
    n_users = len(users)
    if n_users == 0:
        return {"MAP": 0.0, "nDCG@k": 0.0, "Precision@k": 0.0, "Recall@k": 0.0, "n_users": 0}
    truth = truth[truth["customer_id"].isin(users)]
    n_rel = truth.groupby("customer_id").size()
    hits = recs.merge(truth, on=["customer_id", "product_id"]).sort_values(["customer_id", "rank"])
    hits["n_hit"] = hits.groupby("customer_id").cumcount() + 1
    # summed per customer by pandas, not a Python function per customer (20,000 customers,
    # 8,000 of them with a hit: 0.42 s for the whole score, from 0.66 s)
    hits["gain"] = 1.0 / np.log1p(hits["rank"].to_numpy(dtype=float))
    hits["rr"] = hits["n_hit"] / hits["rank"]
    per = hits.groupby("customer_id").agg(
        hit=("rank", "size"), dcg=("gain", "sum"), rr=("rr", "sum")
    )
    rel = n_rel.reindex(per.index)
    ideal_cum = np.cumsum(1.0 / np.log1p(np.arange(1, k + 1)))
    idcg = ideal_cum[np.minimum(rel.to_numpy(), k) - 1]
    return {
        "MAP": float((per["rr"] / rel).sum() / n_users),
        "nDCG@k": float((per["dcg"] / idcg).sum() / n_users),
        "Precision@k": float((per["hit"] / k).sum() / n_users),
        "Recall@k": float((per["hit"] / rel).sum() / n_users),
        "n_users": n_users,
    }


def catalog_coverage(recs: pd.DataFrame, n_products: int) -> float:
    """Share of the catalogue that appears in at least one customer's recommendations."""
    return float(recs["product_id"].nunique() / max(n_products, 1))


def evaluate(
    model,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    k: int = 10,
    products: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Fit `model` on `train`, recommend `k` unseen products to every test customer and
    score against `test` (every held-out product relevant). Adds catalog coverage."""
    model.fit(train, products)
    # ids as the model reads them (17850.0 is customer 17850, as in its training data)
    test = test.assign(
        customer_id=id_text(test["customer_id"]), product_id=id_text(test["product_id"])
    )
    recs = model.recommend(test["customer_id"].unique(), k=k, exclude_seen=True)
    out = ranking_metrics(test, recs, k=k)
    out["coverage"] = catalog_coverage(recs, len(model.product_ids_))
    return out


def tune(
    make,
    grid: list[dict],
    train: pd.DataFrame,
    *,
    metric: str = "nDCG@k",
    k: int = 10,
    validation: str = "stratified",
    seed: int = 42,
    folds: int = 1,
    products: pd.DataFrame | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Pick hyperparameters on a validation split of `train` only (never the test).

    `make(**params)` builds an estimator; `grid` lists the parameter sets tried.
    `validation` is "stratified" (75/25 per product, as the protocol; with `folds` > 1 the
    metrics are averaged over that many splits with seeds ``seed + 1, seed + 2, ...``: a
    less noisy choice) or "temporal" (each customer's last interaction; one split).
    Returns the best parameters and a table of all results (fold means).
    """
    if folds < 1:
        raise InputError(f"folds must be at least 1, got {folds}")
    if validation == "temporal":
        splits = [temporal_split(train)]
    else:
        splits = [stratified_split(train, seed=seed + 1 + i) for i in range(folds)]
    rows = []
    for params in grid:
        scores = [evaluate(make(**params), a, b, k=k, products=products) for a, b in splits]
        rows.append({**params, **pd.DataFrame(scores).mean().to_dict()})
    table = pd.DataFrame(rows)
    best = grid[int(np.argmax(table[metric].to_numpy()))]
    return best, table

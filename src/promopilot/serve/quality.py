"""Model quality for the dashboard: the served recommender on a held-out recent period, and
the plan's uplift model on held-out campaign customers (Qini)."""

from __future__ import annotations

import pandas as pd

from promopilot.data.queries import serve as queries
from promopilot.data.store import Store
from promopilot.exceptions import PromopilotError
from promopilot.recommend.evaluate import catalog_coverage, ranking_metrics
from promopilot.serve.state import fit_recommender


def recommendation_quality(store: Store, *, days: int = 30, k: int = 10) -> dict:
    """Fit on everything before the last `days` days, recommend `k` products to each customer
    who bought in those days, and score against what they bought: precision@k, recall@k,
    nDCG@k, hit rate@k (share of those customers who bought at least one of their k) and
    catalogue coverage."""
    end = store.default_as_of()
    cutoff = store.shop_days(end, -days)  # the shop's midnight
    truth = queries.purchases_since(store, cutoff)
    model = fit_recommender(store, as_of=cutoff)
    if model is None or truth.empty:
        return {"customers": 0}
    customers = truth["customer_id"].astype(str).unique()
    recs = model.recommend(customers, k=k, exclude_seen=True)
    metrics = ranking_metrics(truth, recs, k=k)  # the evaluation harness's own definitions
    top = recs[recs["rank"] <= k] if "rank" in recs else recs
    hit = top.merge(
        truth[["customer_id", "product_id"]].drop_duplicates(), on=["customer_id", "product_id"]
    )
    return {
        "customers": len(customers),
        "MAP": metrics["MAP"],
        f"nDCG@{k}": metrics["nDCG@k"],
        f"precision@{k}": metrics["Precision@k"],
        f"recall@{k}": metrics["Recall@k"],
        # customers with at least one of their top-k bought in the held-out days
        f"hit_rate@{k}": hit["customer_id"].nunique() / len(customers),
        "coverage": catalog_coverage(recs, store.count("products")),
    }


def uplift_quality(store: Store) -> pd.DataFrame | str:
    """Qini, AUUC and uplift@30% per offer of the plan's default model on held-out campaign
    customers, or the reason it cannot be computed."""
    from promopilot.offers.evaluate import evaluate_campaign_models
    from promopilot.offers.plan import DEFAULT_MODEL

    try:
        evaluation = evaluate_campaign_models(store, models=(DEFAULT_MODEL,))
    except (PromopilotError, ValueError) as why:
        return str(why)
    table = evaluation.table
    # the offers without a row, and why (views.uplift_notes says it)
    table.attrs.update(
        left_out=tuple(evaluation.left_out),
        unscored=tuple(evaluation.unscored),
        flat=tuple(offer for _, offer in evaluation.flat),
    )
    return table

"""Product recommenders: fit on interactions, recommend products per customer.

Every model follows one contract (:class:`~promopilot.recommend.base.Recommender`):
``fit(interactions, products=None)``, ``recommend(customer_ids, k, exclude_seen=True)`` ->
``customer_id, product_id, score, rank`` and ``similar_items(product_ids, k)``. The names
below are imported on first use: heavy models (implicit, PyTorch) load with the one asked for.

See docs/recommend.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
_EXPORTS = {
    "Recommender": "promopilot.recommend.base",
    "Rules": "promopilot.recommend.rules",
    "apply_rules": "promopilot.recommend.rules",
    "bought_together": "promopilot.recommend.rules",
    "repeat_categories": "promopilot.recommend.rules",
    "MODEL_NAMES": "promopilot.recommend.registry",
    "choose_model": "promopilot.recommend.service",
    "for_customers": "promopilot.recommend.service",
    "for_plan": "promopilot.recommend.service",
    "make_model": "promopilot.recommend.registry",
    "protocol_benchmark": "promopilot.recommend.protocol",
    "recommend_for": "promopilot.recommend.service",
    "PopularityRecommender": "promopilot.recommend.neighbors",
    "ItemKNNRecommender": "promopilot.recommend.neighbors",
    "UserKNNRecommender": "promopilot.recommend.neighbors",
    "RP3BetaRecommender": "promopilot.recommend.neighbors",
    "SessionKNNRecommender": "promopilot.recommend.session",
    "EASERecommender": "promopilot.recommend.linear",
    "VisitEASERecommender": "promopilot.recommend.linear",
    "ALSRecommender": "promopilot.recommend.factor",
    "BPRRecommender": "promopilot.recommend.factor",
    "ContentRecommender": "promopilot.recommend.content",
    "HybridRecommender": "promopilot.recommend.hybrid",
    "SASRecRecommender": "promopilot.recommend.sequential",
    "LightGCNRecommender": "promopilot.recommend.graph",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

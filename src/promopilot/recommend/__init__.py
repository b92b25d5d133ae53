"""Product recommenders: fit on interactions, recommend products per customer.

Every model follows one contract (:class:`~promopilot.recommend.base.Recommender`):
``fit(interactions, products=None)``, ``recommend(customer_ids, k, exclude_seen=True)`` ->
``customer_id, product_id, score, rank`` and ``similar_items(product_ids, k)``. Heavy models
live in their own modules and are imported on use.
"""

from promopilot.recommend.base import Recommender
from promopilot.recommend.rules import Rules, apply_rules, bought_together, repeat_categories
from promopilot.recommend.service import (
    MODEL_NAMES,
    choose_model,
    for_customers,
    for_plan,
    make_model,
    protocol_benchmark,
    recommend_for,
)

__all__ = [
    "MODEL_NAMES",
    "Recommender",
    "Rules",
    "apply_rules",
    "bought_together",
    "choose_model",
    "for_customers",
    "for_plan",
    "make_model",
    "protocol_benchmark",
    "recommend_for",
    "repeat_categories",
]

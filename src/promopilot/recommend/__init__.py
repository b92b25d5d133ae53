"""Product recommenders: fit on interactions, recommend products per customer."""

from promopilot.recommend.models import CategoryPopularityRecommender

__all__ = ["CategoryPopularityRecommender", "interactions"]

from promopilot.recommend.models import interactions

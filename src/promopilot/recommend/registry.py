"""Recommenders by name: what ``--model`` and the Python API accept (:data:`MODEL_NAMES`)
and :func:`make_model`, which builds one (each model's module is imported on first use)."""

from __future__ import annotations

from promopilot.exceptions import InputError
from promopilot.recommend.base import Recommender

MODEL_NAMES = (
    "popularity",
    "itemknn",
    "userknn",
    "rp3beta",
    "session",
    "ease",
    "visitease",
    "als",
    "bpr",
    "content",
    "hybrid",
    # the optional [deep] extra (PyTorch); never among `auto`'s defaults: slow to fit
    "sasrec",
    "lightgcn",
)


def make_model(name: str, *, random_state: int = 0, **params) -> Recommender:
    """A recommender by name (see :data:`MODEL_NAMES`)."""
    from promopilot.recommend.content import ContentRecommender
    from promopilot.recommend.factor import ALSRecommender, BPRRecommender
    from promopilot.recommend.graph import LightGCNRecommender
    from promopilot.recommend.hybrid import HybridRecommender
    from promopilot.recommend.linear import EASERecommender, VisitEASERecommender
    from promopilot.recommend.neighbors import (
        ItemKNNRecommender,
        PopularityRecommender,
        RP3BetaRecommender,
        UserKNNRecommender,
    )
    from promopilot.recommend.sequential import SASRecRecommender
    from promopilot.recommend.session import SessionKNNRecommender

    classes = {
        "popularity": PopularityRecommender,
        "itemknn": ItemKNNRecommender,
        "userknn": UserKNNRecommender,
        "rp3beta": RP3BetaRecommender,
        "session": SessionKNNRecommender,
        "ease": EASERecommender,
        "visitease": VisitEASERecommender,
        "als": ALSRecommender,
        "bpr": BPRRecommender,
        "content": ContentRecommender,
        "hybrid": HybridRecommender,
        "sasrec": SASRecRecommender,
        "lightgcn": LightGCNRecommender,
    }
    if name not in classes:
        raise InputError(f"unknown model {name!r}: choose one of auto, {', '.join(MODEL_NAMES)}")
    cls = classes[name]
    if "random_state" in cls().get_params():
        params["random_state"] = random_state
    return cls(**params)

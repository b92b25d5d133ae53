"""The hybrid's feature statistics (``_Stats``, ``_row_stats``, ``_group_sizes``) live in a
module of their own (``hybrid_features``): what other modules import from
:mod:`promopilot.recommend.hybrid` and the package is still there, the same objects."""

from __future__ import annotations

import promopilot.recommend as recommend
from promopilot.recommend import hybrid, hybrid_features, registry


def test_the_hybrid_module_gives_the_names_other_modules_import():
    assert hybrid._Stats is hybrid_features._Stats
    assert hybrid._row_stats is hybrid_features._row_stats
    assert hybrid._group_sizes is hybrid_features._group_sizes
    assert recommend.HybridRecommender is hybrid.HybridRecommender
    assert registry.make_model("hybrid").__class__ is hybrid.HybridRecommender
    assert hybrid.HybridRecommender.__module__ == "promopilot.recommend.hybrid"

"""`promopilot recommend`'s model-choice table: scores at the k asked for, and why a model
has none."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli.recommend import choice_renderables
from promopilot.recommend.service import Choice


def test_scores_are_headed_at_k_explained_and_an_unscored_model_says_why():
    """On the UCI sample (--k 5) the table was headed nDCG@k and Recall@k above a reason
    naming nDCG@5, without saying what they measure, and the hybrid's row was dashes with no
    word of why (its note, that too few customers were left to learn the blend, was dropped)."""
    why = "31 customers have a held-out product among the candidates: the hybrid needs 50"
    table = pd.DataFrame(
        {
            "model": ["content", "hybrid"],
            "nDCG@k": [0.123, np.nan],
            "Recall@k": [0.178, np.nan],
            "coverage": [0.423, np.nan],
            "note": ["", why],
        }
    )
    console = Console(width=100, record=True)
    for item in choice_renderables(Choice("content", table, "content had the best"), 5):
        console.print(item)
    text = " ".join(console.export_text().split())
    assert "nDCG@5" in text and "Recall@5" in text and "@k" not in text
    assert "nDCG@5: how high the product each customer took next ranks among the 5" in text
    assert f"hybrid: not scored: {why}" in text

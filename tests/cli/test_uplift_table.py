"""The uplift command's table: a score the held-out customers cannot define shows as "–", the
others as the Qini page writes them (three places, counts with separators)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli.plan import evaluation_table
from promopilot.offers.evaluate import UpliftEvaluation


def test_an_undefined_score_shows_as_a_dash_and_the_others_as_the_qini_page_writes_them():
    table = pd.DataFrame(
        {
            "model": ["t-learner"],
            "offer": ["pct10"],
            "n_treated": [1051],
            "n_control": [32],
            "qini": [-0.3782],
            "uplift_at_30": [np.nan],
        }
    )
    console = Console(width=200, record=True)
    console.print(evaluation_table(UpliftEvaluation(table, {}, 0.3, 220, 111)))
    text = console.export_text()
    assert "–" in text and "nan" not in text and "n/a" not in text
    assert "-0.378" in text and "-0.3782" not in text and "1,051" in text

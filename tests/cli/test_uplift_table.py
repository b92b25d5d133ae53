"""The uplift command's table: a score the held-out customers cannot define shows as n/a."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli.plan import evaluation_table
from promopilot.offers.evaluate import UpliftEvaluation


def test_an_undefined_score_shows_as_n_a_and_the_others_as_numbers():
    table = pd.DataFrame(
        {
            "model": ["t-learner"],
            "offer": ["pct10"],
            "n_treated": [51],
            "n_control": [32],
            "qini": [-0.3782],
            "uplift_at_30": [np.nan],
        }
    )
    console = Console(width=200, record=True)
    console.print(evaluation_table(UpliftEvaluation(table, {}, 0.3, 220, 111)))
    text = console.export_text()
    assert "n/a" in text and "nan" not in text
    assert "-0.3782" in text and "51" in text

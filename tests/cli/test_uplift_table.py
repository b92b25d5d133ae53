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


def test_each_score_is_written_with_its_interval_in_one_cell():
    table = pd.DataFrame(
        {
            "model": ["t-learner"],
            "offer": ["pct10"],
            "n_treated": [1051],
            "n_control": [320],
            "qini": [0.1204],
            "qini_low": [0.031],
            "qini_high": [0.2044],
            "auuc": [0.05],
            "auuc_low": [-0.0101],
            "auuc_high": [0.09],
            "uplift_at_30": [0.02],
            "uplift_at_30_low": [np.nan],
            "uplift_at_30_high": [np.nan],
        }
    )
    console = Console(width=200, record=True)
    console.print(evaluation_table(UpliftEvaluation(table, {}, 0.3, 220, 111, confidence=0.8)))
    text = console.export_text()
    assert "0.120" in text and "[0.031, 0.204]" in text and "[-0.010, 0.090]" in text
    assert "their 80% bootstrap" in " ".join(text.split())
    assert "_low" not in text and "_high" not in text
    # no interval where the resamples defined none: the score alone
    assert "0.020 [" not in text and "0.020" in text

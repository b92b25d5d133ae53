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


def test_headers_are_words_and_intervals_stay_whole_at_100_columns():
    """The demo's uplift table at 100 columns read "n_treated", "n_control", "qini", "auuc",
    "uplift_at_30", the evaluation table's column names, and broke "[-0.315, / 0.093]": it
    needed 102 columns. Its headers are words (offered, control, Qini, AUUC, uplift top 30%),
    a caption says what the scores mean, and every interval is whole."""
    rows = [
        {
            "model": model,
            "offer": offer,
            "n_treated": 98,
            "n_control": 89,
            **{f"{s}{end}": v for s in ("qini", "auuc", "uplift_at_30") for end, v in bounds},
        }
        for model in ("pooled-x", "x-learner")
        for offer in ("beauty15", "freeship", "mj150_20", "pct10")
        for bounds in [(("", -0.115), ("_low", -0.315), ("_high", 0.093))]
    ]
    console = Console(width=100, record=True)
    console.print(evaluation_table(UpliftEvaluation(pd.DataFrame(rows), {}, 0.3, 971, 442)))
    text = console.export_text()
    for header in ("offered", "control", "Qini", "AUUC", "uplift top 30%"):
        assert header in text
    assert "n_treated" not in text and "uplift_at_30" not in text
    assert text.count("[-0.315, 0.093]") == 3 * len(rows)
    assert "between a random order (0) and a perfect one (1)" in " ".join(text.split())

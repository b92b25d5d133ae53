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
    # no interval where the resamples defined none: the uplift alone, in points
    assert "+2.0 pp" in text and "+2.0 pp [" not in text and "0.020" not in text


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
    assert text.count("[-0.315, 0.093]") == 2 * len(rows)  # Qini and AUUC
    # the uplift in the top 30%, in points: "pp" after the estimate and in the header
    assert text.count("-11.5 pp") == text.count("[-31.5, +9.3]") == len(rows)
    assert "between a random order (0) and a perfect one (1)" in " ".join(text.split())


def test_the_uplift_in_the_top_30_percent_is_in_percentage_points():
    """The uplift in the top 30% is one purchase rate minus another, as a conversion lift is,
    but the uplift table, the demo report and the dashboard's models page wrote it as a score,
    "0.050 [-0.033, 0.128]" (the demo shop's freeship, synthetic), beside "+4.7 pp" for the
    campaign's conversion lift. It is written in points, its header and caption say so."""
    from promopilot.report.qini import score_cells

    table = pd.DataFrame(
        {
            "model": ["pooled-x", "x-learner"],
            "offer": ["freeship", "beauty15"],
            "n_treated": [316, 279],
            "n_control": [276, 276],
            "qini": [0.17, -0.091],
            "qini_low": [0.063, -0.264],
            "qini_high": [0.295, 0.083],
            "uplift_at_30": [0.0504, -0.0583],
            "uplift_at_30_low": [-0.0331, -0.1332],
            "uplift_at_30_high": [0.1281, 0.0049],
        }
    )
    cells = score_cells(table)
    assert cells["uplift_at_30"].tolist() == [
        "+5.0 pp [-3.3 pp, +12.8 pp]",
        "-5.8 pp [-13.3 pp, +0.5 pp]",
    ]
    assert cells["qini"].tolist() == ["0.170 [0.063, 0.295]", "-0.091 [-0.264, 0.083]"]
    console = Console(width=120, record=True)
    console.print(evaluation_table(UpliftEvaluation(table, {}, 0.3, 971, 442)))
    text = " ".join(console.export_text().split())
    assert "uplift top 30% (pp)" in text and "0.050" not in text
    assert "pp: percentage points, one rate minus the other" in text

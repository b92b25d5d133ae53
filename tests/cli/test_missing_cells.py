"""The CLI's tables write a figure the data cannot give as "–", as the reports do, never "n/a"
or "nan"."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli.profile import segment_table


def _text(table) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_a_segment_without_churn_risk_or_clv_shows_a_dash():
    segments = pd.DataFrame(
        {
            "segment": ["new customers", "steady big spenders"],
            "customers": [1200, 30],
            "share": [0.97, 0.03],
            "recency_days": [12.0, 40.0],
            "frequency": [1.0, 9.5],
            "monetary": [35.0, 2400.0],
            "churn_risk": [np.nan, 0.25],
            "discount_sensitivity": [0.4, 0.1],
            "clv_12m": [np.nan, 1834.4],
        }
    )
    text = _text(segment_table(segments))
    assert "n/a" not in text and "nan" not in text
    new = next(line for line in text.splitlines() if "new customers" in line)
    assert new.count("–") == 2
    steady = next(line for line in text.splitlines() if "steady big spenders" in line)
    assert "25%" in steady and "1,834" in steady and "–" not in steady

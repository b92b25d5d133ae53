"""Result frames printed as tables (retrain's campaigns, the demo's recommendations): numbers
with separators and one number of decimals per column, missing values as a dash."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli.common import frame_table


def render(frame: pd.DataFrame) -> str:
    console = Console(width=200, record=True)
    console.print(frame_table(frame, "t"))
    return console.export_text()


def test_numbers_dates_and_missing_values():
    frame = pd.DataFrame(
        {
            "campaign_id": ["spring", "双十一"],
            "sent_at": [pd.Timestamp("2026-05-01"), pd.Timestamp("2026-11-11 09:30")],
            "customers": [12_345, 7],
            "revenue": [6194.3, 0.0],
            "profit": [np.nan, 2.5],
        }
    )
    text = render(frame)
    assert "12,345" in text and "6,194.30" in text and "0.00" in text and "2.50" in text
    assert "–" in text and "nan" not in text.lower()
    assert "2026-05-01 " in text and "2026-11-11 09:30" in text and "双十一" in text
    rows = [line for line in text.splitlines() if "spring" in line]
    assert "6,194.30" in rows[0] and "–" in rows[0]


def test_a_column_of_whole_numbers_has_no_decimals():
    text = render(pd.DataFrame({"orders": [1.0, 20.0], "rank": [1, 2]}))
    assert "20.00" not in text and " 20 " in text

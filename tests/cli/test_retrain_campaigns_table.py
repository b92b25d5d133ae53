"""`promopilot retrain`'s table of logged campaigns, headed in words."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from promopilot.campaigns.retrain import campaign_summary
from promopilot.cli.report import campaigns_table


def test_the_customers_who_got_nothing_are_not_called_the_control_group():
    """The demo's retrain printed "control 431" for campaign demo where its report says 126
    were held out as control: the column counts everyone who got nothing (the randomized
    control group and the customers outside the plan). Its header says so; the other headers
    are words, money in the shop's currency."""
    outcomes = pd.DataFrame(
        {
            "campaign_id": "demo",
            "sent_at": pd.Timestamp("2026-07-01"),
            "offer_id": ["pct10"] * 5 + [""] * 4,
            "arm": ["pct10"] * 5 + ["control"] * 4,  # 2 held out, 2 outside the plan
            "converted": [1, 0, 0, 1, 0, 0, 1, 0, 0],
            "revenue": [120.0, 0, 0, 80.5, 0, 0, 60.0, 0, 0],
            "profit": [30.0, 0, 0, 20.0, 0, 0, 18.0, 0, 0],
        }
    )
    console = Console(width=100, record=True)
    console.print(campaigns_table(campaign_summary(outcomes), "EUR"))
    text = console.export_text()
    for header in ("campaign", "sent", "got nothing", "revenue (EUR)", "profit (EUR)"):
        assert header in text
    assert "campaign_id" not in text and "sent_at" not in text and "control" not in text
    row = next(line for line in text.splitlines() if "demo" in line)
    assert [cell.strip() for cell in row.split("│")[3:6]] == ["9", "1", "4"]

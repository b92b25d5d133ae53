"""`promopilot report`'s lift table at 100 columns: every interval whole on one line."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.campaigns.estimate import estimate_lift
from promopilot.cli.lift_tables import lift_table


def test_no_interval_is_broken_at_100_columns():
    """The demo's report table at 100 columns read "+15.56 [-2.13, / +33.25]" and
    "+7,831.57 [+1,866.47, / +13,796.66]": Rich broke the interval where it had to. Each
    lift's interval is on a line of its own below it, whole."""
    rng = np.random.default_rng(3)
    n = 2_000
    arm = np.array(["control"] * 400 + ["freeship"] * 1_600)
    converted = rng.random(n) < np.where(arm == "control", 0.10, 0.14)
    revenue = converted * rng.uniform(200, 1_400, n)
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": np.where(arm == "control", 0.2, 0.8),
            "converted": converted.astype(float),
            "revenue": revenue,
            "profit": revenue * 0.4,
            "pre_revenue": rng.uniform(0, 500, n),
            "pre_orders": 1.0,
        }
    )
    result = estimate_lift(frame)
    result.update(campaign_id="demo", window_days=14)
    console = Console(width=100, record=True)
    console.print(lift_table(result))
    text = console.export_text()
    cells = [cell.strip() for line in text.splitlines() for cell in line.split("│")]
    opened = [cell for cell in cells if "[" in cell or "]" in cell]
    assert len(opened) == 4  # three lifts of freeship and the whole campaign's
    assert all(re.fullmatch(r"\[[^\[\]]+, [^\[\]]+\]", cell) for cell in opened), opened

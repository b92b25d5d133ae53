"""`promopilot report`'s lift table: every interval whole on one line where the table fits,
broken only at its comma where it does not, and each row with the size of its own control
group."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.campaigns.estimate import estimate_lift
from promopilot.cli.lift_tables import lift_table


def _result() -> dict:
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
    return result


def _cells(result: dict, width: int) -> list[str]:
    console = Console(width=width, record=True)
    console.print(lift_table(result))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    return [cell.strip() for line in text.splitlines() for cell in line.split("│")]


def test_no_interval_is_broken_at_its_width_or_at_100_columns_but_at_its_comma():
    """The demo's report table at 100 columns read "+15.56 [-2.13, / +33.25]" and
    "+7,831.57 [+1,866.47, / +13,796.66]": Rich broke the interval where it had to. Each
    lift's interval is on a line of its own below it, whole where the table fits (110 columns
    here, with its control column), else broken at its comma, never elsewhere: the headers
    "customers" and "control", wider than their cells, squeezed '[+4.2 pp, +10.9 / pp]' at 100
    columns when the width was measured without them."""
    result = _result()
    opened = [cell for cell in _cells(result, 110) if "[" in cell or "]" in cell]
    assert len(opened) == 4  # three lifts of freeship and the whole campaign's
    assert all(re.fullmatch(r"\[[^\[\]]+, [^\[\]]+\]", cell) for cell in opened), opened
    opened = [cell for cell in _cells(result, 100) if "[" in cell or "]" in cell]
    assert len(opened) == 8  # each broken at its comma
    assert all(re.fullmatch(r"\[[^\[\] ]+( pp)?,|[^\[\] ]+( pp)?\]", c) for c in opened), opened


def _control_column(result: dict, width: int) -> dict[str, str]:
    """offer -> the control column's cell, read from the drawn table at `width` columns."""
    console = Console(width=width, record=True)
    console.print(lift_table(result))
    lines = console.export_text().splitlines()
    (header,) = [line for line in lines if "offer" in line and "│" not in line and "┃" in line]
    names = [c.strip() for c in header.split("┃")]
    at = names.index("control")
    rows = {}
    for line in lines:
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == len(names) and cells[1]:
            rows[cells[1].split()[0]] = cells[at]  # 'whole campaign' or 'whole' at 80
    return rows


def test_each_row_says_the_size_of_its_own_control_group():
    """`promopilot report` named the control group's size in the title alone. A plan's offers
    are measured against its held-out customers and the whole campaign against everyone who
    got nothing: each row carries its own count, at 80 columns as at 140."""
    result = _result()
    result["per_offer_control"] = {**result["control"], "customers": 123}
    result["groups"] = {"control": 123, "target": 1_600, "none": 277}
    for width in (80, 100, 140):
        rows = _control_column(result, width)
        assert rows["freeship"] == "123", (width, rows)
        assert rows["whole"] == "400", (width, rows)

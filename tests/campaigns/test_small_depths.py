"""A small real discount is not "0%": a realized depth of 0.4% of the orders' value read "0%"
in the campaign report's depth table and in the depth verdict (report and dashboard), as if
nothing had been taken off."""

from __future__ import annotations

import pandas as pd

from promopilot.campaigns.depth import depth_finding, depth_verdict
from promopilot.data.shares import whole_percent
from promopilot.report.campaign_extras import depth_section, depth_verdict_zh


def _table() -> pd.DataFrame:
    """A 0.4% depth that paid and a deeper 10% that did not."""
    return pd.DataFrame(
        {
            "segment": "all customers",
            "campaign_id": ["a", "a"],
            "offer_id": ["thin", "pct10"],
            "kind": [None, "percent_off"],
            "depth": [0.004, 0.10],
            "profit_lift": [9.0, -5.0],
            "profit_low": [1.0, -8.0],
            "profit_high": [17.0, -2.0],
            "customers": 100,
            "control_customers": 100,
            "conversion_lift": 0.01,
            "conversion_low": 0.0,
            "conversion_high": 0.02,
        }
    )


def test_the_depth_table_writes_a_small_depth_as_it_is():
    (_, shown), *_ = depth_section(_table()).tables
    assert shown["depth 力度"].tolist() == ["0.4%", "10%"]  # was "0%", "10%"


def test_the_depth_verdict_names_a_small_depth_in_both_languages():
    english = depth_verdict(_table())
    assert "0.4%" in english and "0%" not in english.replace("0.4%", "").replace("10%", "")
    assert "0.4%" in depth_verdict_zh(depth_finding(_table()))


def test_a_share_is_a_whole_percent_but_never_a_false_zero():
    assert [whole_percent(v) for v in (0.0, 0.004, 0.0049, 0.0004, 0.0099, 0.1, 0.125)] == [
        "0%",
        "0.4%",
        "0.5%",
        "<0.1%",
        "1%",
        "10%",
        "12%",
    ]
    assert whole_percent(-0.004) == "-0.4%" and whole_percent(float("nan")) == "–"


def test_the_plans_self_check_and_the_profiles_segments_write_small_shares_as_they_are():
    """3 sends of 3,880 exposures read "(0%)" and a segment of 0.4% of the customers "0%"."""
    from types import SimpleNamespace

    from rich.console import Console

    from promopilot.cli.plan import check_table
    from promopilot.cli.profile import segment_table

    candidates = pd.DataFrame(
        {"policy": ["model"], "estimate": [1.0], "low": [0.5], "high": [1.5], "sends": [3]}
    )
    check = SimpleNamespace(
        candidates=candidates, policy="model", customers=3880, confidence=0.9, z=float("nan")
    )
    console = Console(width=200, record=True)
    console.print(check_table(check))
    assert "3 (0.1%)" in console.export_text()
    segments = pd.DataFrame(
        {
            "segment": ["steady regulars", "returns only"],
            "customers": [996, 4],
            "share": [0.996, 0.004],
            "recency_days": [28, 300],
            "frequency": [3.0, 0.0],
            "monetary": [120, -30],
            "churn_risk": [0.5, 0.9],
            "discount_sensitivity": [0.5, 0.5],
            "clv_12m": [100, 0],
        }
    )
    console = Console(width=200, record=True)
    console.print(segment_table(segments))
    text = console.export_text()
    assert " 0.4% " in text and "100%" in text

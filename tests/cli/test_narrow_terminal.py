"""The commands' output on a standard 80-column terminal: no segment, column or model name is
cut with "…" (Rich cuts a word wider than its column); a table too wide for its words becomes
a list of lines there, and stays a table on wide terminals."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from promopilot.cli import common
from promopilot.cli.plan import evaluation_table
from promopilot.offers.evaluate import UpliftEvaluation
from tests.cli.test_every_command_property import clean, run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uci-online-retail-sample"


def test_ingest_and_profile_at_80_columns_cut_no_file_segment_or_column_name(
    tmp_path, capsys, monkeypatch
):
    """At 80 columns ingest's table read 'online-retai…' (the demo's 'products.c…',
    'quarantin…'), the UCI sample's segment table 'lapsed / full-… / buyers' and 'recen… /
    barga… / hunte…', and the models-vs-baselines table 'purchase_pro…' and 'days_since_l…'.
    Each file is now a line, each segment its name on a line and its figures below it, each
    model column a line of its own."""
    monkeypatch.setenv("PROMOPILOT_LOG", str(tmp_path / "promopilot.log"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(common.console, "_width", 80)
    db = str(tmp_path / "uci.duckdb")
    code, out, err = run(["ingest", str(FIXTURE), "--db", db], capsys)
    clean("ingest", code, out, err)
    assert "…" not in out and "quarantined 303" in out
    assert "online-retail-sample.csv → orders: read 3,323, loaded 3,020" in " ".join(out.split())
    code, out, err = run(["profile", "--db", db, "--evaluate", "--out", "c.csv"], capsys)
    clean("profile", code, out, err)
    assert code == 0 and "…" not in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    lines = [line.strip() for line in out.splitlines()]
    for name in pd.read_csv(tmp_path / "c.csv")["segment"].unique():
        assert name in lines, name  # the whole name, on a line of its own
    assert "median recency 264 days" in out and "12-month CLV" in out
    assert "purchase_propensity_30d: AUC model" in out and "days_since_last_event" in out


def _evaluation() -> UpliftEvaluation:
    bounds = (("", -0.115), ("_low", -0.315), ("_high", 0.093))
    rows = [
        {
            "model": model,
            "offer": offer,
            "n_treated": 304,
            "n_control": 796,
            **{f"{s}{end}": v for s in ("qini", "auuc", "uplift_at_30") for end, v in bounds},
        }
        for model in ("dr-learner", "class-transformation")
        for offer in ("beauty15", "mj150_20")
    ]
    return UpliftEvaluation(pd.DataFrame(rows), {}, 0.3, 971, 442)


def test_the_uplift_table_keeps_model_names_whole_at_80_and_100_columns():
    """The demo's uplift table at 80 columns read 'dr-learn…' and 'class-tr…', and at 100
    'class-transfo…': Rich shrank the name columns with the scores'. Names are never wrapped;
    at 80 columns, where the scores leave no room for them, each model and offer is a line."""
    for width in (80, 100):
        console = Console(width=width, record=True)
        console.print(evaluation_table(_evaluation()))
        text = console.export_text()
        assert "…" not in text, width
        assert "class-transformation" in text and "dr-learner" in text
        if width == 80:
            assert "[-0.315, 0.093]" in text  # the interval whole, on the model's line


def test_the_uplift_table_is_a_table_at_100_and_lines_at_80():
    console = Console(width=80, record=True)
    console.print(evaluation_table(_evaluation()))
    text = console.export_text()
    assert "┃" not in text
    assert "class-transformation mj150_20: offered 304, control 796, Qini -0.115" in " ".join(
        text.split()
    )
    console = Console(width=120, record=True)
    console.print(evaluation_table(_evaluation()))
    assert "┃ model" in console.export_text()


def test_the_report_breaks_a_lift_interval_at_its_comma_at_80_columns():
    """At 80 columns the demo's report read '[+2.7 pp, +6.7 / pp]': Rich broke the interval
    where the width ran out, its unit alone on a line. Each bound now keeps its unit, the
    interval broken at its comma; where the table fits (120 columns, 100 before each row had
    its control column) each interval stays on one line."""
    from promopilot.campaigns.estimate import estimate_lift
    from promopilot.cli.lift_tables import lift_table

    rng = np.random.default_rng(3)  # as test_lift_table_width, twice the customers
    n = 4_000
    arm = np.array(["control"] * 800 + ["freeship"] * 3_200)
    converted = rng.random(n) < np.where(arm == "control", 0.10, 0.14)  # +5.2 [+2.7, +7.6] pp
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
    result.update(campaign_id="demo", window_days=14, currency="CNY")

    def cells(width: int) -> list[str]:
        console = Console(width=width, record=True)
        console.print(lift_table(result))
        text = console.export_text()
        assert max(len(line) for line in text.splitlines()) <= width
        return [c.strip() for line in text.splitlines() for c in line.split("│")]

    narrow = cells(80)
    assert "pp]" not in narrow and not any("…" in c for c in narrow)
    assert any(re.fullmatch(r"\[[+-][\d.]+ pp,", c) for c in narrow)
    assert any(re.fullmatch(r"[+-][\d.]+ pp\]", c) for c in narrow)
    assert any(re.fullmatch(r"\[[+-][\d.]+ pp, [+-][\d.]+ pp\]", c) for c in cells(120))


def test_retrain_campaigns_at_80_columns_are_lines_not_cut_cells():
    """At 80 columns the demo's retrain printed its logged campaigns as 'spring…', '2026-0…',
    '170,03…', '64,756.…': eight columns left no room for a campaign id, a date or a sum.
    Each campaign is a line there; at 100 columns the table as before."""
    from promopilot.cli.report import campaigns_table

    campaigns = pd.DataFrame(
        {
            "campaign_id": ["spring_2026", "demo"],
            "sent_at": pd.to_datetime(["2026-03-01 10:00", "2026-07-01 09:30"]),
            "customers": [4_695, 5_000],
            "offers": [4, 4],
            "control": [979, 1_751],
            "buyers": [641, 574],
            "revenue": [170_038.52, 163_345.1],
            "profit": [64_756.31, 54_692.8],
        }
    )
    console = Console(width=80, record=True)
    console.print(campaigns_table(campaigns, "CNY"))
    text = " ".join(console.export_text().split())
    assert "…" not in text
    assert "spring_2026: sent 2026-03-01 10:00, customers 4,695, offers 4, got nothing 979" in text
    assert "revenue (CNY) 170,038.52, profit (CNY) 64,756.31" in text
    console = Console(width=100, record=True)
    console.print(campaigns_table(campaigns, "CNY"))
    assert "┃ campaign" in console.export_text() and "…" not in console.export_text()

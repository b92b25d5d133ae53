"""A past campaign from a file whose window runs past the store's data: the window is the
setting (the file cannot tell it), and the report says how many days of data it holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.console import Console

from promopilot.campaigns.measure import measure_campaign
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

ARMS = ("Mens E-Mail", "Womens E-Mail", "No E-Mail")


def _hillstrom(path: Path, n: int = 300) -> Path:
    """A Hillstrom-layout file: `n` customers over the three arms, one in eight buying."""
    rng = np.random.default_rng(5)
    lines = [
        "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
        "conversion,spend"
    ]
    for i in range(n):
        bought = rng.random() < 0.125
        spend = f"{rng.uniform(20, 400):.2f}" if bought else "0"
        lines.append(
            f"{rng.integers(1, 12)},2) $100 - $200,{rng.uniform(30, 900):.2f},1,{i % 2},Urban,0,"
            f"Web,{ARMS[i % 3]},{int(bought)},{int(bought)},{spend}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_hillstroms_window_says_the_data_reach_seven_days_not_fourteen(tmp_path, monkeypatch):
    """Hillstrom's report said "14-day window" where its outcome orders are dated 7 days after
    the e-mail (the file says only "within two weeks") and the store ends there. The 14 days
    are the campaign_window_days setting; the report says so, and that the data reach 7."""
    from promopilot.cli.lift_tables import lift_table

    monkeypatch.setenv("PROMOPILOT_CAMPAIGN_WINDOW_DAYS", "14")
    with Store(str(tmp_path / "h.duckdb")) as store:
        ingest(store, _hillstrom(tmp_path / "hillstrom.csv"))
        result = measure_campaign(store, "hillstrom-2008")
    assert result["buyers"] > 0 and "open_windows" not in result  # history: not "Not final"
    past = result["window_past_data"]
    assert past["days"] == 7 and past["customers"] == past["of"] == 300
    assert past["window_days"] == result["window_days"] == 14
    assert (
        "The 14-day window is the campaign_window_days setting (a campaign from a file does not "
        "say how long its outcomes were counted); the store's orders and events end 7 days after "
        "it was sent (2008-03-08), so every customer's window holds only those 7 days"
    ) in result["summary"]
    console = Console(width=300, record=True)
    console.print(lift_table(result))
    assert "14-day window, data for 7 days," in " ".join(console.export_text().split())


def test_a_file_campaign_inside_the_data_says_nothing_of_it(tmp_path, monkeypatch):
    """A window of 8 days ends within a day of the store's data (the grace a quiet last day
    gets): no sentence, and the title names the window alone."""
    from promopilot.campaigns.lift_words import window_words

    monkeypatch.setenv("PROMOPILOT_CAMPAIGN_WINDOW_DAYS", "14")
    with Store(str(tmp_path / "h.duckdb")) as store:
        ingest(store, _hillstrom(tmp_path / "hillstrom.csv"))
        # 8 days: the outcome orders (dated 7 days after) are inside it
        result = measure_campaign(store, "hillstrom-2008", window_days=8)
    assert "window_past_data" not in result and "setting" not in result["summary"]
    assert window_words(result) == "8-day window"

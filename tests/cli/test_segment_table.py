"""`promopilot profile`'s segment table at 100 columns: names and headers whole."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from promopilot.cli.profile import segment_table

# the UCI sample's segments (profile of the committed fixture), one with a large shop's counts
SEGMENTS = pd.DataFrame(
    {
        "segment": [
            "lapsed full-price buyers",
            "recently active bargain hunters",
            "customers who have not bought",
            "steady regulars",
        ],
        "customers": [71, 54, 5, 12_345],
        "share": [0.24, 0.18, 0.02, 0.10],
        "recency_days": [264, 55, 301, 28],
        "frequency": [1.2, 1.4, 0.0, 3.0],
        "monetary": [230, 215, 0, 12_794],
        "churn_risk": [0.94, 0.76, 0.87, 0.53],
        "discount_sensitivity": [0.33, 0.70, 0.50, 0.56],
        "clv_12m": [39, 91, float("nan"), 1_179],
    }
)


def test_segment_names_and_headers_are_not_cut_at_100_columns():
    """At 100 columns Rich shared the width by the headers' lengths: the figures' columns were
    padded wide and the names cut mid-word, four lines a segment ('lapsed / full-pri… /
    buyers', 'discount sensitivi…'). Each figure's column is as wide as it needs; the names
    wrap at words in the rest."""
    console = Console(width=100, record=True)
    console.print(segment_table(SEGMENTS))
    text = console.export_text()
    assert "…" not in text
    assert "sensitivity" in text and "full-price" in text and "12,794" in text
    assert "recently active" in text and "bargain hunters" in text
    assert max(map(len, text.splitlines())) <= 100
    assert len(text.splitlines()) <= 4 + 5 + 2 * len(SEGMENTS)  # title, header, rule, rows


def test_the_notes_say_how_to_read_them(tmp_path):
    """'purchase_propensity_30d: model AUC 0.619 vs baseline (days_since_last_event) 0.678:
    baseline wins' (the UCI sample) said neither what a baseline is nor what the column holds
    now; one line above the notes says it."""
    from promopilot.cli.profile import note_lines

    notes = [
        "purchase_propensity_30d: model AUC 0.619 vs baseline (days_since_last_event) 0.678: "
        "baseline wins",
        "browse_trend: no browsing events: 1 (steady)",
    ]
    lines = note_lines(notes, tmp_path / "customers.csv")
    assert lines[0].startswith(f"notes on the columns of {tmp_path / 'customers.csv'}: ")
    assert (
        "against one simple column (its baseline) and holds whichever predicted better"
        in (lines[0])
    )
    assert lines[1:] == [f"note: {note}" for note in notes]
    assert note_lines([], tmp_path / "customers.csv") == []


def test_the_table_says_its_figures_are_means_beside_the_median_recency():
    """The table headed "median recency (days)" beside "orders", "spend", "churn risk", ...,
    means that the descriptions below (which compare medians of skewed figures) did not say
    were means: each header says which it is, and so does each segment's line at 80
    columns ("median recency 331 days, means: 0.4 orders, spend 69, ...")."""
    shown = segment_table(SEGMENTS)
    headers = [str(column.header) for column in shown.table.columns]
    assert headers[3:] == [
        "median recency (days)",
        "mean orders",
        "mean spend",
        "mean churn risk",
        "mean discount sensitivity",
        "mean 12-month CLV",
    ]
    narrow = Console(width=80, record=True)
    narrow.print(shown)
    lines = " ".join(narrow.export_text().split())
    assert "median recency 264 days, means: 1.2 orders, spend 230, churn risk 94%" in lines, lines

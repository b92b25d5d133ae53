"""`promopilot sentiment`'s lines count with separators and say why the lexicon was used."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from promopilot.cli import app


def test_counts_have_separators_and_no_rating_column_is_named(tmp_path):
    """The Chinese shopping reviews (62,774, a 0/1 label and no rating) printed "method:
    lexicon (only 0 rated reviews, fewer than --min-rated 200)" and "62774 rows of 'review':
    30829 positive, ...": there was no rating column to count from, and the counts lacked
    their separators."""
    source = tmp_path / "reviews.csv"
    texts = ["质量很好，非常满意"] * 1_100 + ["太差了，不会再买"] * 100
    pd.DataFrame({"cat": "书籍", "review": texts}).to_csv(source, index=False)
    result = CliRunner().invoke(
        app, ["sentiment", "--in", str(source), "--out", str(tmp_path / "scored.csv")]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "method: lexicon (no column of ratings to train on)" in text
    assert "1,200 rows of 'review': 1,100 positive, 0 neutral, 100 negative" in text
    assert "only 0" not in text


def test_too_few_ratings_are_counted(tmp_path):
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame({"text": ["质量很好，非常满意", "太差了，不会再买"], "rating": ["5", "1"]})
    frame.to_csv(source, index=False)
    result = CliRunner().invoke(
        app, ["sentiment", "--in", str(source), "--out", str(tmp_path / "scored.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "only 2 rated reviews, fewer than --min-rated 200" in " ".join(result.output.split())

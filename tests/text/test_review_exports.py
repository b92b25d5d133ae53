"""``promopilot sentiment --in`` on review exports as shop owners hand them over: star ratings
written as 5星 / 4 分 / 5 stars / ★★★☆☆, follow-up reviews (追评)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from promopilot.cli import app
from tests.text.test_sentiment import shop_frame

STARS = {1: "★☆☆☆☆", 2: "2星", 3: "3 分", 4: "4 stars", 5: "5星"}


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_cli_reads_ratings_written_as_stars_as_ingest_does(tmp_path, encoding) -> None:
    numeric = shop_frame(300, seed=8)
    starred = numeric.assign(rating=numeric["rating"].astype(int).map(STARS))
    runs = {}
    for name, frame in (("numeric", numeric), ("starred", starred)):
        source = tmp_path / f"{name}.csv"
        frame.to_csv(source, index=False, encoding=encoding)
        target = tmp_path / f"{name}-out.csv"
        args = ["sentiment", "--in", str(source), "--out", str(target), "--min-rated", "100"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "method: trained" in result.output
        runs[name] = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    # the stars train the same model as the numbers, and are written back as they were
    assert list(runs["starred"]["sentiment"]) == list(runs["numeric"]["sentiment"])
    assert list(runs["starred"]["rating"]) == list(starred["rating"])

"""`promopilot sentiment` on a reviews export with lines above its header (a report title, a
date range, a blank line), as back offices and Excel write them: the header is found among the
first six lines as ingest finds it, the lines above it are skipped with a note, and the output
holds the reviews only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from typer.testing import CliRunner

from promopilot.cli import app

REVIEWS = pd.DataFrame(
    {
        "评价内容": ["质量很好，非常满意", "太差了，不推荐", "还可以"],
        "评分": ["5星", "1星", "3星"],
    }
)


def run(source: Path, *more: str) -> tuple[str, pd.DataFrame]:
    target = source.with_name("scored.csv")
    result = CliRunner().invoke(
        app, ["sentiment", "--in", str(source), "--out", str(target), *more]
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # rich wraps long lines
    return output, pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")


def test_a_gbk_semicolon_export_below_a_title_and_a_date_range(tmp_path):
    source = tmp_path / "reviews.csv"
    body = REVIEWS.to_csv(index=False, sep=";")
    source.write_bytes(("评价报表;\n时间范围: 2025-11-01 至 2025-11-30;\n" + body).encode("gbk"))
    output, back = run(source)
    assert "reviews.csv: lines 1-2 skipped: 2 title lines above the header (line 3)" in output
    pd.testing.assert_frame_equal(back[list(REVIEWS.columns)], REVIEWS)
    assert list(back["label"])[:2] == ["positive", "negative"]


def test_a_workbook_with_a_title_row_and_a_blank_row(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Product reviews, November"])
    sheet.append([])
    sheet.append(["Review Text", "Rating"])
    sheet.append(["Great mug, love it", "5"])
    sheet.append(["Broke in a week, terrible", "1"])
    source = tmp_path / "reviews.xlsx"
    book.save(source)
    output, back = run(source)
    assert (
        "reviews.xlsx: lines 1-2 skipped: a title and a blank line above the header (line 3)"
        in (output)
    )
    assert list(back["Review Text"]) == ["Great mug, love it", "Broke in a week, terrible"]
    assert list(back["label"]) == ["positive", "negative"]


def test_a_named_text_column_below_a_title(tmp_path):
    source = tmp_path / "notes.csv"
    source.write_text("Export\n\nid,feedback\n1,very good\n2,awful\n", encoding="utf-8")
    output, back = run(source, "--text-column", "feedback")
    assert "lines 1-2 skipped: a title and a blank line above the header (line 3)" in output
    assert list(back["id"]) == ["1", "2"]

"""``promopilot sentiment --in`` on review exports as shop owners hand them over: star ratings
written as 5星 / 4 分 / 5 stars / ★★★☆☆, follow-up reviews (追评)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from promopilot.cli import app, main
from tests.text.test_sentiment import shop_frame

STARS = {1: "★☆☆☆☆", 2: "2星", 3: "3 分", 4: "4 stars", 5: "5星"}


CHINESE_STARS = {1: "一星", 2: "二颗星", 3: "三分", 4: "四星", 5: "五星"}


@pytest.mark.parametrize(
    ("encoding", "stars"),
    [("gbk", STARS), ("utf-8-sig", STARS), ("gbk", CHINESE_STARS), ("utf-8-sig", CHINESE_STARS)],
)
def test_cli_reads_ratings_written_as_stars_as_ingest_does(tmp_path, encoding, stars) -> None:
    numeric = shop_frame(300, seed=8)
    starred = numeric.assign(rating=numeric["rating"].astype(int).map(stars))
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


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_cli_scores_a_follow_up_review_as_the_later_opinion(tmp_path, encoding) -> None:
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame(
        {
            "评价内容": ["质量很好，非常满意", "质量很好，非常满意", "太差了"],
            "评分": ["5星", "5星", "1星"],
            "追评": ["已经坏了", "", ""],
            "追评时间": ["2026-11-20", "", ""],
        }
    )
    frame.to_csv(source, index=False, encoding=encoding)
    target = tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "follow-up reviews in '追评' scored with their reviews" in result.output
    back = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    # 5 stars, then "broke already" days later: the later opinion counts
    assert list(back["label"]) == ["negative", "positive", "negative"]
    # every input cell written back as it was read
    pd.testing.assert_frame_equal(back[list(frame.columns)], frame)


def test_cli_refuses_a_rating_that_is_a_word_naming_file_row_column_value(tmp_path, capsys):
    source = tmp_path / "reviews.csv"
    frame = pd.DataFrame({"评价内容": ["很好", "太差了", "一般"], "评分": ["5星", "", "好评"]})
    frame.to_csv(source, index=False, encoding="gbk")
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{source}: line 4, column 评分: '好评' is not a star rating" in err[0]
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_cli_names_the_file_line_of_a_bad_rating_below_titles_and_line_breaks(
    tmp_path, capsys, end
) -> None:
    # a title and a blank line above the header, a review holding two line breaks, a blank line
    # between rows: 好评 is on line 9 of the file, the 3rd row below the header
    lines = [
        "店铺评价导出",
        "",
        "评价内容,评分",
        "很好,5星",
        '"第一行',
        "第二行",
        '第三行",4',
        "",
        "一般,好评",
        "太差了,1星",
    ]
    source = tmp_path / "reviews.csv"
    source.write_bytes(end.join(lines).encode("utf-8") + end.encode())
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{source}: line 9, column 评分: '好评' is not a star rating" in err[0]


def test_cli_reads_lone_cr_line_ends_as_ingest_does(tmp_path) -> None:
    # an old Mac file (lines end in a lone CR) scores as the same file with LF ends: the same
    # rows, cells, trained model and labels; it was refused with the csv module's "new-line
    # character seen in unquoted field", naming no file
    frame = shop_frame(300, seed=8).assign(rating=lambda f: f["rating"].astype(int).map(STARS))
    frame.loc[3, "text"] = "质量很好，非常满意，会回购"
    body = frame.to_csv(index=False, lineterminator="\n")
    runs = {}
    for name, end in (("lf", "\n"), ("cr", "\r")):
        source = tmp_path / f"{name}.csv"
        source.write_bytes(body.replace("\n", end).encode("utf-8"))
        assert (b"\n" in source.read_bytes()) == (end == "\n")
        target = tmp_path / f"{name}-out.csv"
        args = ["sentiment", "--in", str(source), "--out", str(target), "--min-rated", "100"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "method: trained" in result.output
        runs[name] = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    assert len(runs["cr"]) == len(frame)
    pd.testing.assert_frame_equal(runs["cr"], runs["lf"])
    assert runs["cr"].loc[3, "text"] == "质量很好，非常满意，会回购"


def test_cli_refuses_a_header_the_csv_module_cannot_split_in_one_line(tmp_path, capsys) -> None:
    # a first line with a field over the csv module's size limit: a one-line error naming the
    # file and the line, exit 2 (it was a csv.Error, exit 1, naming no file)
    source = tmp_path / "reviews.csv"
    source.write_text("x" * 200_000 + ",评价内容\n1,很好\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{source}: line 1: not a readable CSV header (field larger than field limit" in err[0]
    assert not (tmp_path / "o.csv").exists()

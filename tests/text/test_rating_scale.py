"""Ratings on another scale than 1-5 stars: ``promopilot sentiment --rating-scale 1-10`` (and
``review_sentiment(rating_range=...)``) learns from them, its top quarter positive and its
bottom quarter negative; a file of ratings up to 10 or 100 read with the default 1-5 is refused
in one line naming the scale it looks like, rather than read wrongly."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from promopilot.cli import app, main
from promopilot.exceptions import InputError
from promopilot.text.labels import parse_rating_scale, scale_thresholds
from promopilot.text.sentiment import review_sentiment
from tests.text.test_sentiment import shop_frame

# 1-5 stars as a 1-10 and a 0-100 shop writes them: the same weak labels (8-10 and 75-100
# positive, 1-3 and 0-25 negative, the middle left out)
TEN = {1: 1, 2: 3, 3: 5, 4: 8, 5: 10}
HUNDRED = {1: 0, 2: 20, 3: 50, 4: 80, 5: 100}


def run(tmp_path, frame: pd.DataFrame, name: str, *extra: str):
    source = tmp_path / f"{name}.csv"
    frame.to_csv(source, index=False, encoding="utf-8")
    target = tmp_path / f"{name}-out.csv"
    args = ["sentiment", "--in", str(source), "--out", str(target), "--min-rated", "100"]
    result = CliRunner().invoke(app, [*args, *extra])
    return result, target


@pytest.mark.parametrize(("scale", "mapping"), [("1-10", TEN), ("0-100", HUNDRED)])
def test_a_rating_scale_trains_as_its_stars_would(tmp_path, scale, mapping) -> None:
    stars = shop_frame(300, seed=8)
    other = stars.assign(rating=stars["rating"].astype(int).map(mapping))
    base, base_out = run(tmp_path, stars, "stars")
    result, out = run(tmp_path, other, "other", "--rating-scale", scale)
    assert base.exit_code == 0 and result.exit_code == 0, result.output
    assert "method: trained" in result.output
    positive, _ = scale_thresholds(parse_rating_scale(scale))
    assert f"on the scale {scale}: {positive:g} and above are positive" in result.output
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    expected = pd.read_csv(base_out, dtype=str, keep_default_na=False)
    assert list(scored["sentiment"]) == list(expected["sentiment"])
    assert list(scored["rating"]) == [str(v) for v in other["rating"]]  # written back as read


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        (
            TEN,
            "line 2, column rating: 10 is not a star rating 1-5: the ratings run from 1 to 10, "
            "which looks like the scale 1-10; give it with sentiment --rating-scale 1-10",
        ),
        (
            HUNDRED,
            "line 2, column rating: 100 is not a star rating 1-5: the ratings run from 0 to "
            "100, which looks like the scale 0-100; give it with sentiment --rating-scale 0-100",
        ),
    ],
)
def test_a_file_of_another_scale_read_as_stars_says_so(tmp_path, capsys, mapping, said) -> None:
    frame = pd.DataFrame({"text": ["很好", "太差了", "一般"], "rating": [5, 1, 3]})
    frame["rating"] = frame["rating"].map(mapping)  # 10, 1, 5: 8 of 10 was read as no rating
    source = tmp_path / "reviews.csv"
    frame.to_csv(source, index=False)
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(err) == 1, err
    assert f"{source}: {said}" in " ".join(err[0].split())
    assert not (tmp_path / "o.csv").exists()


def test_a_rating_outside_the_given_scale_is_named(tmp_path, capsys) -> None:
    source = tmp_path / "reviews.csv"
    pd.DataFrame({"text": ["很好", "太差了"], "评分": ["9", "11"]}).to_csv(source, index=False)
    args = ["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")]
    with pytest.raises(SystemExit) as stop:
        main([*args, "--rating-scale", "1-10"])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(err) == 1, err
    assert "line 3, column 评分: '11' is not a rating: expected a number " in err[0]
    assert "1-10 on the scale 1-10" in " ".join(err[0].split())


@pytest.mark.parametrize("written", ["10", "10-1", "1-", "five", "5-5"])
def test_a_scale_that_is_no_scale_is_one_line(tmp_path, capsys, written) -> None:
    source = tmp_path / "reviews.csv"
    pd.DataFrame({"text": ["很好"], "rating": [5]}).to_csv(source, index=False)
    args = ["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")]
    with pytest.raises(SystemExit) as stop:
        main([*args, "--rating-scale", written])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(err) == 1, err
    assert f"--rating-scale is {written!r}: expected the lowest and highest rating" in err[0]


def test_parse_rating_scale_and_its_thresholds() -> None:
    assert parse_rating_scale("1-10") == (1.0, 10.0)
    assert parse_rating_scale(" 0 ~ 100 ") == (0.0, 100.0)
    assert parse_rating_scale("1 to 5") == (1.0, 5.0)
    assert scale_thresholds((1, 5)) == (4.0, 2.0)  # the 1-5 default, as before
    assert scale_thresholds((1, 10)) == (7.75, 3.25)


def test_review_sentiment_takes_a_rating_range() -> None:
    frame = shop_frame(300, seed=8)
    other = frame.assign(rating=frame["rating"].astype(int).map(TEN))
    stars = review_sentiment(frame, min_rated=100)
    ten = review_sentiment(other, min_rated=100, rating_range=(1, 10))
    assert ten.attrs["sentiment"]["n_trained"] == stars.attrs["sentiment"]["n_trained"]
    assert ten["sentiment"].tolist() == stars["sentiment"].tolist()
    with pytest.raises(InputError, match=r"numbers 1-5; found 8 \(another scale: set rating_r"):
        review_sentiment(other, min_rated=100)
    with pytest.raises(InputError, match=r"rating_range is \(10, 1\): expected two finite"):
        review_sentiment(other, rating_range=(10, 1))


def test_a_stars_file_with_one_typo_names_the_cell_not_a_scale(tmp_path, capsys) -> None:
    source = tmp_path / "reviews.csv"
    ratings = ["4"] * 10 + ["12"]  # 1 of 11 above 5: a typo, not a 1-100 scale
    pd.DataFrame({"text": ["很好"] * 11, "rating": ratings}).to_csv(source, index=False)
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(source), "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(err) == 1, err
    assert "line 12, column rating: '12' is not a star rating" in err[0]
    assert "looks like the scale" not in err[0]

"""A shop whose reviews are rated on another scale (1-10, 0-100): ingest takes the scale
(``--rating-scale``, ``[reviews] rating_scale``) and stores 1-5 stars; without it a column of
numbers up to 10 or 100 is refused naming the scale it looks like."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.exceptions import InputError

ORDERS = (
    "order_id,customer_id,product_id,quantity,unit_price,timestamp\n"
    "o1,c1,p1,1,10,2026-01-01\no2,c2,p2,1,12,2026-01-01\n"
)
REVIEWS = "review_id,customer_id,product_id,text,rating,timestamp\n"
TEN = (
    REVIEWS + "r1,c1,p1,great,10,2026-01-02\nr2,c2,p1,bad,1,2026-01-03\n"
    "r3,c2,p2,很好,8,2026-01-04\nr4,c1,p2,meh,,2026-01-05\n"
)


def shop(tmp_path: Path, reviews: str) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir(exist_ok=True)
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (folder / "reviews.csv").write_text(reviews, encoding="utf-8")
    return folder


def stored(store) -> dict[str, float | None]:
    rows = store.query("SELECT review_id, rating FROM reviews ORDER BY review_id")
    return {r.review_id: (None if r.rating != r.rating else r.rating) for r in rows.itertuples()}


def test_a_1_10_shop_is_refused_naming_the_scale_without_one(tmp_path, store, capsys):
    folder = shop(tmp_path, TEN)
    with pytest.raises(InputError) as refused:
        ingest(store, folder)
    message = str(refused.value)
    assert "reviews.csv: line 2, column rating: 10 is not a star rating 1-5" in message
    assert "--rating-scale 1-10" in message and 'rating_scale = "1-10"' in message
    assert store.scalar("SELECT count(*) FROM reviews") == 0  # no 8/10 quarantined, 1/10 kept
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(folder), "--db", str(tmp_path / "shop.duckdb")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "looks like the scale 1-10" in err[0]


def test_ingest_and_sentiment_word_another_scale_alike(tmp_path, store, capsys):
    folder = shop(tmp_path, TEN)
    with pytest.raises(InputError) as refused:
        ingest(store, folder)
    with pytest.raises(SystemExit) as stop:
        main(["sentiment", "--in", str(folder / "reviews.csv"), "--out", str(tmp_path / "o.csv")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    # the same cell, value, range and scale, in the same words; each names its own option
    same = (
        "line 2, column rating: 10 is not a star rating 1-5: the ratings run from 1 to 10, "
        "which looks like the scale 1-10; give it with "
    )
    ingest_said = str(refused.value)
    sentiment_said = " ".join(err[0].split())
    assert f"reviews.csv: {same}ingest --rating-scale 1-10 or [reviews]" in ingest_said
    assert f"reviews.csv: {same}sentiment --rating-scale 1-10" in sentiment_said


def test_a_0_100_column_is_named_as_such(tmp_path, store):
    folder = shop(tmp_path, REVIEWS + "r1,c1,p1,great,95,2026-01-02\nr2,c2,p1,bad,0,2026-01-03\n")
    with pytest.raises(InputError, match="looks like the scale 0-100"):
        ingest(store, folder)


@pytest.mark.parametrize(
    "cells, kept",
    [
        (("4", "120"), {"r1": 4.0}),  # above 100: no scale it looks like
        (("4", "8", "lots"), {"r1": 4.0}),  # not all numbers: bad rows, not another scale
        # a stars file's one typo is no scale: 1 of 11 ratings above 5 (under a tenth)
        (("12",) + ("4",) * 10, {f"r{i}": 4.0 for i in range(2, 12)}),
    ],
)
def test_off_scale_values_are_still_quarantined_row_by_row(tmp_path, store, cells, kept):
    rows = "".join(f"r{i},c1,p1,x,{v},2026-01-{i:02d}\n" for i, v in enumerate(cells, 1))
    report = ingest(store, shop(tmp_path, REVIEWS + rows))
    assert stored(store) == kept
    reviews_file = next(f for f in report.files if f.table == "reviews")
    assert reviews_file.n_quarantined == len(cells) - len(kept)


def test_1_to_5_stars_load_as_before(tmp_path, store):
    ingest(store, shop(tmp_path, REVIEWS + "r1,c1,p1,x,5星,2026-01-02\nr2,c2,p1,y,2,2026-01-03\n"))
    assert stored(store) == {"r1": 5.0, "r2": 2.0}


def test_the_option_stores_1_5_stars(tmp_path):
    db = tmp_path / "shop.duckdb"
    folder = shop(tmp_path, TEN)
    for _ in range(2):  # the same file again adds nothing
        with pytest.raises(SystemExit) as done:
            main(["ingest", str(folder), "--db", str(db), "--rating-scale", "1-10"])
        assert done.value.code == 0
    from promopilot.data.store import Store

    with Store(db) as store:
        ratings = stored(store)
    assert ratings == pytest.approx({"r1": 5.0, "r2": 1.0, "r3": 1 + 4 * 7 / 9, "r4": None})


def test_the_setting_stores_1_5_stars_and_quarantines_off_scale(tmp_path, store, monkeypatch):
    settings = tmp_path / "promopilot.toml"
    settings.write_text('[reviews]\nrating_scale = "0-100"\n', encoding="utf-8")
    monkeypatch.setenv("PROMOPILOT_CONFIG", str(settings))
    folder = shop(
        tmp_path,
        REVIEWS + "r1,c1,p1,x,100,2026-01-02\nr2,c2,p1,y,50,2026-01-03\n"
        "r3,c1,p2,z,101,2026-01-04\n",
    )
    report = ingest(store, folder)
    assert stored(store) == {"r1": 5.0, "r2": 3.0}
    reviews_file = next(f for f in report.files if f.table == "reviews")
    assert reviews_file.n_quarantined == 1
    assert any("between 0 and 100" in reason for reason in reviews_file.reasons)


def test_the_python_scale_wins_and_a_bad_one_is_refused(tmp_path, store):
    ingest(store, shop(tmp_path, TEN), rating_scale=(1, 10))
    assert stored(store)["r3"] == pytest.approx(1 + 4 * 7 / 9)
    with pytest.raises(InputError, match="rating_scale is"):
        ingest(store, tmp_path / "shop", rating_scale=(10, 1))


def test_a_bad_setting_or_option_is_one_line(tmp_path, monkeypatch, capsys):
    folder = shop(tmp_path, TEN)
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(folder), "--db", str(tmp_path / "a.duckdb"), "--rating-scale", "10"])
    assert stop.value.code == 2
    assert "--rating-scale is '10'" in capsys.readouterr().err
    settings = tmp_path / "promopilot.toml"
    settings.write_text('[reviews]\nrating_scale = "ten"\n', encoding="utf-8")
    monkeypatch.setenv("PROMOPILOT_CONFIG", str(settings))
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(folder), "--db", str(tmp_path / "b.duckdb")])
    assert stop.value.code == 2
    assert "setting reviews.rating_scale is 'ten'" in capsys.readouterr().err

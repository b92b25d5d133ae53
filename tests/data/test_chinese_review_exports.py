"""Chinese exports as shop owners hand them over: a 折扣 column of rates (0.9 = 10 % off) and
follow-up reviews (追评)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.exceptions import InputError

ORDERS = "订单号,下单时间,买家ID,商品编码,数量,单价,折扣\n"


def write(path: Path, text: str, encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_discount_column_of_rates_is_refused_in_one_line(tmp_path, store, encoding, capsys):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "A1,2026/11/11 20:15:03,tb_lily,TB1,1,199.00,1\n"
        "A2,2026/11/12 20:15:03,tb_bob,TB2,2,89.00,0.9\n"
        "A3,2026/11/13 20:15:03,tb_bob,TB1,1,199.00,0.85\n",
        encoding,
    )
    with pytest.raises(InputError) as refused:
        ingest(store, shop)
    message = str(refused.value)
    assert "orders.csv: line 3, column 折扣: 0.9 looks like a discount rate (10% off" in message
    assert "优惠金额" in message and "折扣率" in message
    assert store.scalar("SELECT count(*) FROM orders") == 0  # nothing half-loaded
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(shop), "--db", str(tmp_path / "shop.duckdb")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "column 折扣" in err[0]


def test_a_discount_column_of_money_off_still_loads(tmp_path, store):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "A1,2026/11/11 20:15:03,tb_lily,TB1,1,199.00,20\n"
        "A2,2026/11/12 20:15:03,tb_bob,TB2,2,89.00,0\n"
        "A3,2026/11/13 20:15:03,tb_bob,TB1,1,199.00,0.5\n",
        "gbk",
    )
    ingest(store, shop)
    discounts = store.table("orders").set_index("order_id")["discount"].to_dict()
    assert discounts == {"A1": 20.0, "A2": 0.0, "A3": 0.5}


@pytest.mark.parametrize(
    ("encoding", "followup", "time"),
    [("gbk", "追评", "追评时间"), ("utf-8-sig", "追评内容", None)],
)
def test_a_follow_up_review_is_kept_with_its_review(tmp_path, store, encoding, followup, time):
    header = f"评价ID,买家ID,商品编码,评价内容,评分,评价时间,{followup}" + (
        f",{time}" if time else ""
    )
    stamp = ",2026-11-20 10:00" if time else ""
    path = write(
        tmp_path / "reviews.csv",
        header + "\n"
        f"R1,u1,TB1,很好用，推荐,5星,2026-11-11 20:00,已经坏了{stamp}\n"
        f"R2,u2,TB1,质量不错,4,2026-11-12 20:00,{',' if time else ''}\n"
        f"R3,u3,TB2,,3,2026-11-13 20:00,后来发现还可以{stamp}\n",
        encoding,
    )
    report = ingest(store, path)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(3, 3, 0)]
    texts = store.table("reviews").set_index("review_id")["text"].to_dict()
    when = "2026-11-20 10:00 " if time else ""
    assert texts == {
        "R1": f"很好用，推荐 【追评】{when}已经坏了",
        "R2": "质量不错",  # no follow-up: the text as written
        "R3": f"【追评】{when}后来发现还可以",  # only a follow-up: nothing lost
    }
    ratings = store.table("reviews").set_index("review_id")["rating"].to_dict()
    assert ratings == {"R1": 5.0, "R2": 4.0, "R3": 3.0}  # the first opinion's rating


def test_a_later_export_with_the_follow_up_added_updates_the_stored_review(tmp_path, store):
    header = "评价ID,买家ID,商品编码,评价内容,评分,评价时间"
    first = "R1,u1,TB1,很好用,5,2026-11-11 20:00\nR2,u2,TB1,不错,4,2026-11-12 20:00\n"
    ingest(store, write(tmp_path / "week1" / "reviews.csv", header + "\n" + first, "gbk"))
    later = (
        "R1,u1,TB1,很好用,5,2026-11-11 20:00,已经坏了,2026-11-20 10:00\n"
        "R2,u2,TB1,改过的文字,4,2026-11-12 20:00,还行,2026-11-21 10:00\n"
    )
    path = write(tmp_path / "week2" / "reviews.csv", header + ",追评,追评时间\n" + later, "gbk")
    report = ingest(store, path)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(2, 1, 1)]
    texts = store.table("reviews").set_index("review_id")["text"].to_dict()
    # the follow-up added to the stored review; a review whose text changed is still a conflict
    assert texts == {"R1": "很好用 【追评】2026-11-20 10:00 已经坏了", "R2": "不错"}
    assert store.scalar("SELECT count(*) FROM reviews") == 2
    assert "conflicts with a stored row" in store.scalar("SELECT reason FROM quarantine")


REVIEWS = "评价ID,买家ID,商品编码,评价内容,评分,评价时间,追评,追评时间\n"


def test_a_later_export_with_another_follow_up_keeps_the_stored_one(tmp_path, store):
    week1 = write(
        tmp_path / "week1" / "reviews.csv",
        REVIEWS + "R1,u1,TB1,很好用,5,2026-11-11 20:00,已经坏了,2026-11-20 10:00\n"
        "R2,u2,TB1,不错,4,2026-11-12 20:00,,\n",
        "gbk",
    )
    ingest(store, week1)
    week2 = write(  # saved again with R1's follow-up edited, R2's rating changed
        tmp_path / "week2" / "reviews.csv",
        REVIEWS + "R1,u1,TB1,很好用,5,2026-11-11 20:00,其实还行,2026-11-25 09:00\n"
        "R2,u2,TB1,不错,2,2026-11-12 20:00,差评,2026-11-26 09:00\n"
        "R3,u3,TB1,一般,3,2026-11-13 20:00,,\n",  # a new review: the file loads something
        "gbk",
    )
    report = ingest(store, week2)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(3, 1, 2)]
    texts = store.table("reviews").set_index("review_id")["text"].to_dict()
    assert texts == {"R1": "很好用 【追评】2026-11-20 10:00 已经坏了", "R2": "不错", "R3": "一般"}
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist()[0] == [
        2,
        "text",
        "2026-11-25 09:00 其实还行",
    ]
    assert re.fullmatch(
        r"a different follow-up \(追评\) for review R1 is already stored \(since "
        r"\d{4}-\d\d-\d\d\): text is `2026-11-25 09:00 其实还行` in the file but "
        r"`2026-11-20 10:00 已经坏了` in the stored row; a review has one follow-up: the stored "
        r"one is kept",
        bad["reason"][0],
    )
    # R2: a follow-up added with its rating changed is a conflict, as before
    assert bad["reason"][1].startswith("conflicts with a stored row of the same key: text is")
    assert report.files[0].reasons == {
        "a different follow-up (追评) for a stored review: text differs from the stored row; a "
        "review has one follow-up: the stored one is kept": 1,
        "conflicts with a stored row of the same key: text differs from the stored row; "
        "history is never overwritten": 1,
    }
    again = ingest(store, week2)  # the same file again adds nothing
    assert [(f.n_new, f.n_quarantined) for f in again.files] == [(0, 2)]
    assert store.table("reviews").set_index("review_id")["text"].to_dict() == texts


def test_an_earlier_export_from_before_the_follow_up_adds_nothing(tmp_path, store):
    header = "评价ID,买家ID,商品编码,评价内容,评分,评价时间\n"
    early = write(
        tmp_path / "w1" / "reviews.csv", header + "R1,u1,TB1,很好用,5,2026-11-11\n", "gbk"
    )
    later = write(
        tmp_path / "w2" / "reviews.csv", REVIEWS + "R1,u1,TB1,很好用,5,2026-11-11,坏了,\n", "gbk"
    )
    ingest(store, early)
    ingest(store, later)  # the follow-up added to the stored review
    report = ingest(store, early)  # the earlier export read again: it was a conflict
    assert [(f.n_read, f.n_loaded, f.n_new, f.n_quarantined) for f in report.files] == [
        (1, 1, 0, 0)
    ]
    assert store.table("reviews")["text"].tolist() == ["很好用 【追评】坏了"]
    assert store.count("quarantine") == 0

"""Bad input through the real ingest: every row is loaded or quarantined with its file, line,
column, value and reason; files that cannot be read at all are one-line errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from tests.data.loads import load

ORDERS = "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
EVENTS = "timestamp,customer_id,product_id,event\n"
TS_REASON = "expected an ISO 8601 timestamp or date (e.g. 2026-08-28T14:03:00)"


# -- helpers ------------------------------------------------------------------------------
def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def quarantine(store: Store) -> pd.DataFrame:
    return store.query(
        'SELECT file, line, "column", value, reason, customer_id FROM quarantine ORDER BY line'
    )


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


# -- files that cannot be used at all -------------------------------------------------------
def test_missing_required_column_is_a_one_line_error(tmp_path, capsys):
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity\no1,2025-01-01,c1,p1,1\n",
    )
    code, _, err = cli(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv" in err and "unit_price" in err and "missing required column" in err


def test_missing_required_column_leaves_the_store_untouched(tmp_path, store):
    write(tmp_path / "shop" / "events.csv", EVENTS + "2025-01-01,c1,p1,view\n")
    write(tmp_path / "shop" / "orders.csv", "order_id,customer_id\no1,c1\n")
    with pytest.raises(InputError, match=r"orders\.csv.*timestamp"):
        ingest(store, tmp_path / "shop")
    # one transaction: the good events file before it was not kept either
    assert store.count("events") == 0 and store.count("ingests") == 0


def test_empty_file_is_a_one_line_error(tmp_path, capsys):
    path = write(tmp_path / "orders.csv", b"")
    code, _, err = cli(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv" in err and "empty" in err


def test_header_only_file_is_a_one_line_error(tmp_path, capsys, store):
    path = write(tmp_path / "orders.csv", ORDERS)
    with pytest.raises(InputError, match=r"orders\.csv: no rows"):
        ingest(store, path)
    assert store.count("orders") == 0 and store.count("quarantine") == 0
    code, _, err = cli(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and "orders.csv: no rows" in err and len(err.strip().splitlines()) == 1


# -- rows that are quarantined ---------------------------------------------------------------
def test_wrong_type_is_quarantined_and_good_rows_kept(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,2.50\n"
        "o2,2025-01-01,c1,p1,two,2.50\n"
        "o3,2025-01-02,c2,p2,3,1.00\n",
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 2, 1)
    assert sorted(store.table("orders")["order_id"]) == ["o1", "o3"]
    bad = quarantine(store)
    assert bad[["line", "column", "value", "reason"]].values.tolist() == [
        [3, "quantity", "two", "expected a number"]
    ]
    assert bad["file"].iloc[0] == str(path) and bad["customer_id"].iloc[0] == "c1"


@pytest.mark.parametrize(
    "stamp, reason",
    [
        ("yesterday", TS_REASON),
        ("2025-13-01", TS_REASON),
        ("2025-02-30", TS_REASON),  # impossible date
        ("2025-02-28T25:00:00", TS_REASON),  # impossible hour
        ("1900-01-01", "impossible timestamp: expected a date between 1970 and 2100"),
    ],
)
def test_bad_timestamp_is_quarantined(tmp_path, store, stamp, reason):
    path = write(
        tmp_path / "events.csv",
        EVENTS + f"2025-02-28,c1,p1,view\n{stamp},c1,p1,view\n2024-02-29,c1,p1,view\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (2, 1)
    assert quarantine(store)[["line", "column", "value", "reason"]].values.tolist() == [
        [3, "timestamp", stamp, reason]
    ]


def test_timestamps_with_zones_are_stored_in_utc(tmp_path):
    path = write(
        tmp_path / "events.csv",
        EVENTS + "2025-01-01T08:00:00+08:00,c1,p1,a\n"
        "2025-01-01 10:00:00 -0500,c1,p1,b\n2025-01-01T03:00:00Z,c1,p1,c\n"
        "2025-01-01 04:00,c1,p1,d\n2025-01-01,c1,p1,e\n",
    )
    with Store(":memory:") as utc:
        load(utc, path)
        got = utc.query("SELECT event, timestamp FROM events ORDER BY event")
    assert got["timestamp"].dt.strftime("%H:%M").tolist() == [
        "00:00",
        "15:00",
        "03:00",
        "04:00",
        "00:00",
    ]
    with Store(":memory:", timezone="Asia/Shanghai") as shanghai:  # naive = the shop's zone
        load(shanghai, path)
        got = shanghai.query(
            "SELECT event, strftime(timestamp, '%d %H:%M') AS t FROM events ORDER BY event"
        )
    assert got["t"].tolist() == ["01 00:00", "01 15:00", "01 03:00", "31 20:00", "31 16:00"]


def test_negative_quantity_or_price_is_quarantined(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,is_return\n"
        "o1,2025-01-01,c1,p1,-1,2.5,false\n"
        "o2,2025-01-01,c1,p1,1,-2.5,\n"
        "o3,2025-01-01,c1,p1,1,2.5,\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 2)
    assert quarantine(store)[["line", "column", "reason"]].values.tolist() == [
        [2, "quantity", "negative quantity on a line that is not a return"],
        [3, "unit_price", "negative unit_price: expected a value >= 0"],
    ]


def test_a_return_needs_a_negative_quantity(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,is_return\n"
        "r1,2025-01-02,c1,p1,-2,2.5,true\n"
        "r2,2025-01-02,c1,p1,2,2.5,true\n"
        "r3,2025-01-02,c1,p1,-2,-2.5,yes\n"
        "o1,2025-01-01,c1,p1,2,2.5,false\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (2, 2)
    stored = store.table("orders").set_index("order_id")
    assert stored.loc["r1", "quantity"] == -2 and stored.loc["r1", "is_return"]
    assert not stored.loc["o1", "is_return"]
    assert quarantine(store)[["line", "column", "reason"]].values.tolist() == [
        [3, "quantity", "a return line must have a negative quantity"],
        [4, "unit_price", "negative unit_price: expected a value >= 0"],  # price never < 0
    ]


def test_blank_required_value_is_quarantined(tmp_path, store):
    path = write(
        tmp_path / "events.csv",
        EVENTS + "2025-01-01,  ,p1,view\n2025-01-01,c1,p1,\n2025-01-01, c2 ,p1,view\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 2)
    assert quarantine(store)[["line", "column"]].values.tolist() == [
        [2, "customer_id"],
        [3, "event"],
    ]
    assert store.table("events")["customer_id"].tolist() == ["c2"]  # values are trimmed


def test_rows_with_too_many_or_too_few_fields_are_counted_once(tmp_path, store):
    path = write(
        tmp_path / "events.csv",
        EVENTS + "2025-01-01,c1\n"
        "2025-01-01,c1,p1,view\n"
        "2025-01-02,c1,p1,view,extra,more\n"
        "bad,c1,p1,view\n",
    )
    report = load(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (4, 1, 3)
    bad = quarantine(store)
    assert bad["line"].tolist() == [2, 4, 5]
    assert bad["reason"].str.startswith("malformed CSV row").tolist() == [True, True, False]
    assert bad["value"].tolist()[:2] == ["2025-01-01,c1", "2025-01-02,c1,p1,view,extra,more"]


# -- duplicates and conflicts ----------------------------------------------------------------
def test_duplicate_keys_within_a_file(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,2.5\n"
        "o1,2025-01-01,c1,p1,1,2.5\n"  # the same line again: harmless
        "o1,2025-01-01,c1,p1,5,2.1\n"  # the product again at another quantity and price: added
        "o1,2025-01-01,c1,p2,1,2.5\n"  # another line of the same order
        "o1,2025-01-01,c2,p2,1,2.5\n",  # same key, another customer: a conflict
    )
    report = load(store, path)
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_new, f.n_quarantined) == (5, 4, 2, 1)
    merged = "1 line repeating a product of their order with another quantity or price was added"
    assert any(merged in n for n in f.notes)  # one line, in its number
    lines = store.query("SELECT product_id, quantity, unit_price FROM orders ORDER BY 1")
    assert lines.values.tolist() == [["p1", 6.0, pytest.approx(13 / 6)], ["p2", 1.0, 2.5]]
    bad = quarantine(store)
    assert bad[["line", "column", "value", "reason"]].values.tolist() == [
        [
            6,
            "customer_id",
            "c2",
            "duplicate key (order_id, product_id) with other values than an earlier row of this "
            "file: customer_id is `c2` in this row but another customer in the earlier row; the "
            "first row was kept",
        ]
    ]
    # the same file again adds nothing: the merged line is a repeat of the stored one, and no
    # line is said to be added to it
    (again,) = load(store, path).files
    assert (again.n_new, again.n_quarantined, store.count("orders")) == (0, 1, 2)
    assert not any("repeating a product" in n for n in again.notes)


def test_lines_merged_are_counted_once_when_their_order_is_refunded(tmp_path, store):
    # a product twice in an order refunded in full: its return line is merged as its sale is,
    # and the note counts the one line of the file that was added, not the return line's too
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,退款状态\n"
        "A1,2026-11-11 20:15:03,u1,TB1,2,100,退款成功\n"
        "A1,2026-11-11 20:15:03,u1,TB1,1,90,退款成功\n"
        "A2,2026-11-12 09:00:00,u2,TB1,1,100,\n",
    )
    (f,) = load(store, path).files
    merged = "1 line repeating a product of their order with another quantity or price was added"
    assert any(merged in n for n in f.notes), f.notes
    lines = store.query("SELECT order_id, quantity FROM orders ORDER BY order_id")
    assert lines.values.tolist() == [["A1", 3], ["A1-refund", -3], ["A2", 1]]
    (again,) = load(store, path).files
    assert again.n_new == 0 and not any("repeating a product" in n for n in again.notes)


def test_duplicate_keys_against_the_store(tmp_path, store):
    load(
        store,
        write(
            tmp_path / "a" / "orders.csv",
            ORDERS + "o0,2025-01-01,c1,p1,1,2.5\no1,2025-01-01,c1,p1,1,2.5\n",
        ),
    )
    report = load(
        store,
        write(
            tmp_path / "b" / "orders.csv",
            ORDERS + "o0,2025-01-01,c1,p1,1,2.5\n"  # already stored: nothing new
            "o1,2025-01-01,c1,p1,9,2.5\n"  # history is never overwritten
            "o2,2025-01-03,c1,p1,1,2.5\n",
        ),
    )
    f = report.files[0]
    assert (f.n_loaded, f.n_new, f.n_quarantined) == (2, 1, 1)
    stored = store.table("orders").set_index("order_id")
    assert stored.loc["o1", "quantity"] == 1 and len(stored) == 3
    # the tester's report: the reason did not say which value conflicted
    assert quarantine(store)[["line", "column", "value", "reason"]].values.tolist() == [
        [
            3,
            "quantity",
            "9",
            "conflicts with a stored row of the same key: quantity is `9` in the file but `1` "
            "in the stored row; history is never overwritten",
        ]
    ]


def test_a_conflict_names_the_first_column_that_differs_and_the_summary_counts_by_column(
    tmp_path, store
):
    header = ORDERS.strip() + ",coupon_code\n"
    stored = ["o1,2025-01-01,c1,p1,1,2.5,A", "o2,2025-01-01,c1,p1,1,2.5,A"]
    load(store, write(tmp_path / "a" / "orders.csv", header + "\n".join(stored) + "\n"))
    rows = [
        "o1,2025-01-01,c1,p1,1,2.5,",  # a blank where the store holds A
        "o2,2025-01-01,c1,p1,3,2.5,B",  # quantity comes first: it is the one named
        "o3,2025-01-01,c1,p1,1,2.5,",  # new: a file of conflicts only is refused
    ]
    report = load(store, write(tmp_path / "b" / "orders.csv", header + "\n".join(rows) + "\n"))
    f = report.files[0]
    assert (f.n_read, f.n_quarantined) == (3, 2)
    got = quarantine(store)[["column", "value", "reason"]].values.tolist()
    assert [g[0] for g in got] == ["coupon_code", "quantity"]
    assert pd.isna(got[0][1]) and got[1][1] == "3"  # the value in the file
    assert [g[2].split(": ")[1].split(";")[0] for g in got] == [
        "coupon_code is empty in the file but `A` in the stored row",
        "quantity is `3` in the file but `1` in the stored row",
    ]
    assert f.reasons == {
        "conflicts with a stored row of the same key: coupon_code differs from the stored row; "
        "history is never overwritten": 1,
        "conflicts with a stored row of the same key: quantity differs from the stored row; "
        "history is never overwritten": 1,
    }
    # another customer's id is not written into this row's reason (forgetting that customer
    # would not delete this row)
    new = "o4,2025-01-01,c2,p1,1,2.5\n"
    load(store, write(tmp_path / "d" / "orders.csv", ORDERS + "o1,2025-01-01,c2,p1,1,2.5\n" + new))
    last = store.query("SELECT customer_id, reason FROM quarantine WHERE customer_id = 'c2'")
    assert (
        last["reason"]
        .iloc[0]
        .startswith(
            "conflicts with a stored row of the same key: customer_id is `c2` in the file but "
            "another customer in the stored row"
        )
    )
    assert "c1" not in last["reason"].iloc[0]


def test_reference_rows_are_updated_by_newer_files(tmp_path, store):
    load(store, write(tmp_path / "a" / "products.csv", "product_id,title,price\np1,Tea,10\n"))
    report = load(
        store, write(tmp_path / "b" / "products.csv", "product_id,title,price\np1,Green tea,12\n")
    )
    assert report.files[0].n_new == 1 and store.count("products") == 1
    assert store.table("products")["title"].tolist() == ["Green tea"]


def test_reingesting_the_same_folder_adds_nothing(tmp_path, store):
    shop = tmp_path / "shop"
    write(
        shop / "products.csv",
        "product_id,title,category,price\np1,Tea,drinks,10\np2,Cup,kitchen,5\n",
    )
    write(shop / "customers.csv", "customer_id,region,email\nc1,north,a@example.com\n")
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,10\no1,2025-01-01,c1,p2,2,5\no2,2025-01-02,c1,p1,x,10\n"
        "o3,2025-01-03,c1,p9,1,10\n",  # an unknown product: kept and flagged
    )
    write(shop / "events.csv", EVENTS + "2025-01-01,c1,p1,view\n2025-01-01,c1,p1,view\n")
    first = load(store, shop)
    tables = ("products", "customers", "contacts", "orders", "events", "quarantine", "flags")
    counts = {t: store.count(t) for t in tables}
    assert (counts["quarantine"], counts["flags"]) == (1, 1)
    second = load(store, shop)
    assert second.n_new == 0 and second.n_loaded == first.n_loaded
    assert {t: store.count(t) for t in tables} == counts
    # the bad and flagged rows are still reported for the new ingest, but not stored twice
    assert (second.n_quarantined, second.n_flagged) == (1, 1)


# -- references to unknown customers and products ---------------------------------------------
def test_unknown_product_or_customer_is_kept_and_flagged(tmp_path, store):
    shop = tmp_path / "shop"
    write(shop / "products.csv", "product_id,title\np1,Tea\n")
    write(shop / "customers.csv", "customer_id\nc1\n")
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,2\no2,2025-01-01,c9,p1,1,2\no3,2025-01-01,c1,p9,1,2\n",
    )
    report = load(store, shop)
    orders = next(f for f in report.files if f.table == "orders")
    assert (orders.n_loaded, orders.n_quarantined, orders.n_flagged) == (3, 0, 2)
    assert store.count("orders") == 3
    flags = store.query('SELECT line, "column", value, reason FROM flags ORDER BY line')
    assert flags.values.tolist() == [
        [3, "customer_id", "c9", "unknown customer: not in customers; row kept"],
        [4, "product_id", "p9", "unknown product: not in products; row kept"],
    ]


def test_no_reference_table_means_no_flags(tmp_path, store):
    report = load(store, write(tmp_path / "orders.csv", ORDERS + "o1,2025-01-01,c1,p1,1,2\n"))
    assert report.n_flagged == 0 and store.count("flags") == 0


# -- encodings, line endings, quoting -----------------------------------------------------------
def test_utf8_bom_is_not_part_of_the_first_column(tmp_path, store):
    path = write(
        tmp_path / "events.csv", "\ufeff" + EVENTS + "2025-01-01,c1,p1,view\nbad,c1,p1,view\n"
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 1)
    assert quarantine(store)[["line", "column"]].values.tolist() == [[3, "timestamp"]]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_spreadsheet_encodings_round_trip(tmp_path, store, encoding):
    titles = ["绿茶 500克", "乌龙茶，特级", "茶杯（白）"]
    if encoding == "gb18030":
        titles.append("𠮷野家 联名款")  # outside GBK: needs GB18030's four-byte codes
    rows = "".join(f'p{i},"{t}",饮料\n' for i, t in enumerate(titles))
    path = write(tmp_path / "products.csv", "product_id,title,category\n" + rows, encoding)
    write(
        tmp_path / "customers.csv",
        "customer_id,region,name\nc1,北京,张三\nc2,上海,李四\n",
        encoding,
    )
    load(store, path)
    load(store, tmp_path / "customers.csv")
    products = store.query("SELECT title, category FROM products ORDER BY product_id")
    assert products["title"].tolist() == titles and set(products["category"]) == {"饮料"}
    assert store.query("SELECT region FROM customers ORDER BY 1")["region"].tolist() == [
        "上海",
        "北京",
    ]
    assert sorted(store.query("SELECT name FROM contacts")["name"]) == ["张三", "李四"]


def test_text_in_an_unknown_encoding_is_a_one_line_error(tmp_path, store):
    path = write(tmp_path / "events.csv", EVENTS.encode() + b"2025-01-01,\xff\xfe\xfa,p1,view\n")
    with pytest.raises(InputError, match="unknown text encoding"):
        ingest(store, path)


@pytest.mark.parametrize(
    "endings",
    [
        ["\r\n", "\n", "\r", "\r\n", "\n", "\r"],  # mixed
        ["\n", "\r\n", "\n", "\r", "\r", "\n"],  # mixed, as many CRs as LFs
        ["\r\n"] * 6,  # Windows
        ["\r"] * 6,  # old Mac
    ],
)
def test_line_endings_give_the_right_line_numbers(tmp_path, store, endings):
    rows = [
        "timestamp,customer_id,product_id,event",
        "2025-01-01,c1,p1,view",
        "bad-1,c1,p1,view",
        "2025-01-02,c1,p1,view",
        "bad-2,c1,p1,view",
        "2025-01-03,c1,p1,view",
        "bad-3,c1,p1,view",
    ]
    text = "".join(row + end for row, end in zip(rows, [*endings, ""], strict=True))
    report = load(store, write(tmp_path / "events.csv", text))
    assert (report.n_loaded, report.n_quarantined) == (3, 3)
    assert quarantine(store)[["line", "value"]].values.tolist() == [
        [3, "bad-1"],
        [5, "bad-2"],
        [7, "bad-3"],
    ]
    assert store.query("SELECT event FROM events")["event"].tolist() == ["view"] * 3


def test_quoted_commas_and_line_breaks_keep_values_and_line_numbers(tmp_path, store):
    text = (
        "timestamp,customer_id,product_id,event,session_id\n"
        '2025-01-01,c1,p1,view,"a, b"\n'  # line 2
        '2025-01-02,c1,p1,view,"first\nsecond\n\nfourth"\n'  # lines 3-6
        "bad-1,c1,p1,view,s\n"  # line 7
        '2025-01-03,c1,"p,2",view,"x ""quoted"" y"\n'  # line 8
        "2025-01-04,c1\n"  # line 9: too few fields
        '2025-01-05,c1,p1,view,"one\r\ntwo"\n'  # lines 10-11
        "bad-2,c1,p1,view,s\n"
    )  # line 12
    report = load(store, write(tmp_path / "events.csv", text))
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (7, 4, 3)
    assert quarantine(store)[["line", "value"]].values.tolist() == [
        [7, "bad-1"],
        [9, "2025-01-04,c1"],
        [12, "bad-2"],
    ]
    events = store.query("SELECT product_id, session_id FROM events ORDER BY timestamp")
    assert events["session_id"].tolist() == [
        "a, b",
        "first\nsecond\n\nfourth",
        'x "quoted" y',
        "one\ntwo",
    ]
    assert events["product_id"].tolist() == ["p1", "p1", "p,2", "p1"]


# -- privacy ----------------------------------------------------------------------------------

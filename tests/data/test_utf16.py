"""Files Excel saves as "Unicode Text (*.txt)": UTF-16 LE with a BOM, tab-delimited, CRLF (and
the big-endian twin some Windows back offices write). They are read as their UTF-8 twins are,
Chinese text kept and rows named by the file's own lines; UTF-16 without its BOM is read where
its NUL bytes leave no doubt, and refused saying what it may be otherwise."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.hand_tables import read_hand_table
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.data.textfile import utf16_encoding
from promopilot.exceptions import InputError
from promopilot.text.csv_scoring import read_text_csv
from tests.data.loads import load
from tests.data.test_importers import SHOPIFY, UCI

ORDERS = [
    ["order_id", "timestamp", "customer_id", "product_id", "商品名称", "quantity", "unit_price"],
    ["o1", "2025-01-02 10:00:00", "c1", "p1", "绿茶 500克", "2", "10.5"],
    ["o1", "2025-01-02 10:00:00", "c1", "p2", "茶杯（白）, 一只", "1", "5"],  # 一 is U+4E00
    ["o2", "2025-01-03 11:00:00", "c2", "p3", '上海 "特级" 乌龙茶', "1", "20"],
    ["o3", "2025-01-04 12:00:00", "c3", "p1", "绿茶 500克", "3", "10.5"],
]


def tab_text(rows: list[list[str]]) -> str:
    """Rows as Excel writes Unicode Text: tab-delimited, quoted where needed, CRLF."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def unicode_text(path: Path, text: str, encoding: str = "utf-16-le") -> Path:
    """`text` in UTF-16 with its BOM, little-endian as Excel saves it or big-endian."""
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + text.encode(encoding))
    return path


def stored(store: Store) -> tuple[list, list]:
    orders = store.query("SELECT * EXCLUDE (ingest_id) FROM orders ORDER BY order_id, product_id")
    products = store.query("SELECT product_id, title FROM products ORDER BY product_id")
    return orders.to_dict("records"), products.to_dict("records")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_unicode_text_orders_file_stores_what_its_utf8_twin_does(tmp_path, encoding):
    text = tab_text(ORDERS)
    twin = tmp_path / "utf8" / "orders.txt"
    twin.parent.mkdir()
    twin.write_text(text, encoding="utf-8")
    path = unicode_text(tmp_path / "utf16" / "orders.txt", text, encoding)
    with Store(":memory:") as plain, Store(":memory:") as wide:
        first = load(plain, twin)
        report = load(wide, path.parent)  # as a shop folder's orders.txt
        assert (report.n_loaded, report.n_quarantined) == (first.n_loaded, 0) == (4, 0)
        assert stored(wide) == stored(plain)
        titles = [p["title"] for p in stored(wide)[1]]
        assert titles == ["绿茶 500克", "茶杯（白）, 一只", '上海 "特级" 乌龙茶']
        assert load(wide, path.parent).n_new == 0  # the same file again adds nothing
        assert wide.count("orders") == 4


def test_a_bad_row_in_a_unicode_text_file_is_named_by_its_file_line(tmp_path, store):
    rows = [*ORDERS[:3], [], ORDERS[3], ["o9", "yesterday", "c9", "p1", "绿茶", "1", "10.5"]]
    path = unicode_text(tmp_path / "orders.txt", "订单导出 2025\r\n" + tab_text(rows))
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (3, 1)
    bad = store.query('SELECT line, "column", value FROM quarantine')
    # title line 1, header line 2, rows 3-4, blank line 5, rows 6-7
    assert bad.values.tolist() == [[7, "timestamp", "yesterday"]]


def test_uci_and_shopify_exports_saved_as_unicode_text_are_read(tmp_path, store):
    uci = [line.split(",") for line in UCI.replace('"HAND WARMER, ', '"HAND WARMER ').splitlines()]
    report = load(store, unicode_text(tmp_path / "Online Retail.txt", tab_text(uci)))
    assert report.n_loaded > 0 and store.count("orders") == report.n_loaded
    shopify = list(csv.reader(io.StringIO(SHOPIFY)))
    report = load(store, unicode_text(tmp_path / "orders_export.txt", tab_text(shopify)))
    assert report.n_loaded > 0


ASCII_ORDERS = [[cell.encode("ascii", "replace").decode() for cell in row] for row in ORDERS]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("rows", [ORDERS, ASCII_ORDERS], ids=["chinese", "ascii"])
def test_utf16_without_its_bom_is_read_by_its_nul_bytes(tmp_path, capsys, encoding, rows):
    text = tab_text(rows)
    twin = tmp_path / "utf8" / "orders.txt"
    twin.parent.mkdir()
    twin.write_text(text, encoding="utf-8")
    path = tmp_path / "wide" / "orders.txt"
    path.parent.mkdir()
    path.write_bytes(text.encode(encoding))  # no BOM: it was refused as binary
    assert utf16_encoding(path.read_bytes()) == encoding
    db = tmp_path / "s.duckdb"
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(path.parent), "--db", str(db)])
    assert done.value.code == 0, capsys.readouterr().err
    with Store(db) as wide, Store(":memory:") as plain:
        load(plain, twin)
        assert stored(wide) == stored(plain) and wide.count("orders") == 4
        if rows is ORDERS:
            assert [p["title"] for p in stored(wide)[1]][:2] == ["绿茶 500克", "茶杯（白）, 一只"]
        assert load(wide, path.parent).n_new == 0  # the same file again adds nothing
        assert wide.count("orders") == 4


def test_chinese_text_full_of_yi_and_zui_is_still_little_endian():
    # 一 (U+4E00) and 最 (U+6700) put their NUL on the other side of the unit
    text = "review\r\n" + "一一最一最好，一定回购\r\n" * 50
    assert utf16_encoding(text.encode("utf-16-le")) == "utf-16-le"
    assert utf16_encoding(text.encode("utf-16-be")) == "utf-16-be"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (bytes(range(256)) * 4, "(binary content); expected CSV or Parquet"),
        (b"PK\x03\x04" + bytes(200) + b"orders.csv", "(binary content); expected CSV"),
        # a U+0000 among UTF-16 text: no text holds one, so its endianness is no proof
        ("order_id\tx\r\n1\t\x00\r\n2\t3\r\n".encode("utf-16-le"), "likely UTF-16 text"),
        # a UTF-8 file with a stray NUL byte
        (b"order_id,timestamp\n1,2025-01-02\x00\n" * 3, "(binary content)"),
    ],
)
def test_binary_or_doubtful_nul_bytes_are_still_refused(tmp_path, data, said):
    path = tmp_path / "orders.txt"
    path.write_bytes(data)
    assert utf16_encoding(data) is None
    with Store(":memory:") as store, pytest.raises(InputError) as caught:
        ingest(store, path)
    assert said in str(caught.value) and "orders.txt" in str(caught.value)


# a short review export, mostly Chinese (few ASCII characters, so few NULs), with one Taobao
# icon from the private use area: too odd for utf16_encoding to be sure (1 character in 34)
SHORT_CHINESE = "评价内容\t评分\r\n质量很好，一定回购\ue000\t5\r\n太差了，一般般\t1\r\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_short_chinese_utf16_without_its_bom_is_refused_saying_what_it_may_be(
    tmp_path, store, encoding
):
    data = SHORT_CHINESE.encode(encoding)
    assert utf16_encoding(data) is None  # doubtful: refused, not guessed
    path = tmp_path / "reviews.txt"
    path.write_bytes(data)
    may_be = "may be"
    with pytest.raises(InputError) as caught:
        ingest(store, path)
    said = str(caught.value)
    assert "reviews.txt: not a text table (binary content)" in said
    assert "fit UTF-16 text without its byte order mark (BOM)" in said and may_be in said
    assert "save it as UTF-8, or as UTF-16 with its BOM" in said
    with pytest.raises(InputError) as caught:
        read_text_csv(path)  # promopilot sentiment --in
    assert "fit UTF-16 text without its byte order mark" in str(caught.value)
    assert "save it as UTF-8, or as UTF-16 with its BOM" in str(caught.value)
    plan = tmp_path / "plan.csv"  # a plan (or policy) file the same
    plan.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_hand_table(plan, ("customer_id", "group"), what="plan", once="once")
    assert "fit UTF-16 text without its byte order mark" in str(caught.value)
    assert "save it as UTF-8, or as UTF-16 with its BOM" in str(caught.value)
    # binary content and UTF-8 text with a stray NUL get no such hint
    for other in (
        bytes(range(256)) * 4,
        b"PK\x03\x04" + bytes(200) + b"orders.csv",
        SHORT_CHINESE.replace("\r\n", "\n").encode("utf-8") + b"\x00\n",
        b"order_id,timestamp\n1,2025-01-02\x00\n" * 3,
    ):
        path.write_bytes(other)
        with pytest.raises(InputError) as caught:
            ingest(store, path)
        assert "UTF-16" not in str(caught.value)


def test_a_cut_utf16_file_is_a_one_line_error(tmp_path, store):
    path = unicode_text(tmp_path / "orders.txt", tab_text(ORDERS))
    path.write_bytes(path.read_bytes()[:-1])  # an odd byte count
    with pytest.raises(InputError, match=r"orders.txt: cannot read as UTF-16 text"):
        ingest(store, path)


def test_sentiment_reads_reviews_saved_as_unicode_text(tmp_path):
    reviews = [["review", "rating"], ["质量很好，一定回购", "5"], ["太差了", "1"]]
    path = unicode_text(tmp_path / "reviews.txt", tab_text(reviews))
    table, encoding = read_text_csv(path)
    assert encoding == "utf-16" and table.values.tolist() == reviews[1:]
    for encoding in ("utf-16-le", "utf-16-be"):  # without its BOM: told by its NUL bytes
        path.write_bytes(tab_text(reviews).encode(encoding))
        table, read_as = read_text_csv(path)
        assert read_as == encoding and table.values.tolist() == reviews[1:]
    path.write_bytes(tab_text(reviews).encode("utf-16-le").replace(b"5\x00", b"\x00\x00"))
    with pytest.raises(InputError, match=r"reviews.txt: not a text table \(binary content\)"):
        read_text_csv(path)  # a U+0000 in it: refused as before


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xff\xfe", "the file is empty (no header row)"),
        (b"\xff\xfe" + "\r\n  \r\n".encode("utf-16-le"), "holds only blank lines"),
        (b"\xfe\xff" + "\r\n\t\r\n".encode("utf-16-be"), "holds only blank lines"),
        # UTF-8's mark alone was read as a header "column0" and refused for missing columns
        (b"\xef\xbb\xbf", "the file is empty (no header row)"),
        (b"\xef\xbb\xbf\r\n \r\n", "holds only blank lines"),
        # UTF-32 LE starts with UTF-16 LE's mark: it was read as UTF-16 with NULs in every cell
        (b"\xff\xfe\x00\x00" + "order_id\n1\n".encode("utf-32-le"), "UTF-32 text is not read"),
        (b"\x00\x00\xfe\xff" + "order_id\n1\n".encode("utf-32-be"), "UTF-32 text is not read"),
    ],
)
def test_an_empty_file_with_a_bom_or_a_utf32_file_is_said_so(tmp_path, store, data, said):
    path = tmp_path / "orders.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=f"orders.txt: .*{re.escape(said)}"):
        ingest(store, path)

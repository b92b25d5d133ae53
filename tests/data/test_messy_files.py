"""Messy files a shop owner hands over: long lines, unclosed quotes, a header naming a column
twice, CRLF files with malformed rows, Windows-1252 text, two-digit years, a date format DuckDB
cannot read, files that are not tables at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError

HEADER = "order_id,timestamp,customer_id,product_id,quantity,unit_price"


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


def orders(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "orders.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_long_quoted_field_is_read(tmp_path, store):
    """A 3 MB note (over DuckDB's default line size) is a value like any other."""
    note = "x" * 3_000_000
    path = orders(
        tmp_path,
        f'{HEADER},note\no1,2026-08-28,c1,p1,1,1,ok\no2,2026-08-28,c1,p2,1,1,"{note}"\n'
        "o3,2026-08-28,c1,p3,1,1,ok\n",
    )
    report = ingest(store, path)
    assert (report.n_read, report.n_loaded) == (3, 3)


def test_an_unclosed_quote_names_its_line(tmp_path, store):
    path = orders(
        tmp_path,
        f'{HEADER}\no1,2026-08-28,c1,p1,1,1\no2,2026-08-28,c1,p2,1,"unclosed\n'
        "o3,2026-08-28,c1,p3,1,1\n",
    )
    with pytest.raises(InputError, match=r"orders.csv: line 3: a quoted field .* never closed"):
        ingest(store, path)
    assert store.scalar("SELECT count(*) FROM orders") == 0


def test_a_column_named_twice_is_refused(tmp_path, store):
    path = orders(tmp_path, f"{HEADER},unit_price\no1,2026-08-28,c1,p1,1,5,7\n")
    with pytest.raises(InputError, match="'unit_price' appears more than once"):
        ingest(store, path)


def test_an_unknown_column_named_twice_is_harmless(tmp_path, store):
    path = orders(tmp_path, f"{HEADER},note,note\no1,2026-08-28,c1,p1,1,5,a,b\n")
    assert ingest(store, path).n_loaded == 1


def test_crlf_file_lines_after_a_malformed_row(tmp_path, store):
    """DuckDB hands a CRLF file's rejected row over with the line break before it: that break
    must not shift the lines of every later row."""
    rows = [HEADER, "o0,2026-08-28,c1,p0,1,1", "o1,2026-08-28,c1,p1,1"]
    rows += ["o2,2026-08-28,c1,p2,1,x", "o3,2026-08-28,c1,p3,1,y"]
    ingest(store, orders(tmp_path, "\r\n".join(rows) + "\r\n"))
    got = store.query("SELECT line, value FROM quarantine ORDER BY line")
    assert got["line"].tolist() == [3, 4, 5]
    assert got["value"].tolist() == ["o1,2026-08-28,c1,p1,1", "x", "y"]


def test_windows_1252_text_is_not_read_as_gbk(tmp_path, store):
    text = (
        f"{HEADER}\no1,2026-08-28,Ren\xe9e,Cr\xe8me br\xfbl\xe9e,1,2.5\n"
        "o2,2026-08-28,c2,caf\xe9,1,2\n"
    )
    ingest(store, orders(tmp_path, text.encode("cp1252")))
    got = store.query("SELECT customer_id, product_id FROM orders ORDER BY order_id")
    assert got.values.tolist() == [["Renée", "Crème brûlée"], ["c2", "café"]]


def test_gbk_chinese_is_still_gbk(tmp_path, store):
    text = f"{HEADER}\no1,2026-08-28,张伟,红烧牛肉面,1,12.5\no2,2026-08-28,李娜,绿茶,2,3\n"
    ingest(store, orders(tmp_path, text.encode("gbk")))
    got = store.query("SELECT customer_id, product_id FROM orders ORDER BY order_id")
    assert got.values.tolist() == [["张伟", "红烧牛肉面"], ["李娜", "绿茶"]]


def test_two_digit_years_are_detected(tmp_path, store):
    path = orders(tmp_path, f"{HEADER}\no1,12/13/10 8:26,c1,p1,1,1\no2,12/14/10 9:00,c1,p2,1,1\n")
    assert ingest(store, path).n_loaded == 2
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d') AS d FROM orders ORDER BY d")
    assert got["d"].tolist() == ["2010-12-13", "2010-12-14"]


@pytest.mark.parametrize("fmt", ["%s", "%Q"])
def test_a_date_format_duckdb_cannot_read_is_one_clear_error(tmp_path, store, fmt):
    path = orders(tmp_path, f"{HEADER}\no1,1700000000,c1,p1,1,1\n")
    with pytest.raises(InputError, match="is not a strptime format DuckDB reads"):
        ingest(store, path, date_format=fmt)
    assert store.scalar("SELECT count(*) FROM orders") == 0  # the store is still usable


def test_files_that_are_not_tables(tmp_path, store):
    (tmp_path / "orders.json").write_text("[]")
    with pytest.raises(InputError, match=r"\.json files are not read"):
        ingest(store, tmp_path / "orders.json")
    blank = tmp_path / "blank" / "orders.csv"
    blank.parent.mkdir()
    blank.write_text("\n\n\n")
    with pytest.raises(InputError, match="only blank lines"):
        ingest(store, blank.parent)


def test_thousand_dots_in_a_file_of_decimal_commas(tmp_path, store):
    """`1.299` in a file that writes `39,90` is one thousand two hundred and ninety-nine."""
    text = (
        "Invoice;Date;Customer ID;SKU;Qty;Price\n"
        "A1;2026-08-28;c17;p204;2;39,90\nA2;2026-08-28;c17;p205;1;1.299\n"
        "A3;2026-08-28;c17;p206;1;1.299,00\nA4;2026-08-28;c17;p207;1.000;2,50\n"
    )
    ingest(store, orders(tmp_path, text))
    got = store.query("SELECT quantity, unit_price FROM orders ORDER BY order_id")
    assert got.values.tolist() == [[2, 39.9], [1, 1299], [1, 1299], [1000, 2.5]]


def test_three_decimals_in_a_file_of_decimal_points(tmp_path, store):
    text = f"{HEADER}\no1,2026-08-28,c1,p1,1,12.50\no2,2026-08-28,c1,p2,2,1.299\n"
    ingest(store, orders(tmp_path, text))
    got = store.query("SELECT unit_price FROM orders ORDER BY order_id")
    assert got["unit_price"].tolist() == [12.5, 1.299]


def test_two_digit_years_day_first(tmp_path, store):
    """DuckDB's own cast reads `01/12/10` as the year 10: it must not pass for ISO 8601."""
    path = orders(tmp_path, f"{HEADER}\no1,01/12/10 00:00,c1,p1,1,1\no2,13/12/10 09:00,c1,p2,1,1\n")
    assert ingest(store, path).n_loaded == 2
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d') AS d FROM orders ORDER BY d")
    assert got["d"].tolist() == ["2010-12-01", "2010-12-13"]


def test_two_digit_years_ambiguous_then_given(tmp_path, store):
    path = orders(tmp_path, f"{HEADER}\no1,12/1/10 8:26,c1,p1,1,1\no2,12/5/10 9:00,c1,p2,1,1\n")
    with pytest.raises(InputError, match="could be month-first or day-first"):
        ingest(store, path)
    assert ingest(store, path, date_format="%m/%d/%y %H:%M").n_loaded == 2
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d') AS d FROM orders ORDER BY d")
    assert got["d"].tolist() == ["2010-12-01", "2010-12-05"]


def test_a_date_format_without_a_directive_is_refused(tmp_path, store):
    path = orders(tmp_path, f"{HEADER}\no1,12/1/10 8:26,c1,p1,1,1\n")
    with pytest.raises(InputError, match=r"'garbage' .* is not a strptime format"):
        ingest(store, path, date_format="garbage")


def test_an_unknown_time_zone_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"timezone 'Mars/Base' .* is not a time zone name"):
        Store(tmp_path / "s.duckdb", timezone="Mars/Base")
    with Store(tmp_path / "t.duckdb", timezone="Asia/Shanghai") as ok:
        assert ok.timezone == "Asia/Shanghai"


def test_a_file_of_future_dates_is_not_sent_to_date_formats(tmp_path, store):
    path = orders(tmp_path, f"{HEADER}\no1,2099-01-01,c1,p1,1,1\n")
    with pytest.raises(InputError, match="in the future: is the file's clock") as refused:
        ingest(store, path)
    assert "--date-format" not in str(refused.value)


@pytest.mark.parametrize("twin", ["Customer ID", "CustomerID", "customer-id"])
def test_a_column_named_twice_in_two_spellings_is_refused(tmp_path, store, twin):
    path = orders(tmp_path, f"{HEADER},{twin}\no1,2026-08-28,c1,p1,1,5,c2\n")
    with pytest.raises(InputError, match=rf"columns 'customer_id' and '{twin}' both name"):
        ingest(store, path)

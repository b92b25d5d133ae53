"""Exports with lines above the header (a report title, a date range, a blank line), as Chinese
shop back offices and Excel reports write them: the header is found among the first six lines,
the lines above it are skipped with a note, and every row keeps its own line in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.exceptions import InputError
from tests.data.loads import load

HEADER = ["订单编号", "下单时间", "买家ID", "商品编码", "商品数量", "单价"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def quarantined(store) -> list[list]:
    rows = store.query('SELECT line, "column", value FROM quarantine ORDER BY line')
    return rows.values.tolist()


def test_a_title_a_date_range_and_a_blank_line_above_a_semicolon_header(tmp_path, store):
    path = write(
        tmp_path / "shop" / "orders.csv",
        "订单导出;;;;;\n"
        "时间范围: 2025-11-01 至 2025-11-30;;;;;\n"
        ";;;;;\n" + ";".join(HEADER) + "\n"
        "A1;2025-11-11 10:00;u1;TB1;1;5\n"
        "A2;2025-11-12 10:00;u1;TB1;x;5\n"  # line 6: a quantity that is no number
        "\n"
        'A3;2025-11-13 10:00;u2;TB2;2;"7\n"\n'  # lines 8-9: a quoted line break
        "A4;2025-11-14 10:00;u2;TB2;2\n"  # line 10: a field short
        "A5;2025-11-15 10:00;u2;TB1;1;abc\n",  # line 11
        "utf-8-sig",
    )
    report = load(store, path.parent)
    (file,) = report.files
    assert (file.n_read, file.n_loaded, file.n_quarantined) == (5, 2, 3)
    assert "lines 1-3 skipped: 2 title lines and a blank line above the header (line 4)" in (
        file.notes
    )
    assert sorted(store.table("orders")["order_id"]) == ["A1", "A3"]
    lines = [row[0] for row in quarantined(store)]
    assert lines == [6, 10, 11]
    assert quarantined(store)[2][1:] == ["unit_price", "abc"]
    again = load(store, path.parent)  # re-ingesting the same file adds nothing
    assert again.n_new == 0 and store.count("orders") == 2


def test_a_tab_separated_gbk_export_with_a_title_line(tmp_path, store, capsys):
    # the title has no tab: the delimiter is the header's, not the title's
    path = write(
        tmp_path / "shop" / "orders.txt",
        "淘宝订单报表 2025年11月\n" + "\t".join(HEADER) + "\n"
        "A1\t2025-11-11 10:00\tu1\tTB1\t1\t5\n"
        "A2\t2025-11-12 10:00\tu2\tTB1\t-2\t5\n",
        "gbk",
    )
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(path.parent), "--db", str(tmp_path / "shop.duckdb")])
    out = capsys.readouterr().out
    assert done.value.code in (0, None)
    assert "orders.txt: line 1 skipped: a title above the header (line 2)" in out
    report = load(store, path.parent)
    assert report.files[0].n_loaded == 2
    returns = store.table("orders").set_index("order_id")["is_return"]
    assert returns.to_dict() == {"A1": False, "A2": True}


def test_a_workbook_with_a_title_row_keeps_its_rows_line_numbers(tmp_path, store):
    book = Workbook()
    sheet = book.active
    sheet.append(["订单导出 2025-11-30"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["A1", "2025-11-11 10:00", "u1", "TB1", 1, 5])
    sheet.append([])  # an empty row: no row, and the next keeps its own line
    sheet.append(["A2", "2025-11-12 10:00", "u1", "TB1", "x", 5])  # row 6
    path = tmp_path / "shop" / "orders.xlsx"
    path.parent.mkdir()
    book.save(path)
    report = load(store, path.parent)
    (file,) = report.files
    assert (file.n_read, file.n_loaded, file.n_quarantined) == (2, 1, 1)
    assert "lines 1-2 skipped: a title and a blank line above the header (line 3)" in file.notes
    assert quarantined(store) == [[6, "quantity", "x"]]


def test_a_header_in_line_one_is_read_as_before_with_no_note(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        ",".join(HEADER) + "\nA1,2025-11-11 10:00,u1,TB1,1,5\nA2,2025-11-12 10:00,u1,TB1,x,5\n",
    )
    report = load(store, path)
    assert report.files[0].notes == []
    assert quarantined(store) == [[3, "quantity", "x"]]


def test_a_broken_file_below_a_title_is_named_by_its_own_line(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "订单导出,,,,,\n\n"
        + ",".join(HEADER)
        + '\nA1,2025-11-11 10:00,u1,TB1,1,5\nA2,"2025-11-12 10:00,u1,TB1,1,5\n',
    )
    with pytest.raises(InputError) as refused:
        ingest(store, path)
    assert "line 5: a quoted field opened here is never closed" in str(refused.value)


def test_a_data_line_is_never_taken_for_the_header(tmp_path, store):
    # the first line is the header but lacks a required column: refused, not searched below
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品编码,商品数量\nA1,2025-11-11 10:00,u1,TB1,1\n",
    )
    with pytest.raises(InputError, match="missing required column"):
        ingest(store, path)

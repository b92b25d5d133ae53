"""Input a user actually has: delimiters, spreadsheet dates, Excel, column synonyms, files that
load nothing, offers of value 0, postage and fee lines, returns in the summary."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.lines import PRODUCT_ORDERS_VIEW, product_order_lines
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary
from promopilot.exceptions import InputError

HEADER = ["order_id", "timestamp", "customer_id", "product_id", "quantity", "unit_price"]
ROWS = [
    ["o1", "2025-01-02 10:00:00", "c1", "p1", "2", "2.50"],
    ["o2", "2025-01-03 11:00:00", "c2", "p2", "1", "4.00"],
]


def write(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(tmp_path, store, delimiter):
    rows = [
        HEADER,
        *ROWS,
        ["o3", "2025-01-04", "c1", "p3", "1", "1.5"],
    ]
    report = ingest(store, write(tmp_path / "orders.csv", rows, delimiter))
    assert (report.n_read, report.n_loaded) == (3, 3)
    assert store.table("orders")["order_id"].tolist() == ["o1", "o2", "o3"]


def test_month_first_dates_are_detected_from_the_values(tmp_path, store):
    rows = [
        HEADER,
        ["o1", "12/1/2010 8:26", "c1", "p1", "1", "2"],
        ["o2", "12/13/2010 9:05", "c1", "p1", "1", "2"],
    ]
    ingest(store, write(tmp_path / "orders.csv", rows))
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d %H:%M') t FROM orders ORDER BY 1")
    assert got["t"].tolist() == ["2010-12-01 08:26", "2010-12-13 09:05"]


def test_day_first_dates_are_detected_from_the_values(tmp_path, store):
    rows = [
        HEADER,
        ["o1", "25/12/2024", "c1", "p1", "1", "2"],
        ["o2", "03/01/2025", "c1", "p1", "1", "2"],
    ]
    ingest(store, write(tmp_path / "orders.csv", rows))
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d') t FROM orders ORDER BY 1")
    assert got["t"].tolist() == ["2024-12-25", "2025-01-03"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("November 28, 2025 10:00", "December 3, 2025 16:20"),  # WooCommerce's export plugin
        ("Nov 28, 2025", "Dec 3, 2025"),
        ("Nov 28, 2025 10:00 AM", "Dec 3, 2025 4:20 PM"),
        ("28-NOV-25", "03-DEC-25"),
    ],
)
def test_dates_with_month_names_are_detected_from_the_values(tmp_path, store, first, second):
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as f:  # the comma in a date is quoted
        csv.writer(f).writerows(
            [HEADER, ["o1", first, "c1", "p1", "1", "2"], ["o2", second, "c1", "p1", "1", "2"]]
        )
    report = ingest(store, path)
    assert (report.n_read, report.n_loaded) == (2, 2)
    got = store.query("SELECT strftime(timestamp, '%Y-%m-%d') t FROM orders ORDER BY 1")
    assert got["t"].tolist() == ["2025-11-28", "2025-12-03"]


def test_ambiguous_dates_are_refused_unless_a_format_is_given(tmp_path, capsys):
    rows = [
        HEADER,
        ["o1", "12/1/2010 8:26", "c1", "p1", "1", "2"],
        ["o2", "1/2/2011 9:00", "c1", "p1", "1", "2"],
    ]
    path = write(tmp_path / "shop" / "orders.csv", rows)
    db = str(tmp_path / "s.duckdb")
    code, _, err = cli(["ingest", str(path.parent), "--db", db], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "orders.csv" in err and "--date-format '%m/%d/%Y %H:%M'" in err and "day-first" in err
    code, _, err = cli(
        ["ingest", str(path.parent), "--db", db, "--date-format", "%d/%m/%Y %H:%M"], capsys
    )
    assert code == 0, err
    with Store(db) as s:
        got = s.query("SELECT strftime(timestamp, '%Y-%m-%d') t FROM orders ORDER BY 1")
    assert got["t"].tolist() == ["2010-01-12", "2011-02-01"]


def test_date_format_setting_comes_from_the_environment(tmp_path, store, monkeypatch):
    rows = [HEADER, ["o1", "1/2/2011", "c1", "p1", "1", "2"]]
    monkeypatch.setenv("PROMOPILOT_DATE_FORMAT", "%m/%d/%Y")
    ingest(store, write(tmp_path / "orders.csv", rows))
    assert str(store.scalar("SELECT timestamp FROM orders"))[:10] == "2011-01-02"


def test_a_file_whose_every_row_is_rejected_is_an_error_and_the_rest_loads(tmp_path, capsys):
    folder = tmp_path / "shop"
    write(folder / "products.csv", [["product_id", "title"], ["p1", "mug"]])
    write(folder / "orders.csv", [HEADER, ["o1", "yesterday", "c1", "p1", "1", "2"]])
    db = tmp_path / "s.duckdb"
    code, out, err = cli(["ingest", str(folder), "--db", str(db)], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "orders.csv: all 1 row rejected" in err and "`yesterday`" in err
    assert "--date-format" in err and "the other 1 file was loaded" in err
    assert "products.csv" in out  # what was loaded is still reported
    with Store(db) as s:  # nothing of the refused file, the rest of the folder loaded
        assert s.count("orders") == 0 and s.count("quarantine") == 0
        assert s.count("products") == 1


def test_the_ingest_table_shows_the_rows_read_of_a_refused_file(tmp_path, capsys):
    folder = tmp_path / "shop"
    write(folder / "products.csv", [["product_id", "title"], ["p1", "mug"]])
    bad = [["o1", "yesterday", "c1", "p1", "1", "2"], ["o2", "today", "c1", "p1", "1", "2"]]
    write(folder / "orders.csv", [HEADER, *bad])
    code, out, err = cli(["ingest", str(folder), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and "orders.csv: all 2 rows rejected" in err
    row = next(line for line in out.splitlines() if "orders.csv" in line)
    cells = [c.strip() for c in row.replace("┃", "│").split("│") if c.strip()]
    # read, loaded, new, quarantined, flagged: loaded + quarantined = read
    assert cells[1:] == ["orders", "2", "0", "0", "2", "0"]
    total = next(line for line in out.splitlines() if "total" in line)
    assert [c.strip() for c in total.split("│") if c.strip()][1:] == ["3", "1", "1", "2", "0"]


def test_excel_workbook_is_read(tmp_path, store):
    frame = pd.DataFrame(
        {
            "InvoiceNo": ["o1", "o2"],
            "StockCode": ["p1", "p2"],
            "Quantity": [2, 1],
            "InvoiceDate": pd.to_datetime(["2010-12-01 08:26", "2010-12-02 09:00"]),
            "UnitPrice": [2.5, 4.0],
            "CustomerID": [17850, 13047],
        }
    )
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    report = ingest(store, tmp_path / "orders.xlsx")
    assert report.n_loaded == 2
    got = store.table("orders").sort_values("order_id")
    assert got["customer_id"].tolist() == ["17850", "13047"]
    assert str(got["timestamp"].iloc[0]) == "2010-12-01 08:26:00"


def test_a_blank_excel_row_is_not_a_row_read(tmp_path, store):
    """Tester's report: an empty row of a workbook was counted as read (and quarantined for a
    missing order_id); a blank row is no data row, as an empty CSV line is none."""
    frame = pd.DataFrame(
        [
            ROWS[0],
            [None] * 6,
            ["", " ", None, "", None, ""],
            ROWS[1],
            ["o3", None, "c1", "p1", "1", "2"],
        ]
    )
    frame.columns = HEADER
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    report = ingest(store, tmp_path / "orders.xlsx")
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 2, 1)
    got = store.query('SELECT line, "column" FROM quarantine')
    assert got.values.tolist() == [[6, "timestamp"]]  # the rows after the blanks keep their line


@pytest.mark.parametrize("blank", ["", ",,,,,", "  ", ", ,,, ,"])
def test_a_blank_csv_line_is_not_a_row_read_and_later_lines_stay_right(tmp_path, store, blank):
    """An empty line, a spreadsheet's blank row saved as CSV (`,,,,,`) and a line of spaces
    are all no row; the lines of the rows after them are still the file's."""
    rows = [",".join(HEADER), ",".join(ROWS[0]), blank, blank, "o3,2025-01-04,c1,p1,1,x"]
    (tmp_path / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ingest(store, tmp_path / "orders.csv")
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (2, 1, 1)
    got = store.query('SELECT line, "column", value FROM quarantine')
    assert got.values.tolist() == [[5, "unit_price", "x"]]


def test_old_excel_is_refused_by_name(tmp_path, store):
    (tmp_path / "orders.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"orders.xls: an old Excel .xls workbook .* as CSV"):
        ingest(store, tmp_path / "orders.xls")


def test_column_synonyms_and_a_clear_list_of_what_is_missing(tmp_path, store):
    rows = [
        ["Order Number", "Date", "User_ID", "SKU", "Qty", "Price"],
        ["o1", "2025-01-02", "c1", "p1", "2", "3"],
    ]
    assert ingest(store, write(tmp_path / "orders.csv", rows)).n_loaded == 1
    assert store.table("orders")[["customer_id", "quantity", "unit_price"]].values.tolist() == [
        ["c1", 2.0, 3.0]
    ]
    bad = [["order_id", "when", "customer_id", "product_id"], ["o1", "2025-01-02", "c1", "p1"]]
    with pytest.raises(InputError) as error:
        ingest(store, write(tmp_path / "b" / "orders.csv", bad))
    text = str(error.value)
    assert "missing required columns timestamp, quantity, unit_price" in text
    assert "expected order_id, timestamp, customer_id, product_id, quantity, unit_price" in text
    assert "found: order_id, when, customer_id, product_id" in text


def test_an_offer_of_value_0_is_a_plain_message_and_is_kept(tmp_path, store):
    write(
        tmp_path / "offers.csv",
        [["offer_id", "kind", "value"], ["msg", "percent_off", "0"], ["big", "percent_off", "1.5"]],
    )
    report = ingest(store, tmp_path / "offers.csv")
    assert (report.n_loaded, report.n_quarantined) == (1, 1)
    assert store.table("offers")["offer_id"].tolist() == ["msg"]


def test_postage_and_fee_lines_are_not_products(tmp_path, store):
    folder = tmp_path / "shop"
    write(
        folder / "products.csv",
        [
            ["product_id", "title", "category", "is_product"],
            ["p1", "Coffee mug", "kitchen", ""],
            ["p2", "Shipping fee", "", ""],
            ["p3", "Manual coffee grinder", "kitchen", ""],
            ["p4", "运费", "", ""],
            ["p5", "gift", "", "false"],
            ["POST", "", "", ""],
        ],
    )
    write(
        folder / "orders.csv",
        [
            HEADER,
            ["o1", "2025-01-02", "c1", "p1", "2", "5"],
            ["o1", "2025-01-02", "c1", "p2", "1", "3"],
            ["o2", "2025-01-03", "c1", "DOT", "1", "7"],
        ],
    )
    ingest(store, folder)
    flags = store.query("SELECT product_id, is_product FROM products ORDER BY 1")
    assert dict(flags.values.tolist()) == {
        "POST": False,
        "p1": True,
        "p2": False,
        "p3": True,
        "p4": False,
        "p5": False,
    }
    lines = store.query(f"SELECT order_id, product_id FROM {PRODUCT_ORDERS_VIEW}")
    assert lines.values.tolist() == [["o1", "p1"]]  # DOT is unknown but a UCI fee code
    summary = shop_summary(store)
    assert summary.n_products == 2 and summary.n_non_products == 4
    assert (summary.product_revenue, summary.non_product_revenue) == (10.0, 10.0)


def test_summary_nets_returns(tmp_path, store):
    rows = [
        HEADER,
        ["o1", "2025-01-02", "c1", "p1", "4", "2.5"],
        ["o2", "2025-01-03", "c2", "p1", "1", "2.5"],
        ["r1", "2025-01-05", "c1", "p1", "-3", "2.5"],  # no is_return column: a return
    ]
    ingest(store, write(tmp_path / "orders.csv", rows))
    assert store.query("SELECT order_id FROM orders WHERE is_return")["order_id"].tolist() == ["r1"]
    s = shop_summary(store)
    assert (s.gross_revenue, s.returns, s.revenue, s.n_return_lines) == (12.5, 7.5, 5.0, 1)
    assert s.n_orders == 2 and s.top_categories["revenue"].tolist() == [5.0]


def test_an_online_retail_workbook_is_recognised(tmp_path, store):
    frame = pd.DataFrame(
        {
            "InvoiceNo": ["536365", "C536379", "536380"],
            "StockCode": ["85123A", "85123A", "POST"],
            "Description": ["WHITE HANGING HEART", "WHITE HANGING HEART", "POSTAGE"],
            "Quantity": [6, -2, 1],
            "InvoiceDate": pd.to_datetime(
                ["2010-12-01 08:26", "2010-12-01 09:41", "2010-12-01 09:45"]
            ),
            "UnitPrice": [2.55, 2.55, 18.0],
            "CustomerID": [17850.0, 17850.0, None],
            "Country": ["United Kingdom"] * 3,
        }
    )
    frame.to_excel(tmp_path / "Online Retail.xlsx", index=False)
    report = ingest(store, tmp_path / "Online Retail.xlsx")
    assert report.files[0].format == "uci"
    assert (report.n_loaded, report.n_quarantined) == (2, 1)  # the guest line is quarantined
    assert store.table("orders")["customer_id"].tolist() == ["17850", "17850"]
    s = shop_summary(store)
    assert (s.gross_revenue, s.returns, s.revenue) == pytest.approx((15.3, 5.1, 10.2))


def test_product_order_lines_leave_postage_out_and_keep_returns(tmp_path, store):
    rows = [
        HEADER,
        ["o1", "2025-01-02", "c1", "p1", "2", "5"],
        ["o1", "2025-01-02", "c1", "POST", "1", "3"],
        ["r1", "2025-01-04", "c1", "p1", "-1", "5"],
    ]
    ingest(store, write(tmp_path / "orders.csv", rows))
    lines = product_order_lines(store, ["order_id", "product_id", "is_return"])
    assert lines.values.tolist() == [["o1", "p1", False], ["r1", "p1", True]]


def test_a_folder_whose_data_sit_one_level_down_is_read(tmp_path):
    inner = tmp_path / "download" / "by-day"
    inner.mkdir(parents=True)
    (tmp_path / "download" / "PROVENANCE.md").write_text("where it came from\n")
    (inner / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\no1,2026-01-02,c1,p1,1,9.5\n"
    )
    with Store(":memory:") as store:
        report = ingest(store, tmp_path / "download")
        assert report.n_loaded == 1 and store.count("orders") == 1


def test_decimal_commas_are_read_and_an_ambiguous_thousand_is_quarantined(tmp_path, store):
    rows = [
        HEADER,
        ["o1", "2025-01-02", "c1", "p1", "2", "2,50"],
        ["o2", "2025-01-03", "c2", "p2", "1", "1.234,56"],
        ["o3", "2025-01-04", "c1", "p3", "1", '"1,234.50"'],
        ["o4", "2025-01-05", "c2", "p1", "1", "1,234"],  # a thousand, or 1.234?
    ]
    report = ingest(store, write(tmp_path / "orders.csv", rows, ";"))
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (4, 3, 1)
    got = store.query("SELECT order_id, unit_price FROM orders ORDER BY order_id")
    assert got["unit_price"].tolist() == [2.5, 1234.56, 1234.5]
    bad = store.query("SELECT reason FROM quarantine")
    assert bad["reason"].str.contains("expected a number").all()

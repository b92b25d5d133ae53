"""Importers of the CDNOW and Hillstrom layouts, on tiny files written here (the public files
themselves are research material and never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError

# customer id, sample customer id, date, CDs, dollars: runs of spaces and tabs, no header
CDNOW = (
    " 00004 0001 19970101  2\t  29.33\n"
    " 00004 0001 19970118  2   29.73\n"
    " 00004 0001 19970118  1   14.96\n"
    " 00018 0002 19970101  2   29.33\n"
    " 00021 0003 1997013x  3   63.34\n"
)
# the master file's layout has no sample id
CDNOW_MASTER = "00001 19970101 1 11.77\n00002 19970112 5 77.00\n"

HILLSTROM = (
    "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
    "conversion,spend\r\n"
    "10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\r\n"
    '6,"7) $1,000 +",1329.08,1,1,Rural,1,Web,No E-Mail,0,0,0\r\n'
    "7,2) $100 - $200,180.65,0,1,Surburban,1,Web,Womens E-Mail,1,1,48.5\r\n"
    "2,1) $0 - $100,45.34,1,0,Urban,0,Web,Mens E-Mail,1,0,0"  # no line break at the end
)


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_cdnow_lines_become_orders_with_file_lines_for_bad_ones(tmp_path, store):
    report = ingest(store, write(tmp_path / "CDNOW_sample.txt", CDNOW))
    assert [f.format for f in report.files] == ["cdnow"]
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (5, 4, 1)
    orders = store.query(
        "SELECT order_id, customer_id, product_id, quantity, unit_price, "
        "strftime(timestamp, '%Y-%m-%d') AS day FROM orders ORDER BY order_id"
    )
    assert orders["order_id"].tolist() == [
        "00004-19970101-1",
        "00004-19970118-1",
        "00004-19970118-2",  # two purchases on one day stay two orders
        "00018-19970101-1",
    ]
    assert orders["customer_id"].tolist() == ["00004"] * 3 + ["00018"]
    assert orders["day"].tolist()[:2] == ["1997-01-01", "1997-01-18"]
    assert orders["unit_price"].round(3).tolist() == [14.665, 14.865, 14.96, 14.665]
    assert set(orders["product_id"]) == {"cd"}
    bad = store.query('SELECT line, "column", value FROM quarantine')
    assert bad.to_dict("records") == [{"line": 5, "column": "timestamp", "value": "1997013x"}]
    assert store.count("customers") == 3  # derived, the one with a bad date included
    # re-ingesting adds nothing
    again = ingest(store, tmp_path / "CDNOW_sample.txt")
    assert again.n_new == 0 and store.count("orders") == 4


def test_cdnow_master_layout_and_folder_with_notes(tmp_path, store):
    folder = tmp_path / "cdnow"
    write(folder / "CDNOW_master.txt", CDNOW_MASTER)
    write(folder / "PROVENANCE.md", "# notes\n")
    report = ingest(store, folder)  # the folder's one data file is found and detected
    assert report.n_loaded == 2
    got = store.query("SELECT customer_id, quantity, unit_price FROM orders ORDER BY 1")
    assert got.values.tolist() == [["00001", 1.0, 11.77], ["00002", 5.0, 15.4]]


def test_hillstrom_holds_campaign_offers_customers_past_and_outcome_orders(tmp_path, store):
    report = ingest(store, write(tmp_path / "hillstrom.csv", HILLSTROM))
    assert {f.table for f in report.files} == {"customers", "campaigns", "orders"}
    assert report.n_quarantined == 0
    campaign = store.query(
        "SELECT customer_id, offer_id, propensity, strftime(sent_at, '%Y-%m-%d') AS sent "
        "FROM campaigns ORDER BY customer_id"
    )
    assert campaign["customer_id"].tolist() == ["h00001", "h00002", "h00003", "h00004"]
    # the control arm gets no offer; every arm was drawn with probability 1/3
    assert campaign["offer_id"].fillna("").tolist() == [
        "womens-email",
        "",
        "womens-email",
        "mens-email",
    ]
    assert campaign["propensity"].round(4).eq(0.3333).all()
    offers = store.query("SELECT offer_id, value, category FROM offers ORDER BY 1")
    assert offers.values.tolist() == [["mens-email", 0.0, "mens"], ["womens-email", 0.0, "womens"]]
    orders = store.query(
        "SELECT order_id, product_id, unit_price, strftime(timestamp, '%Y-%m-%d') AS day "
        "FROM orders ORDER BY order_id, product_id"
    )
    rows = {
        (r.order_id, r.product_id): (round(r.unit_price, 2), r.day) for r in orders.itertuples()
    }
    assert rows[("h00001-history", "mens")] == (142.44, "2007-05-01")  # 10 months before
    # a customer of both kinds: the year's spend split evenly over two lines
    assert rows[("h00002-history", "mens")] == (664.54, "2007-09-01")
    assert rows[("h00002-history", "womens")] == (664.54, "2007-09-01")
    # the converting customer's outcome, inside the two weeks after the e-mail
    assert rows[("h00003-outcome", "hillstrom-spend")] == (48.5, "2008-03-08")
    assert not any(o.endswith("-outcome") for o, _ in rows if o != "h00003-outcome")
    is_product = store.query("SELECT product_id, is_product FROM products ORDER BY 1")
    assert is_product.values.tolist() == [
        ["hillstrom-spend", False],  # counts in revenue, never recommended
        ["mens", True],
        ["womens", True],
    ]
    assert store.query("SELECT region FROM customers ORDER BY customer_id")["region"].tolist() == [
        "Surburban",
        "Rural",
        "Surburban",
        "Urban",
    ]
    again = ingest(store, tmp_path / "hillstrom.csv")
    assert again.n_new == 0 and store.count("offers") == 2


def test_hillstrom_without_the_arm_column_is_refused_by_name(tmp_path, store):
    text = HILLSTROM.replace(",segment,", ",arm,", 1)
    path = write(tmp_path / "hillstrom.csv", text)
    with pytest.raises(InputError, match=r"hillstrom\.csv: cannot tell"):
        ingest(store, path)
    with pytest.raises(InputError, match=r"missing column.*segment"):
        ingest(store, path, format="hillstrom")


def test_hillstrom_unknown_arm_is_quarantined_with_its_line(tmp_path, store):
    text = HILLSTROM.replace("No E-Mail", "SMS", 1)
    ingest(store, write(tmp_path / "hillstrom.csv", text))
    bad = store.query('SELECT "table", line, "column", value FROM quarantine')
    assert bad.to_dict("records") == [
        {"table": "campaigns", "line": 3, "column": "sent_at", "value": None}
    ]


def test_cdnow_below_a_title_and_a_blank_line_is_detected_and_keeps_file_lines(tmp_path, store):
    # a copy saved with a title above the purchases: found below it, the lines numbered as
    # in the file (the bad date is line 7), the two lines above skipped with a note
    path = write(tmp_path / "CDNOW_sample.txt", "CDNOW sample (1/10 of the customers)\n\n" + CDNOW)
    report = ingest(store, path)
    assert [f.format for f in report.files] == ["cdnow"]
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (5, 4, 1)
    bad = store.query('SELECT line, "column", value FROM quarantine')
    assert bad.to_dict("records") == [{"line": 7, "column": "timestamp", "value": "1997013x"}]
    assert store.count("customers") == 3
    notes = report.files[0].notes
    assert "lines 1-2 skipped: a title and a blank line above the first row (line 3)" in notes
    assert ingest(store, path).n_new == 0


def test_cdnow_damaged_first_purchase_below_a_title_is_quarantined_not_skipped(tmp_path, store):
    # a line that starts as a purchase is no title: quarantined with its line
    path = write(
        tmp_path / "cdnow.txt", "CDNOW master\n" + CDNOW.splitlines(True)[-1] + CDNOW_MASTER
    )
    report = ingest(store, path, format="cdnow")
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 2, 1)
    bad = store.query('SELECT line, "column" FROM quarantine')
    assert bad.values.tolist() == [[2, "timestamp"]]


@pytest.mark.parametrize("title", ["2024 10 report", "2024 10 20 sales report", "1997 12 CDNOW"])
def test_cdnow_title_that_starts_with_two_numbers_is_skipped_as_a_title(tmp_path, store, title):
    # it was taken for a damaged first purchase: quarantined, and auto-detection failed
    path = write(tmp_path / "cdnow.txt", f"{title}\n" + CDNOW)
    report = ingest(store, path)
    assert [f.format for f in report.files] == ["cdnow"]
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (5, 4, 1)
    bad = store.query('SELECT line, "column", value FROM quarantine')
    assert bad.to_dict("records") == [{"line": 6, "column": "timestamp", "value": "1997013x"}]
    assert "line 1 skipped: a title above the first row (line 2)" in report.files[0].notes


def test_cdnow_damaged_first_purchase_below_a_numbered_title_is_still_quarantined(tmp_path, store):
    # a missing amount, a bad date: one field each, so purchases, not titles
    damaged = "00003 19970105 2\n00021 0003 1997013x 3 63.34\n"
    path = write(tmp_path / "cdnow.txt", "2024 10 report\n\n" + damaged + CDNOW_MASTER)
    report = ingest(store, path, format="cdnow")
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (4, 2, 2)
    bad = store.query('SELECT line, "column" FROM quarantine ORDER BY line')
    assert bad["line"].tolist() == [3, 4]
    assert "lines 1-2 skipped: a title and a blank line above the first row (line 3)" in (
        report.files[0].notes
    )


def test_cdnow_fields_that_do_not_read_as_a_purchase():
    from promopilot.data.datasets import unread_fields

    assert unread_fields(" 00004 0001 19970101  2\t  29.33") == 0
    assert unread_fields("00001 19970101 1 11.77") == 0
    assert unread_fields("00021 0003 1997013x 3 63.34") == 1  # a bad date
    assert unread_fields("00001 19970101 1") == 1  # no amount
    assert unread_fields("2024 10 report") >= 2
    assert unread_fields("CDNOW sample (1/10 of the customers)") >= 2


def test_hillstrom_below_title_lines_is_detected_with_file_lines(tmp_path, store):
    text = "MineThatData E-Mail Analytics Challenge\n,,,,\n" + HILLSTROM.replace("No E-Mail", "SMS")
    report = ingest(store, write(tmp_path / "hillstrom.csv", text))
    assert {f.format for f in report.files} == {"hillstrom"}
    ids = store.query("SELECT customer_id FROM customers ORDER BY 1")["customer_id"].tolist()
    assert ids == ["h00001", "h00002", "h00003", "h00004"]
    bad = store.query('SELECT "table", line, "column" FROM quarantine')
    assert bad.to_dict("records") == [{"table": "campaigns", "line": 5, "column": "sent_at"}]
    notes = [n for f in report.files for n in f.notes if "skipped" in n]
    assert notes == ["lines 1-2 skipped: a title and a blank line above the header (line 3)"]
    assert store.count("orders") == 6

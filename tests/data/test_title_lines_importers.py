"""UCI Online Retail and Shopify exports with lines above the header (a report title, a date
range, a blank line, as Excel reports and Chinese back offices write them): format detection
and the importers find the header as shop-folder ingest does, skip the lines above it with a
note, and quarantine rows by their own line in the file."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from promopilot.data.import_steps import read_header
from promopilot.data.importers import detect_format
from tests.data.loads import load
from tests.data.test_importers import SHOPIFY, UCI, write
from tests.data.test_western_exports import CUSTOMERS_EXPORT, PRODUCTS_EXPORT


def quarantined(store) -> list[list]:
    return store.query('SELECT line, "column", value FROM quarantine ORDER BY line').values.tolist()


def test_a_semicolon_uci_file_below_a_title_and_a_blank_line(tmp_path, store):
    body = UCI.replace(",", ";").replace('"HAND WARMER; UNION JACK"', "HAND WARMER, UNION JACK")
    path = write(tmp_path / "retail.csv", "Online Retail 2010-12;;\n;;\n" + body)
    assert detect_format(path) == "uci"  # was "cannot tell which table this file holds"
    report = load(store, path)
    (f,) = report.files
    assert (f.format, f.n_read, f.n_loaded, f.n_quarantined) == ("uci", 5, 4, 1)
    assert "lines 1-2 skipped: a title and a blank line above the header (line 3)" in f.notes
    assert quarantined(store) == [[8, "customer_id", None]]  # line 6 of the table, 8 of the file
    assert sorted(set(store.table("orders")["customer_id"])) == ["13047", "17850"]
    assert store.count("products") == 3
    assert load(store, path).n_new == 0  # re-ingesting the same file adds nothing


def test_a_gbk_uci_export_with_a_chinese_title_in_a_folder(tmp_path, store):
    folder = tmp_path / "retail"
    write(folder / "2010-12.csv", "在线零售 订单报表 2010年12月\n" + UCI, "gbk")
    assert detect_format(folder) == "uci"
    (f,) = load(store, folder).files
    assert (f.n_loaded, f.n_quarantined) == (4, 1)
    assert "line 1 skipped: a title above the header (line 2)" in f.notes
    assert quarantined(store)[0][0] == 7


def test_a_shopify_workbook_with_a_title_row(tmp_path, store):
    book = Workbook()
    sheet = book.active
    sheet.append(["Orders export, January 2025"])
    for line in SHOPIFY.splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "orders_export.xlsx"
    book.save(path)
    assert read_header(path)[0] == "orders export, january 2025"  # line 1, without `fits`
    assert detect_format(path) == "shopify"
    (f,) = load(store, path).files
    assert (f.format, f.n_read, f.n_loaded, f.n_quarantined) == ("shopify", 5, 4, 1)
    assert "line 1 skipped: a title above the header (line 2)" in f.notes
    assert quarantined(store) == [[7, "quantity", "three"]]
    assert store.count("contacts") == 3


def test_a_shopify_folder_whose_exports_have_title_lines(tmp_path, store):
    shop = tmp_path / "shopify"
    write(shop / "orders_export_1.csv", "Shopify orders\n\n" + SHOPIFY)
    write(shop / "products_export_1.csv", "Products, 2025-01\n" + PRODUCTS_EXPORT)
    write(shop / "customers_export.csv", "Customers\n" + CUSTOMERS_EXPORT)
    assert detect_format(shop) == "shopify"
    report = load(store, shop)
    by_name = {Path(f.file).name: f for f in report.files}
    assert by_name["products_export_1.csv"].table == "products"
    assert by_name["customers_export.csv"].table == "customers"
    assert by_name["orders_export_1.csv"].n_loaded == 4
    assert "lines 1-2 skipped: a title and a blank line above the header (line 3)" in (
        by_name["orders_export_1.csv"].notes
    )
    assert store.count("products") >= 3 and store.count("contacts") == 3

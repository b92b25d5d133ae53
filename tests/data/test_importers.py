"""Importers for public layouts, on tiny hand-written files: UCI Online Retail (I and II),
Shopify orders exports, MovieLens 100K, and format detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.importers import detect_format
from promopilot.data.ingest import ingest
from promopilot.exceptions import InputError
from tests.data.loads import load

UCI = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom
536366,22633,"HAND WARMER, UNION JACK",6,12/1/2010 8:28,1.85,13047.0,United Kingdom
C536379,71053,WHITE METAL LANTERN,-1,12/1/2010 9:41,3.39,17850.0,United Kingdom
536381,22633,HAND WARMER UNION JACK,2,12/1/2010 9:45,1.85,,United Kingdom
"""

UCI_II = """Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom
C489449,22087,PAPER BUNTING WHITE LACE,-12,2009-12-01 10:33:00,2.95,16321.0,Australia
489450,22087,PAPER BUNTING WHITE LACE,x,2009-12-01 10:40:00,2.95,16321.0,Australia
"""

SHOPIFY = """Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Discount Code,Discount Amount,Billing Name
#1001,ann@example.com,paid,2025-01-02 10:00:00 +0800,2,Green tea,10.50,TEA-1,WELCOME,3.00,Ann Smith
#1001,,,,1,Tea cup,5.00,CUP-1,,,
#1002,bob@example.com,paid,2025-01-03 11:00:00 -0500,1,Green tea,10.50,TEA-1,,0.00,Bob Jones
#1003,cy@example.com,paid,2025-01-04 12:00:00 +0000,1,Green tea,10.50,,,,Cy
#1004,ann@example.com,paid,2025-01-05 09:00:00 +0800,three,Green tea,10.50,TEA-1,,0.00,Ann Smith
"""  # noqa: E501 (an export's header is one long line)

U_DATA = (
    "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t242\t1\t878887116\n"
    "196\t302\t6\t881250950\n22\t302\tfour\t878887116\n"
)
U_ITEM = (
    "242|Kolya (1996)|24-Jan-1997||http://us.imdb.com/M/title-exact?Kolya%20(1996)"
    "|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
    "302|L.A. Confidential (1997)|01-Jan-1997||http://us.imdb.com/M/title-exact?L%2EA%2E"
    "|0|0|0|0|0|0|1|0|0|0|0|0|1|0|0|0|1|0|0\n"
    "999|Caf\xe9 au lait (1993)|01-Jan-1993||http://us.imdb.com/"
    "|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
)


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


# -- UCI Online Retail ---------------------------------------------------------------------
def test_uci_online_retail(tmp_path, store):
    report = load(store, write(tmp_path / "Online Retail.csv", UCI))
    f = report.files[0]
    assert (f.table, f.format, f.n_read, f.n_loaded, f.n_quarantined) == ("orders", "uci", 5, 4, 1)
    assert f.reasons == {"missing value in required column customer_id": 1}
    orders = store.query("SELECT * FROM orders ORDER BY order_id, product_id")
    assert orders["order_id"].tolist() == ["536365", "536365", "536366", "C536379"]
    assert set(orders["customer_id"]) == {"17850", "13047"}  # "17850.0" read as an id
    cancelled = orders.set_index("order_id").loc["C536379"]
    assert cancelled["is_return"] and cancelled["quantity"] == -1  # a C invoice is a return
    assert not orders.set_index("order_id").loc["536366", "is_return"]
    assert str(orders["timestamp"].iloc[0]) == "2010-12-01 08:26:00"
    assert store.query('SELECT line, "column" FROM quarantine').values.tolist() == [
        [6, "customer_id"]
    ]
    # reference rows are derived: products (modal title, median price), customers (country)
    products = store.table("products").set_index("product_id")
    assert products.loc["22633", "title"] in ("HAND WARMER, UNION JACK", "HAND WARMER UNION JACK")
    assert products.loc["71053", "price"] == 3.39
    customers = store.table("customers").set_index("customer_id")
    assert sorted(customers.index) == ["13047", "17850"]
    assert customers.loc["17850", "region"] == "United Kingdom"
    assert report.n_flagged == 0  # every id was derived, none unknown


def test_uci_online_retail_ii_column_names(tmp_path, store):
    report = load(store, write(tmp_path / "online_retail_II.csv", UCI_II), format="uci")
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 3, 1)
    assert f.reasons == {"expected a number": 1}
    orders = store.table("orders").set_index("order_id")
    assert orders.loc["C489449", "is_return"] and orders.loc["C489449", "quantity"] == -12
    assert orders.loc["C489449", "customer_id"] == "16321"
    assert orders["unit_price"].max() == 6.95


def test_uci_folder_of_daily_files(tmp_path, store):
    header, *lines = UCI.splitlines(keepends=True)
    folder = tmp_path / "by-day"
    write(folder / "2010-12-01.csv", header + "".join(lines[:3]))
    write(folder / "2010-12-02.csv", header + "".join(lines[3:]))
    assert detect_format(folder) == "uci"
    report = load(store, folder)
    assert [Path(f.file).name for f in report.files] == ["2010-12-01.csv", "2010-12-02.csv"]
    assert [(f.n_read, f.n_loaded) for f in report.files] == [(3, 3), (2, 1)]
    assert store.count("orders") == 4
    again = load(store, folder)
    assert again.n_new == 0 and store.count("orders") == 4


def test_uci_missing_column_is_an_input_error(tmp_path, store):
    text = UCI.replace(",CustomerID", ",Customer").replace("InvoiceNo", "InvoiceNo")
    with pytest.raises(InputError, match="CustomerID"):
        ingest(store, write(tmp_path / "retail.csv", text), format="uci")


def test_uci_forgotten_customer_is_not_derived_again(tmp_path, store):
    path = write(tmp_path / "retail.csv", UCI)
    load(store, path)
    store.forget("17850")
    report = load(store, path)
    assert report.files[0].reasons["customer was forgotten on request; row not stored"] == 3
    for table in ("customers", "orders", "quarantine"):
        assert store.scalar(f"SELECT count(*) FROM {table} WHERE customer_id = '17850'") == 0


# -- Shopify --------------------------------------------------------------------------------
def test_shopify_orders_export(tmp_path, store):
    path = write(tmp_path / "orders_export_1.csv", SHOPIFY)
    assert detect_format(path) == "shopify"
    report = load(store, path)
    f = report.files[0]
    assert (f.format, f.n_read, f.n_loaded, f.n_quarantined) == ("shopify", 5, 4, 1)
    orders = store.query("SELECT * FROM orders ORDER BY timestamp, product_id")
    # customers are a one-way hash of the e-mail; the e-mail is only in contacts
    assert orders["customer_id"].str.startswith("shopify-").all()
    assert not orders.astype(str).apply(lambda c: c.str.contains("@")).any().any()
    contacts = store.table("contacts").set_index("email")
    assert sorted(contacts.index) == ["ann@example.com", "bob@example.com", "cy@example.com"]
    ann = contacts.loc["ann@example.com", "customer_id"]
    assert set(orders.loc[orders["order_id"] == "#1001", "customer_id"]) == {ann}
    assert store.count("customers") == 3
    # a line without a SKU gets a product id from its name
    assert orders["product_id"].str.startswith("item-").sum() == 1
    assert "email" not in store.query("SELECT * FROM customers LIMIT 0").columns
    # the order-level discount is spread over its lines by value (21 and 5 of 26); the code
    # sits on the order's first line
    first = orders[orders["order_id"] == "#1001"].set_index("product_id")
    assert first.loc["TEA-1", "discount"] == pytest.approx(3.0 * 21 / 26)
    assert first.loc["CUP-1", "discount"] == pytest.approx(3.0 * 5 / 26)
    assert first.loc["TEA-1", "coupon_code"] == "WELCOME" and first.loc["CUP-1", "quantity"] == 1
    # "+0800" and "-0500" offsets are read, times stored in UTC
    stamps = orders.drop_duplicates("order_id").set_index("order_id")["timestamp"]
    assert str(stamps["#1001"]) == "2025-01-02 02:00:00"
    assert str(stamps["#1002"]) == "2025-01-03 16:00:00"
    # the bad row is quarantined without any contact data
    bad = store.query('SELECT line, "column", value, raw FROM quarantine')
    assert bad[["line", "column", "value"]].values.tolist() == [[6, "quantity", "three"]]
    assert "@" not in bad["raw"].iloc[0] and "Ann" not in bad["raw"].iloc[0]


def test_shopify_discount_larger_than_the_first_line_is_kept(tmp_path, store):
    """A 20.00 order discount on an order whose first line is worth 5.00: spread by value, no
    line is discounted below zero and the order is not quarantined."""
    text = (
        SHOPIFY.splitlines()[0]
        + "\n"
        + (
            "#2001,dee@example.com,paid,2025-01-02 10:00:00 +0800,1,Tea cup,5.00,CUP-1,BIG,20.00,"
            "Dee\n"
            "#2001,,,,2,Green tea,10.50,TEA-1,,,\n"
        )
    )
    report = load(store, write(tmp_path / "orders_export.csv", text), format="shopify")
    assert report.files[0].n_quarantined == 0
    got = store.query("SELECT product_id, discount FROM orders ORDER BY product_id")
    assert got["discount"].sum() == pytest.approx(20.0)
    assert got.set_index("product_id")["discount"]["CUP-1"] == pytest.approx(20.0 * 5 / 26)


def test_shopify_discount_larger_than_the_order_is_cut_to_its_lines(tmp_path, store):
    text = (
        SHOPIFY.splitlines()[0]
        + "\n"
        + (
            "#2002,eve@example.com,paid,2025-01-02 10:00:00 +0800,1,Tea cup,5.00,CUP-1,SHIP,"
            "12.00,Eve\n#2002,,,,1,Green tea,5.00,TEA-1,,,\n"
        )
    )
    report = load(store, write(tmp_path / "orders_export.csv", text), format="shopify")
    assert report.files[0].n_quarantined == 0
    got = store.query("SELECT discount FROM orders")
    assert got["discount"].tolist() == pytest.approx([5.0, 5.0])


def test_a_folder_holding_a_shopify_export_is_recognised(tmp_path, store):
    write(tmp_path / "export" / "orders_export_1.csv", SHOPIFY)
    assert detect_format(tmp_path / "export") == "shopify"
    assert load(store, tmp_path / "export").files[0].n_loaded == 4


def test_shopify_malformed_row_keeps_no_contact_data(tmp_path, store):
    text = SHOPIFY.replace("Green tea,10.50,,,,Cy", "Green tea,10.50,,Cy")
    load(store, write(tmp_path / "orders_export.csv", text), format="shopify")
    bad = store.query("SELECT line, value, reason FROM quarantine ORDER BY line")
    assert bad["line"].tolist() == [5, 6]
    assert bad["reason"].iloc[0].startswith("malformed CSV row")
    assert bad["value"].iloc[0] is None or "cy@example.com" not in str(bad["value"].iloc[0])


def test_shopify_forgotten_customer_keeps_no_contacts(tmp_path, store):
    path = write(tmp_path / "orders_export.csv", SHOPIFY)
    load(store, path)
    ann = store.query("SELECT customer_id FROM contacts WHERE email = 'ann@example.com'")
    store.forget(ann["customer_id"].iloc[0])
    load(store, path)
    assert "ann@example.com" not in set(store.table("contacts")["email"])
    assert (
        store.scalar(
            "SELECT count(*) FROM customers WHERE customer_id = ?", [ann["customer_id"].iloc[0]]
        )
        == 0
    )


# -- MovieLens ------------------------------------------------------------------------------
def test_movielens_ratings_and_items(tmp_path, store):
    folder = tmp_path / "ml-100k"
    write(folder / "u.data", U_DATA)
    write(folder / "u.item", U_ITEM, encoding="latin-1")
    assert detect_format(folder) == "movielens"
    report = load(store, folder)
    assert [(f.table, f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [
        ("products", 3, 3, 0),
        ("events", 5, 4, 1),
    ]
    events = store.query("SELECT * FROM events ORDER BY timestamp")
    assert set(events["event"]) == {"rating"}
    assert events["value"].tolist() == [1.0, 3.0, 6.0, 3.0]  # stars as they are in the file
    assert str(events["timestamp"].iloc[0]) == "1997-11-07 07:18:36"  # unix time, UTC
    products = store.table("products").set_index("product_id")
    assert products.loc["999", "title"] == "Café au lait (1993)"  # Latin-1 read right
    assert (
        products.loc["242", "category"] == "Comedy" and products.loc["302", "category"] == "Crime"
    )
    assert products.loc["999", "category"] == "unknown"
    assert store.query('SELECT line, "column" FROM quarantine').values.tolist() == [[5, "value"]]


def test_movielens_ratings_file_alone(tmp_path, store):
    path = write(tmp_path / "u.data", U_DATA)
    assert detect_format(path) == "movielens"
    report = load(store, path)
    assert [f.table for f in report.files] == ["events"] and store.count("events") == 4


# -- detection ------------------------------------------------------------------------------
def test_format_detection(tmp_path):
    shop = tmp_path / "shop"
    write(shop / "orders.csv", "order_id,timestamp,customer_id,product_id,quantity,unit_price\n")
    write(shop / "notes.txt", "not a table\n")
    assert detect_format(shop) == "shop"
    assert detect_format(shop / "orders.csv") == "shop"
    assert detect_format(write(tmp_path / "retail.csv", UCI)) == "uci"
    assert detect_format(write(tmp_path / "retail2.csv", UCI_II)) == "uci"
    assert detect_format(write(tmp_path / "export.csv", SHOPIFY)) == "shopify"
    with pytest.raises(InputError, match="cannot tell which table") as told:
        detect_format(write(tmp_path / "mystery.csv", "a,b\n1,2\n"))
    # a reviews file under another name is told to rename it: --format reads no reviews
    assert "reviews.csv" in str(told.value) and "--format reads no other" in str(told.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="cannot tell what this folder holds"):
        detect_format(empty)


def test_unknown_format_name_is_an_input_error(tmp_path, store):
    with pytest.raises(InputError, match="unknown format"):
        ingest(store, write(tmp_path / "retail.csv", UCI), format="excel")


# CUP-1 named a second time, otherwise: "Tea cup" and "Tea Cup" once each
CUP_AGAIN = "#1005,cy@example.com,paid,2025-01-06 12:00:00 +0000,1,Tea Cup,5.00,CUP-1,,0.00,Cy\n"


def _titles(tmp_path: Path, name: str, text: str) -> dict:
    from promopilot.data.store import Store

    with Store(":memory:") as s:
        load(s, write(tmp_path / name, text))
        return dict(s.query("SELECT product_id, title FROM products").itertuples(index=False))


@pytest.mark.parametrize(
    ("name", "text", "product", "title"),
    [
        # 22633 is described twice, once each: the tie goes to the first in order
        ("Online Retail.csv", UCI, "22633", "HAND WARMER UNION JACK"),
        ("orders_export.csv", SHOPIFY + CUP_AGAIN, "CUP-1", "Tea Cup"),
    ],
)  # fmt: skip
def test_a_tied_product_title_does_not_depend_on_the_rows_order(
    tmp_path, name, text, product, title
):
    header, *rows = text.splitlines()
    forward = _titles(tmp_path / "a", name, text)
    backward = _titles(tmp_path / "b", name, "\n".join([header, *reversed(rows)]) + "\n")
    assert forward[product] == backward[product] == title
    assert forward == backward


def test_one_column_lookup_serves_every_layout():
    """UCI, Shopify (orders and exports) and Hillstrom find their columns through one lookup:
    stripped, lower-cased names to quoted SQL names; of two names alike but for case, the
    later."""
    from promopilot.data.rawfile import column_lookup

    assert column_lookup([" InvoiceNo ", "Lineitem name", "客户"]) == {
        "invoiceno": '" InvoiceNo "',
        "lineitem name": '"Lineitem name"',
        "客户": '"客户"',
    }
    assert column_lookup(["Spend", "spend"]) == {"spend": '"spend"'}


@pytest.mark.parametrize("name", ["retail.csv", "retail.xlsx"])
def test_auto_detection_reads_a_files_first_lines_once(tmp_path, store, monkeypatch, name):
    """CDNOW, Hillstrom, UCI and Shopify are tested on one reading of the file's first lines
    (three readings before: a workbook opened three times)."""
    import pandas as pd

    from promopilot.data import import_steps
    from promopilot.data import ingest as ingest_module

    path = write(tmp_path / "retail.csv", UCI)
    if name.endswith(".xlsx"):
        pd.read_csv(path, dtype=str).to_excel(tmp_path / name, index=False)
        path = tmp_path / name
    reads = []
    reading = import_steps.leading_rows

    def counted(file):
        reads.append(file)
        return reading(file)

    monkeypatch.setattr(import_steps, "leading_rows", counted)
    monkeypatch.setattr(ingest_module, "leading_rows", counted)
    report = ingest(store, path)
    assert [f.format for f in report.files] == ["uci"] and report.n_loaded > 0
    assert reads == [path]

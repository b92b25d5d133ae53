"""Exports of Western shop platforms handed over as they come: WooCommerce order exports
(an order status on every line) and Shopify's orders, products and customers exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.summary import shop_summary
from tests.data.loads import load


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_order_status_column_nets_refunds_and_drops_cancelled_orders(tmp_path, store):
    # a cancelled order was never a sale; a refunded one was, and its refund is a return
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Order Status\n"
        "101,2025-11-28 10:00,c1,p1,2,10.00,completed\n"
        "102,2025-11-28 11:00,c2,p1,1,10.00,refunded\n"
        "103,2025-11-28 12:00,c3,p1,5,10.00,cancelled\n"
        "104,2025-11-28 13:00,c4,p1,1,10.00,Failed\n",
    )
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 2, 2)
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (30, 10, 20)
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist() == [
        [4, "Order Status", "cancelled"],
        [5, "Order Status", "Failed"],
    ]
    assert bad["reason"].str.contains("the order was cancelled or never paid: not a sale").all()


def test_an_order_awaiting_payment_is_not_a_sale_but_one_on_hold_is(tmp_path, store):
    # WooCommerce's "Pending payment" is unpaid, as 等待付款 is; "On hold" awaits the shop's
    # confirmation of a payment made (a bank transfer): a sale
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Order Status\n"
        "201,2025-11-28 10:00,c1,p1,1,10.00,Pending payment\n"
        "202,2025-11-28 11:00,c2,p1,1,10.00,wc-pending\n"
        "203,2025-11-28 12:00,c3,p1,2,10.00,On hold\n"
        "204,2025-11-28 13:00,c4,p1,1,10.00,Processing\n",
    )
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 2, 2)
    assert shop_summary(store).revenue == 30
    bad = store.query("SELECT line, value FROM quarantine ORDER BY line")
    assert bad.values.tolist() == [[2, "Pending payment"], [3, "wc-pending"]]


def test_a_refund_status_of_cancelled_keeps_the_sale(tmp_path, store):
    # 退款状态 = the refund's status: a cancelled refund (已取消) leaves the sale as it is
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,退款状态\n"
        "A1,2026-11-11 20:15,u1,TB1,1,100,已取消\n",
    )
    assert load(store, path).files[0].n_loaded == 1
    assert shop_summary(store).revenue == 100


SHOPIFY_HEAD = (
    "Name,Email,Financial Status,Paid at,Subtotal,Shipping,Taxes,Total,Discount Code,"
    "Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,"
    "Billing Name,Cancelled at,Refunded Amount,Id\n"
)


def test_shopify_refunded_and_cancelled_orders_are_not_revenue(tmp_path, store):
    # order-level fields are on an order's first row only; shipping and taxes are not product
    # revenue; a refunded order is netted by its return lines; a voided or cancelled one is
    # not a sale
    rows = (
        "#1001,ann@example.com,paid,2025-11-28 10:03:05 +0100,30.00,4.95,5.83,34.95,,0.00,"
        "2025-11-28 10:03:05 +0100,1,Mug,20.00,MUG,Ann Smith,,0.00,51\n"
        "#1001,ann@example.com,,,,,,,,,2025-11-28 10:03:05 +0100,1,Tea,10.00,TEA,,,,51\n"
        "#1002,bob@example.com,refunded,2025-11-28 11:00:00 +0100,20.00,0.00,3.33,20.00,,0.00,"
        "2025-11-28 11:00:00 +0100,1,Mug,20.00,MUG,Bob Jones,,20.00,52\n"
        "#1003,cy@example.com,voided,,10.00,0.00,1.67,10.00,,0.00,"
        "2025-11-28 12:00:00 +0100,1,Tea,10.00,TEA,Cy Lee,,0.00,53\n"
        "#1004,dee@example.com,paid,2025-11-28 13:00:00 +0100,30.00,0.00,5.00,30.00,,0.00,"
        "2025-11-28 13:00:00 +0100,1,Mug,20.00,MUG,Dee Doe,2025-11-29 09:00:00 +0100,0.00,54\n"
        "#1004,dee@example.com,,,,,,,,,2025-11-28 13:00:00 +0100,1,Tea,10.00,TEA,,,,54\n"
    )
    f = load(store, write(tmp_path / "orders_export.csv", SHOPIFY_HEAD + rows)).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (6, 3, 3)
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (50, 20, 30)
    bad = store.query("SELECT line, reason FROM quarantine ORDER BY line")
    assert bad["line"].tolist() == [5, 6, 7]
    assert bad["reason"].str.contains("cancelled or never paid").all()


WOO = (
    "Order Number,Order Status,Order Date,Customer User ID,Billing Email Address,Item #,"
    "Item Name,Item SKU,Quantity,Item Cost,Coupon Code\n"
    "20001,completed,28/11/2025,17,ann@example.com,1,Sage Mug,SKU-1,2,12.50,BF25\n"
    "20001,completed,28/11/2025,17,ann@example.com,2,Oak Candle,SKU-2,1,20.00,BF25\n"
    "20002,completed,29/11/2025,18,bob@example.com,1,Sage Mug,SKU-1,1,12.50,\n"
)


def test_a_woocommerce_order_export_is_read_by_its_own_column_names(tmp_path, store):
    f = load(store, write(tmp_path / "orders.csv", WOO)).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 3, 0)
    orders = store.query("SELECT * FROM orders ORDER BY order_id, product_id")
    assert orders["customer_id"].tolist() == ["17", "17", "18"]
    assert orders["product_id"].tolist() == ["SKU-1", "SKU-2", "SKU-1"]
    assert orders["unit_price"].tolist() == [12.5, 20.0, 12.5]
    assert str(orders["timestamp"].iloc[0]) == "2025-11-28 00:00:00"
    assert shop_summary(store).revenue == 57.5


PRODUCTS_EXPORT = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Price,Image Src,Cost per item,Status\n"
    "sage-mug,Sage Mug,<p>Stoneware</p>,Hearth,Mugs,gift,Title,Default Title,MUG,20.00,"
    "https://cdn/mug.jpg,8.00,active\n"
    ",,,,,,,,,,https://cdn/mug-2.jpg,,\n"  # a second image of the product above
    "oak-tea,Oak Tea,,Hearth,Tea,,Size,Small,TEA,10.00,https://cdn/tea.jpg,3.00,active\n"
    "oak-tea,,,,,,,Large,TEA-L,18.00,,5.00,\n"  # a variant: title and type on the first row
)
CUSTOMERS_EXPORT = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Country Code,"
    "Phone,Total Spent,Total Orders\n"
    "'7001,Ann,Smith,Ann@Example.com,yes,GB,+44 7700 900001,30.00,1\n"
    "'7002,Bob,Jones,bob@example.com,no,DE,,20.00,1\n"
)


def test_a_shopify_folder_reads_its_products_and_customers_exports(tmp_path, store):
    shop = tmp_path / "export"
    rows = (
        "#1001,ann@example.com,paid,2025-11-28 10:03:05 +0100,30.00,4.95,5.83,34.95,,0.00,"
        "2025-11-28 10:03:05 +0100,1,Sage Mug,20.00,MUG,Ann Smith,,0.00,51\n"
        "#1001,ann@example.com,,,,,,,,,2025-11-28 10:03:05 +0100,1,Oak Tea - Small,10.00,TEA,"
        ",,,51\n"
    )
    write(shop / "orders_export_1.csv", SHOPIFY_HEAD + rows)
    write(shop / "products_export_1.csv", PRODUCTS_EXPORT)
    write(shop / "customers_export.csv", CUSTOMERS_EXPORT)
    report = load(store, shop)
    counts = {Path(f.file).name: (f.table, f.n_read, f.n_loaded) for f in report.files}
    assert counts == {
        "products_export_1.csv": ("products", 3, 3),
        "customers_export.csv": ("customers", 2, 2),
        "orders_export_1.csv": ("orders", 2, 2),
    }
    assert store.count("quarantine") == 0 and store.count("flags") == 0
    products = store.table("products").set_index("product_id")
    assert products.loc["TEA-L", ["title", "category", "price", "cost"]].tolist() == [
        "Oak Tea",
        "Tea",
        18.0,
        5.0,
    ]
    assert products.loc["MUG", "category"] == "Mugs"
    # a customer of the customers export is the customer of the orders (a hash of the e-mail)
    customers = store.table("customers").set_index("customer_id")
    orders = store.table("orders")
    ann = orders["customer_id"].iloc[0]
    assert customers.loc[ann, "region"] == "GB" and len(customers) == 2
    assert not customers.astype(str).apply(lambda c: c.str.contains("@|Smith|7700")).any().any()
    contacts = store.table("contacts").set_index("customer_id")
    assert contacts.loc[ann, ["email", "phone", "name"]].tolist() == [
        "ann@example.com",
        "+447700900001",
        "Ann Smith",
    ]


def test_an_order_discount_repeated_on_every_line_is_spread_over_them(tmp_path, store):
    # WooCommerce exports repeat the order's Discount Amount on each of its lines: 7.00 off
    # order 1 (lines 30 and 5: more than the second line is worth), 2.00 off order 2 (lines 16
    # and 4)
    head = "Order Number,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,Discount Amount\n"
    rows = (
        "1,28/11/2025,17,A,1,30.00,7.00\n1,28/11/2025,17,B,1,5.00,7.00\n"
        "2,29/11/2025,18,A,2,8.00,2.00\n2,29/11/2025,18,B,1,4.00,2.00\n"
        "3,30/11/2025,19,A,1,30.00,3.00\n"
    )
    report = load(store, write(tmp_path / "orders.csv", head + rows))
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (5, 5, 0)
    got = store.query("SELECT order_id, product_id, discount FROM orders ORDER BY 1, 2")
    assert got["discount"].tolist() == pytest.approx([6.0, 1.0, 1.6, 0.4, 3.0])
    assert shop_summary(store).revenue == pytest.approx(35 + 20 + 30 - 7 - 2 - 3)
    assert any("order's discount" in note for note in f.notes)


def test_equal_line_discounts_that_fit_their_lines_stay_per_line(tmp_path, store):
    # 1.00 off each line, never more than a line is worth: a per-line discount, kept as it is
    head = "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
    rows = (
        "1,2025-11-28,c1,A,1,5.00,1.00\n1,2025-11-28,c1,B,1,5.00,1.00\n"
        "2,2025-11-29,c2,A,1,5.00,1.00\n2,2025-11-29,c2,B,1,5.00,1.00\n"
    )
    load(store, write(tmp_path / "orders.csv", head + rows))
    assert store.query("SELECT discount FROM orders")["discount"].tolist() == [1.0] * 4


def test_woocommerce_guest_checkouts_are_not_one_customer(tmp_path, store):
    # WooCommerce writes Customer User ID 0 for every guest checkout: they are not one customer
    rows = (
        "20003,completed,30/11/2025,0,guest1@example.com,1,Sage Mug,SKU-1,1,12.50,\n"
        "20004,completed,30/11/2025,0,guest2@example.com,1,Sage Mug,SKU-1,1,12.50,\n"
    )
    f = load(store, write(tmp_path / "orders.csv", WOO + rows)).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (5, 3, 2)
    assert set(store.table("orders")["customer_id"]) == {"17", "18"}
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist() == [
        [5, "Customer User ID", "0"],
        [6, "Customer User ID", "0"],
    ]
    assert bad["reason"].str.startswith("guest checkout").all()


def test_a_shopify_folder_also_reads_shop_tables_named_after_their_table(tmp_path, store):
    # the shop adds its reviews and offers to the folder of Shopify exports
    shop = tmp_path / "export"
    row = (
        "#1001,ann@example.com,paid,2025-11-28 10:03:05 +0100,20.00,0.00,3.33,20.00,,0.00,"
        "2025-11-28 10:03:05 +0100,1,Sage Mug,20.00,MUG,Ann Smith,,0.00,51\n"
    )
    write(shop / "orders_export_1.csv", SHOPIFY_HEAD + row)
    write(shop / "offers.csv", "offer_id,kind,value\npct10,percent_off,0.1\n")
    write(
        shop / "reviews.csv",
        "review_id,customer_id,product_id,text,rating\nr1,c9,MUG,Lovely glaze,5\n",
    )
    report = load(store, shop)
    tables = sorted((f.table, f.n_loaded) for f in report.files)
    assert tables == [("offers", 1), ("orders", 1), ("reviews", 1)]
    assert store.count("reviews") == 1 and store.count("offers") == 1


def test_a_woocommerce_product_export_takes_its_categories_not_its_product_type(tmp_path, store):
    # WooCommerce's Type is simple/variable (the kind of listing), Categories the category
    path = write(
        tmp_path / "products.csv",
        "ID,Type,SKU,Name,Published,In stock?,Sale price,Regular price,Categories,Tags\n"
        "11,simple,SKU-1,Sage Mug,1,1,,12.50,Mugs,gift\n"
        '12,simple,SKU-2,Oak Candle,1,1,18.00,20.00,"Home > Candles",\n',
    )
    load(store, path)
    products = store.table("products").set_index("product_id")
    assert products["category"].to_dict() == {"SKU-1": "Mugs", "SKU-2": "Home > Candles"}
    assert products["price"].to_dict() == {"SKU-1": 12.5, "SKU-2": 20.0}
    assert products["title"].to_dict() == {"SKU-1": "Sage Mug", "SKU-2": "Oak Candle"}


def test_products_named_only_in_the_orders_get_their_titles(tmp_path, store):
    # a WooCommerce order export names each item; a shop without a products file still sees
    # titles (not SKUs) in recommendations and messages
    f = load(store, write(tmp_path / "orders.csv", WOO)).files[0]
    products = store.table("products").set_index("product_id")
    assert products["title"].to_dict() == {"SKU-1": "Sage Mug", "SKU-2": "Oak Candle"}
    assert products["price"].to_dict() == {"SKU-1": 12.5, "SKU-2": 20.0}
    assert products["is_product"].all()
    assert any("2 products named in the orders" in note for note in f.notes)
    # a products file of the shop's own is never overwritten by the orders' names
    write(tmp_path / "shop" / "products.csv", "product_id,title\nSKU-1,Sage Mug 300ml\n")
    write(tmp_path / "shop" / "orders.csv", WOO)
    load(store, tmp_path / "shop")
    assert store.table("products").set_index("product_id")["title"]["SKU-1"] == "Sage Mug 300ml"


def test_a_woocommerce_customer_export_gives_region_signup_and_phone(tmp_path, store):
    path = write(
        tmp_path / "customers.csv",
        "Customer ID,Username,Email,First Name,Last Name,Billing Phone,Billing Country,"
        "Date Registered\n"
        "17,ann,ann@example.com,Ann,Smith,+44 7700 900001,GB,2024-09-01 10:00:00\n",
    )
    load(store, path)
    customers = store.table("customers").set_index("customer_id")
    assert customers.loc["17", "region"] == "GB"
    assert str(customers.loc["17", "signup_at"]) == "2024-09-01 10:00:00"
    contacts = store.table("contacts").set_index("customer_id")
    assert contacts.loc["17", ["email", "phone"]].tolist() == ["ann@example.com", "+447700900001"]


def test_a_first_and_last_name_make_the_contact_name(tmp_path, store):
    # Western exports split the name; messages greet "Hello Ann Smith", never "Hello,"
    path = write(
        tmp_path / "customers.csv",
        "Customer ID,Email,First Name,Last Name\n17,ann@example.com,Ann,Smith\n"
        "18,bob@example.com,Bob,\n19,cy@example.com,,\n",
    )
    load(store, path)
    contacts = store.table("contacts").set_index("customer_id")
    assert contacts.loc[["17", "18"], "name"].tolist() == ["Ann Smith", "Bob"]
    assert contacts["name"].isna()["19"]  # no name at all: none, not " "
    assert "name" not in store.table("customers").columns


def test_an_order_cancelled_after_an_earlier_export_is_netted(tmp_path, store):
    # the first export saw the order completed; the next one, of all orders, sees it cancelled
    head = "order_id,timestamp,customer_id,product_id,quantity,unit_price,Order Status\n"
    first = write(
        tmp_path / "a" / "orders.csv", head + "101,2025-11-28 10:00,c1,p1,2,10.00,processing\n"
    )
    load(store, first)
    assert shop_summary(store).revenue == 20
    again = (
        head
        + "101,2025-11-28 10:00,c1,p1,2,10.00,cancelled\n"
        + "102,2025-11-29 10:00,c2,p1,1,10.00,cancelled\n"
    )
    f = load(store, write(tmp_path / "b" / "orders.csv", again)).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (2, 1, 1)  # 102 was never a sale
    assert shop_summary(store).revenue == 0
    assert store.count("orders") == 2  # the sale and its return line


def test_a_line_refunded_after_an_earlier_export_is_netted(tmp_path, store):
    # docs: "a later export of the same line, now refunded, adds its return line"
    head = "订单号,下单时间,买家ID,商品编码,数量,单价,退款状态\n"
    load(
        store,
        write(tmp_path / "a" / "orders.csv", head + "A1,2026-11-11 20:15,u1,TB1,1,100,无退款\n"),
    )
    assert shop_summary(store).revenue == 100
    load(
        store,
        write(tmp_path / "b" / "orders.csv", head + "A1,2026-11-11 20:15,u1,TB1,1,100,退款成功\n"),
    )
    assert shop_summary(store).revenue == 0


def test_an_orders_file_in_uci_columns_names_its_products_by_their_description(tmp_path, store):
    # the UCI sample's columns saved as a shop folder's orders.csv: the products were not
    # derived (summary said "products 0", recommendations showed stock codes); now they take the
    # description, and postage is told apart by its code as before
    text = (
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,UK\n"
        "536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850,UK\n"
        "536366,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-02 09:00:00,2.65,13047,UK\n"
    )
    f = load(store, write(tmp_path / "shop" / "orders.csv", text)).files[0]
    products = store.table("products").set_index("product_id")
    assert products["title"].to_dict() == {
        "85123A": "WHITE HANGING HEART T-LIGHT HOLDER",
        "POST": "POSTAGE",
    }
    assert products["is_product"].to_dict() == {"85123A": True, "POST": False}
    assert any("2 products named in the orders" in note for note in f.notes)

"""WooCommerce's ``Order Discount``: the order's discount written on each of its lines, read as
the order's and spread over its lines, never counted once per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.summary import shop_summary
from tests.data.loads import load

HEAD = (
    "Order Number,Order Status,Order Date,Customer User ID,Item SKU,Item Name,Quantity,"
    "Item Cost,Order Discount\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def per_order(store) -> dict[str, float]:
    got = store.query("SELECT order_id, sum(discount) AS d FROM orders GROUP BY 1 ORDER BY 1")
    return dict(zip(got["order_id"], got["d"].round(6), strict=True))


def test_order_discount_is_spread_over_the_lines_and_counted_once(tmp_path, store):
    # 10.00 off order 101 (lines worth 30, 10 and 10), 5.00 off 102 (20 and 20), none off 103;
    # 104 writes its 4.00 on its first line only
    rows = (
        "101,completed,28/11/2025,17,A,Mug,1,30.00,10.00\n"
        "101,completed,28/11/2025,17,B,Cup,2,5.00,10.00\n"
        "101,completed,28/11/2025,17,C,Jug,1,10.00,10.00\n"
        "102,completed,29/11/2025,18,A,Mug,1,20.00,5.00\n"
        "102,completed,29/11/2025,18,B,Cup,1,20.00,5.00\n"
        "103,processing,30/11/2025,19,B,Cup,3,4.00,0.00\n"
        "103,processing,30/11/2025,19,C,Jug,1,8.00,0.00\n"
        "104,completed,30/11/2025,17,A,Mug,1,30.00,4.00\n"
        "104,completed,30/11/2025,17,C,Jug,1,10.00,\n"
    )
    report = load(store, write(tmp_path / "orders.csv", HEAD + rows))
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (9, 9, 0)
    # the stored discount of each order is the file's order discount, not once per line
    assert per_order(store) == {"101": 10.0, "102": 5.0, "103": 0.0, "104": 4.0}
    lines = store.query("SELECT discount FROM orders WHERE order_id = '101' ORDER BY product_id")
    assert lines["discount"].tolist() == pytest.approx([6.0, 2.0, 2.0])  # by the lines' value
    assert shop_summary(store).revenue == pytest.approx(50 + 40 + 20 + 40 - 19)
    assert any("Order Discount: the order's discount" in n for n in f.notes)
    assert load(store, tmp_path / "orders.csv").n_new == 0  # re-ingesting adds nothing


def test_order_discount_with_paid_line_totals_is_spread_by_them(tmp_path, store):
    # paid totals 60 and 30 for 9.00 off the order: 6 and 3 off, unit prices (60+6)/2, 33
    head = HEAD.replace("Item Cost", "Line Total")
    rows = (
        "201,completed,28/11/2025,17,A,Mug,2,60.00,9.00\n"
        "201,completed,28/11/2025,17,B,Cup,1,30.00,9.00\n"
        "202,completed,29/11/2025,18,A,Mug,1,40.00,0.00\n"
    )
    load(store, write(tmp_path / "orders.csv", head + rows))
    got = store.query("SELECT unit_price, discount FROM orders ORDER BY order_id, product_id")
    assert got["discount"].tolist() == pytest.approx([6.0, 3.0, 0.0])
    assert got["unit_price"].tolist() == pytest.approx([33.0, 33.0, 40.0])
    assert per_order(store) == {"201": 9.0, "202": 0.0}


def test_order_discount_that_differs_between_an_orders_lines_is_quarantined(tmp_path, store):
    rows = (
        "301,completed,28/11/2025,17,A,Mug,1,30.00,5.00\n"
        "301,completed,28/11/2025,17,B,Cup,1,10.00,3.00\n"
        "302,completed,29/11/2025,18,A,Mug,1,20.00,2.00\n"
    )
    f = load(store, write(tmp_path / "orders.csv", HEAD + rows)).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 1, 2)
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist() == [
        [2, "Order Discount", "5.00"],
        [3, "Order Discount", "3.00"],
    ]
    assert bad["reason"].str.startswith("'Order Discount' differs between the lines").all()


def test_a_line_discount_column_wins_over_order_discount(tmp_path, store):
    # with each line's own discount given, Order Discount is not added to it
    head = HEAD.replace("Order Discount", "discount,Order Discount")
    rows = (
        "401,completed,28/11/2025,17,A,Mug,1,30.00,1.00,3.00\n"
        "401,completed,28/11/2025,17,B,Cup,1,10.00,2.00,3.00\n"
    )
    load(store, write(tmp_path / "orders.csv", head + rows))
    assert per_order(store) == {"401": 3.0}
    got = store.query("SELECT discount FROM orders ORDER BY product_id")["discount"].tolist()
    assert got == [1.0, 2.0]


@pytest.mark.parametrize(
    "name", ["Order Discount Amount", "Cart Discount", "Cart Discount Amount", "cart_discount"]
)
def test_other_woocommerce_exports_names_of_the_order_discount(tmp_path, store, name):
    # other export plugins name the same repeated order discount otherwise: it was not read
    rows = (
        "101,completed,28/11/2025,17,A,Mug,1,30.00,10.00\n"
        "101,completed,28/11/2025,17,B,Cup,2,5.00,10.00\n"
        "101,completed,28/11/2025,17,C,Jug,1,10.00,10.00\n"
        "102,completed,29/11/2025,18,A,Mug,1,20.00,5.00\n"
        "102,completed,29/11/2025,18,B,Cup,1,20.00,5.00\n"
    )
    load(store, write(tmp_path / "orders.csv", HEAD.replace("Order Discount", name) + rows))
    assert per_order(store) == {"101": 10.0, "102": 5.0}


BESIDE = HEAD.replace("Order Discount", "Discount Amount,Cart Discount Amount")


def beside_note(report) -> str:
    [note] = [n for n in report.files[0].notes if "beside the line discount" in n]
    return note


def test_order_discount_beside_line_discounts_is_read_where_the_lines_carry_none(tmp_path, store):
    # 501: the lines carry no discount (0 and blank): the order's 8.00 is read, spread by value
    # (lines worth 30 and 10: 6 and 2); 502: the lines' 1 + 2 are the order's 3 (the same
    # money, not read again); 503: no order discount at all
    rows = (
        "501,completed,28/11/2025,17,A,Mug,1,30.00,0,8.00\n"
        "501,completed,28/11/2025,17,B,Cup,1,10.00,,8.00\n"
        "502,completed,29/11/2025,18,A,Mug,1,30.00,1.00,3.00\n"
        "502,completed,29/11/2025,18,B,Cup,1,10.00,2.00,3.00\n"
        "503,completed,30/11/2025,19,A,Mug,1,30.00,0,0\n"
    )
    report = load(store, write(tmp_path / "orders.csv", BESIDE + rows))
    assert report.files[0].n_quarantined == 0
    assert per_order(store) == {"501": 8.0, "502": 3.0, "503": 0.0}
    got = store.query("SELECT discount FROM orders WHERE order_id = '501' ORDER BY product_id")
    assert got["discount"].tolist() == pytest.approx([6.0, 2.0])
    assert beside_note(report) == (
        "Cart Discount Amount beside the line discount Discount Amount: read for 1 order "
        "whose lines carry no discount (spread over them as the order's discount); not read "
        "for 1 order whose lines' discounts add up to it (the same money)"
    )
    assert load(store, tmp_path / "orders.csv").n_new == 0  # re-ingesting adds nothing


def test_order_discount_beside_line_discounts_that_add_up_otherwise_is_not_read(tmp_path, store):
    # 601: the lines give 1 + 2 but the order says 10: the lines' own are kept, the order's
    # is not added (which is right cannot be told), and the note names the order
    rows = (
        "601,completed,28/11/2025,17,A,Mug,1,30.00,1.00,10.00\n"
        "601,completed,28/11/2025,17,B,Cup,1,10.00,2.00,10.00\n"
        "602,completed,29/11/2025,18,A,Mug,1,30.00,0,50.00\n"
    )
    report = load(store, write(tmp_path / "orders.csv", BESIDE + rows))
    assert per_order(store) == {"601": 3.0, "602": 30.0}  # 602: 50 read, cut to its worth
    note = beside_note(report)
    assert "not read for 1 order whose lines' discounts do not add up to it: their " in note
    assert "lines' own discounts are kept (order 601)" in note
    assert any(
        n.startswith("Cart Discount Amount: 1 order had a discount larger") and "20.00" in n
        for n in report.files[0].notes
    )


def test_order_discount_beside_line_discounts_with_paid_line_totals(tmp_path, store):
    # paid totals 60 and 30 of an order whose lines carry no discount and whose order
    # discount is 9.00: spread by paid total (6 and 3), unit prices (60+6)/2 and 33
    head = BESIDE.replace("Item Cost", "Line Total")
    rows = (
        "701,completed,28/11/2025,17,A,Mug,2,60.00,0,9.00\n"
        "701,completed,28/11/2025,17,B,Cup,1,30.00,0,9.00\n"
        "702,completed,29/11/2025,18,A,Mug,1,38.00,2.00,2.00\n"
    )
    report = load(store, write(tmp_path / "orders.csv", head + rows))
    got = store.query("SELECT unit_price, discount FROM orders ORDER BY order_id, product_id")
    assert got["discount"].tolist() == pytest.approx([6.0, 3.0, 2.0])
    assert got["unit_price"].tolist() == pytest.approx([33.0, 33.0, 40.0])
    assert "read for 1 order" in beside_note(report)


def test_order_discount_beside_line_discounts_that_each_repeat_it_is_read_once(tmp_path, store):
    # 801: both lines give the order's 4.00 as their discount (the order's, repeated), no line
    # worth less: read once and spread by value (30 and 10: 3 and 1), not 8 off
    rows = (
        "801,completed,28/11/2025,17,A,Mug,1,30.00,4.00,4.00\n"
        "801,completed,28/11/2025,17,B,Cup,1,10.00,4.00,4.00\n"
        "802,completed,29/11/2025,18,A,Mug,1,30.00,4.00,4.00\n"
    )
    report = load(store, write(tmp_path / "orders.csv", BESIDE + rows))
    assert per_order(store) == {"801": 4.0, "802": 4.0}
    got = store.query("SELECT discount FROM orders WHERE order_id = '801' ORDER BY product_id")
    assert got["discount"].tolist() == pytest.approx([3.0, 1.0])
    note = beside_note(report)
    assert "read for 1 order whose lines each repeat it as their discount" in note
    assert "not read for 1 order whose lines' discounts add up to it" in note  # 802

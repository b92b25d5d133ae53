"""An order's discount larger than what its lines are worth (WooCommerce's ``Order Discount``,
a repeated ``Discount Amount``, Shopify's ``Discount Amount`` covering shipping) is cut to that
worth, and ingest says so: how many orders, the money cut in all, the first orders; the log
says it too. It was cut without a word."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.data.loads import load

HEAD = (
    "Order Number,Order Status,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,"
    "Order Discount,Order Currency\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def per_order(store) -> dict[str, float]:
    got = store.query("SELECT order_id, sum(discount) AS d FROM orders GROUP BY 1 ORDER BY 1")
    return dict(zip(got["order_id"], got["d"].round(6), strict=True))


def cut_notes(report) -> list[str]:
    return [n for n in report.files[0].notes if "larger than their lines are worth" in n]


def test_an_order_discount_above_the_orders_worth_is_cut_and_said(tmp_path, store, caplog):
    # 101: 50.00 off lines worth 30 + 10 (cut by 10.00); 102: 25.00 off 20 (cut by 5.00);
    # 103: 4.00 off 12, as it is
    rows = (
        "101,completed,28/11/2025,17,A,1,30.00,50.00,EUR\n"
        "101,completed,28/11/2025,17,B,2,5.00,50.00,EUR\n"
        "102,completed,29/11/2025,18,A,1,20.00,25.00,EUR\n"
        "103,completed,30/11/2025,19,B,3,4.00,4.00,EUR\n"
    )
    with caplog.at_level(logging.WARNING, logger="promopilot"):
        report = load(store, write(tmp_path / "orders.csv", HEAD + rows))
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 4, 0)  # the rows are kept
    assert per_order(store) == {"101": 40.0, "102": 20.0, "103": 4.0}
    note = (
        "Order Discount: 2 orders had a discount larger than their lines are worth (quantity "
        "× unit price): cut to that worth, 15.00 EUR less discount in all (orders 101, 102)"
    )
    assert cut_notes(report) == [note]
    assert any(note in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    again = load(store, tmp_path / "orders.csv")  # re-ingesting adds nothing, says it again
    assert again.n_new == 0 and cut_notes(again) == [note]


def test_the_note_names_the_first_orders_only_and_counts_kept_orders(tmp_path, store):
    # five orders over their worth by 1.00 each, in file order 5, 4, 3, 2, 1; order 6's lines
    # give two values and are quarantined: not counted
    rows = "".join(f"{n},completed,28/11/2025,17,A,1,10.00,11.00,EUR\n" for n in (5, 4, 3, 2, 1))
    rows += (
        "6,completed,28/11/2025,17,A,1,10.00,30.00,EUR\n"
        "6,completed,28/11/2025,17,B,1,10.00,31.00,EUR\n"
    )
    report = load(store, write(tmp_path / "orders.csv", HEAD + rows))
    assert report.files[0].n_quarantined == 2
    [note] = cut_notes(report)
    assert "5 orders" in note and "5.00 EUR less discount in all (orders 5, 4, 3, ...)" in note


def test_no_note_where_no_order_discount_is_more_than_its_worth(tmp_path, store):
    rows = (
        "101,completed,28/11/2025,17,A,1,30.00,40.00,EUR\n"
        "101,completed,28/11/2025,17,B,2,5.00,40.00,EUR\n"
    )
    report = load(store, write(tmp_path / "orders.csv", HEAD + rows))
    assert per_order(store) == {"101": 40.0}  # exactly its worth: nothing cut
    assert cut_notes(report) == []


def test_a_repeated_discount_column_above_the_orders_worth_is_said_too(tmp_path, store):
    # a line discount column repeating the order's discount (it exceeds a line: read as the
    # order's); order 2 repeats 30.00 on lines worth 10 + 10: cut by 10.00, no currency known
    head = "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount\n"
    rows = (
        "1,2025-11-28,c1,A,1,30.00,12.00\n"
        "1,2025-11-28,c1,B,1,6.00,12.00\n"
        "2,2025-11-29,c2,A,1,10.00,30.00\n"
        "2,2025-11-29,c2,B,1,10.00,30.00\n"
    )
    report = load(store, write(tmp_path / "orders.csv", head + rows))
    assert per_order(store) == {"1": 12.0, "2": 20.0}
    [note] = cut_notes(report)
    assert note.startswith("discount: 1 order")
    assert "10.00 less discount in all (order 2)" in note


SHOPIFY = (
    "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Lineitem sku,Discount Code,Discount Amount,Currency\n"
    "#2002,eve@example.com,paid,2025-01-02 10:00:00 +0800,1,Tea cup,5.00,CUP-1,SHIP,12.00,USD\n"
    "#2002,,,,1,Green tea,5.00,TEA-1,,,USD\n"
    "#2003,fay@example.com,paid,2025-01-03 10:00:00 +0800,1,Tea cup,5.00,CUP-1,,2.00,USD\n"
)


def test_a_shopify_discount_above_the_orders_lines_is_cut_and_said(tmp_path, store):
    # a discount that also covers shipping: 12.00 off lines worth 10.00
    report = load(store, write(tmp_path / "orders_export.csv", SHOPIFY), format="shopify")
    assert report.files[0].n_quarantined == 0
    assert per_order(store) == {"#2002": 10.0, "#2003": 2.0}
    assert cut_notes(report) == [
        "Discount Amount: 1 order had a discount larger than their lines are worth "
        "(quantity × unit price): cut to that worth, 2.00 USD less discount in all "
        "(order #2002)"
    ]


def test_a_shopify_order_not_kept_is_not_counted(tmp_path, store):
    text = SHOPIFY.replace("eve@example.com,paid", "eve@example.com,voided")  # no sale
    report = load(store, write(tmp_path / "orders_export.csv", text), format="shopify")
    assert report.files[0].n_quarantined == 2
    assert cut_notes(report) == []

"""Shopify's ``Lineitem discount`` (the money off that line, not per unit) is each line's
discount, and the order's ``Discount Amount`` beside it is read once: not where the lines'
discounts add up to it (the same money), spread over the lines where they carry none, and
not read where they add up to something else (data.order_discount_beside)."""

from __future__ import annotations

import pytest

from promopilot.data.summary import shop_summary
from tests.data.loads import load
from tests.data.test_ingest import write

HEAD = (
    "Name,Email,Financial Status,Subtotal,Shipping,Total,Discount Code,Discount Amount,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount\n"
)
ROWS = (
    # the order's 5.00 off is the lines' 2.00 and 3.00: the same money, counted once
    "#1001,ann@example.com,paid,40.00,0,35.00,SAVE5,5.00,2025-11-28 10:00:00 +0100,"
    "1,Mug,20.00,MUG,2.00\n"
    "#1001,ann@example.com,,,,,,,2025-11-28 10:00:00 +0100,2,Tea,10.00,TEA,3.00\n"
    # lines carrying none: the order's 6.00 is spread over them by value
    "#1002,bob@example.com,paid,30.00,0,24.00,SAVE6,6.00,2025-11-28 11:00:00 +0100,"
    "1,Mug,20.00,MUG,0.00\n"
    "#1002,bob@example.com,,,,,,,2025-11-28 11:00:00 +0100,1,Tea,10.00,TEA,\n"
    # 4.00 off shipping too: the lines' 1.50 are theirs, the order's 5.50 is not read
    "#1003,cy@example.com,paid,20.00,4.00,18.50,SHIPFREE,5.50,2025-11-28 12:00:00 +0100,"
    "2,Tea,10.00,TEA,1.50\n"
    # no order discount: the line's own (for both units, not per unit)
    "#1004,dee@example.com,paid,20.00,0,17.00,,0.00,2025-11-28 13:00:00 +0100,"
    "2,Tea,10.00,TEA,3.00\n"
)


def test_lineitem_discount_is_the_lines_and_discount_amount_is_read_once(tmp_path, store):
    path = write(tmp_path / "orders_export_1.csv", HEAD + ROWS)
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (6, 6, 0)
    lines = store.query(
        "SELECT order_id, product_id, quantity, discount FROM orders ORDER BY order_id, rowid"
    )
    assert list(lines.itertuples(index=False, name=None)) == [
        ("#1001", "MUG", 1, pytest.approx(2.0)),
        ("#1001", "TEA", 2, pytest.approx(3.0)),
        ("#1002", "MUG", 1, pytest.approx(4.0)),
        ("#1002", "TEA", 1, pytest.approx(2.0)),
        ("#1003", "TEA", 2, pytest.approx(1.5)),
        ("#1004", "TEA", 2, pytest.approx(3.0)),
    ]
    # what was paid for the lines: 40 - 5, 30 - 6, 20 - 1.50, 20 - 3
    assert shop_summary(store).revenue == pytest.approx(35 + 24 + 18.5 + 17)
    note = next(n for n in f.notes if n.startswith("Discount Amount beside"))
    assert note == (
        "Discount Amount beside the line discount Lineitem discount: read for 1 order whose "
        "lines carry no discount (spread over them as the order's discount); not read for 1 "
        "order whose lines' discounts add up to it (the same money); not read for 1 "
        "order whose lines' discounts do not add up to it: their lines' own discounts are "
        "kept (order #1003)"
    )
    assert load(store, path).n_new == 0  # the same export again adds nothing


def test_an_export_without_lineitem_discount_spreads_discount_amount_as_before(tmp_path, store):
    head = HEAD.replace(",Lineitem discount\n", "\n")
    rows = "".join(line.rsplit(",", 1)[0] + "\n" for line in ROWS.splitlines())
    load(store, write(tmp_path / "orders_export_1.csv", head + rows))
    by_order = store.query("SELECT order_id, sum(discount) AS d FROM orders GROUP BY 1 ORDER BY 1")
    assert list(by_order["d"]) == pytest.approx([5.0, 6.0, 5.5, 0.0])


def test_a_refund_is_read_against_what_the_lines_paid_after_their_own_discounts(tmp_path, store):
    # #2001: the lines' own 2.00 and 1.50 are kept; the order's 7.50 also took 4.00 off
    # shipping. The lines paid 40 - 3.50 = 36.50, of which 34.00 was refunded: a partial
    # refund, netted as it is. #2002: 20.00 gave back the line's 18.00 and 2.00 of taxes, at
    # most the Total: the line refunded in full. Both were read against 40 - 7.50 and 20 - 6:
    # 34.00 and 20.00 became refunds of 32.50 and 14.00, and 4.00 of each stayed revenue.
    head = HEAD.replace("\n", ",Refunded Amount\n")
    rows = (
        "#2001,ann@example.com,partially_refunded,36.50,4.00,36.50,FREESHIP,7.50,"
        "2025-11-28 10:00:00 +0100,1,Mug,20.00,MUG,2.00,34.00\n"
        "#2001,ann@example.com,,,,,,,2025-11-28 10:00:00 +0100,2,Tea,10.00,TEA,1.50,\n"
        "#2002,bob@example.com,partially_refunded,18.00,4.00,20.00,FREESHIP,6.00,"
        "2025-11-28 11:00:00 +0100,1,Mug,20.00,MUG,2.00,20.00\n"
    )
    path = write(tmp_path / "orders_export_1.csv", head + rows)
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 3, 0)
    summary = shop_summary(store)
    assert summary.gross_revenue == pytest.approx(36.5 + 18)
    assert summary.returns == pytest.approx(34 + 18)
    assert summary.revenue == pytest.approx(2.5)
    returns = store.query(
        "SELECT order_id, product_id, quantity * unit_price + discount AS money FROM orders "
        "WHERE is_return ORDER BY order_id, product_id"
    )
    # #2001's refund spread by what each line paid: the mug 18.00, the tea 18.50
    assert returns.values.tolist() == [
        ["#2001-refund", "MUG", pytest.approx(-34 * 18 / 36.5)],
        ["#2001-refund", "TEA", pytest.approx(-34 * 18.5 / 36.5)],
        ["#2002-refund", "MUG", pytest.approx(-18.0)],
    ]
    assert load(store, path).n_new == 0


def test_a_refund_is_read_against_the_discount_staging_keeps(tmp_path, store):
    """#3001's lines carry no discount of their own and its Discount Amount differs between
    them (5.00, 3.00): staging does not read it (data.order_discount_beside), so the lines
    paid their 30.00, and a refund of the 30.00 Total is the whole order. The refund's check
    read the rule apart and took 5.00 off (paid 25.00): 30.00 became a refund of 25.00, and
    5.00 of a refunded order stayed revenue."""
    head = HEAD.replace("\n", ",Refunded Amount\n")
    rows = (
        "#3001,ann@example.com,partially_refunded,30.00,0,30.00,SAVE,5.00,"
        "2025-11-28 10:00:00 +0100,1,Mug,20.00,MUG,,30.00\n"
        "#3001,ann@example.com,,,,,,3.00,2025-11-28 10:00:00 +0100,1,Tea,10.00,TEA,,\n"
    )
    path = write(tmp_path / "orders_export_1.csv", head + rows)
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (2, 2, 0)
    assert "not read for 1 order whose lines' discounts do not add up" in " ".join(f.notes)
    summary = shop_summary(store)
    assert summary.gross_revenue == pytest.approx(30.0)
    assert summary.returns == pytest.approx(30.0)
    assert summary.revenue == pytest.approx(0.0)

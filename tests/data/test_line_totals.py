"""Orders files that give each line's total instead of a unit price: a paid line total
(`line_total`, `实付金额`) or a subtotal before the discount (`line_subtotal`, `商品总价`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.summary import shop_summary
from promopilot.exceptions import InputError
from tests.data.loads import load


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def lines(store) -> dict[tuple[str, str], tuple[float, float, float]]:
    rows = store.query("SELECT order_id, product_id, quantity, unit_price, discount FROM orders")
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows.values.tolist()}


def test_a_paid_line_total_with_its_discount_gives_the_unit_price(tmp_path, store):
    path = write(
        tmp_path / "shop" / "orders.csv",
        "订单编号;下单时间;买家ID;商品编码;商品数量;实付金额(元);优惠金额\n"
        "A1;2025-11-11 10:00;u1;TB1;2;109,80;10\n"  # (109.80 + 10) / 2 = 59.90
        "A1;2025-11-11 10:00;u1;TB2;1;19,90;0\n"
        "A2;2025-11-12 10:00;u2;TB1;0;0;0\n"  # line 4: quantity 0 gives no price
        "A3;2025-11-12 10:00;u2;TB2;1;赠品;0\n"  # line 5: no number
        "A4;2025-11-12 10:00;u2;TB2;3;10;0\n"  # 3.333333
        "R1;2025-11-13 10:00;u1;TB1;-1;-54,90;5\n",  # a return: its own discount back
        "gbk",
    )
    report = load(store, path.parent)
    (file,) = report.files
    assert (file.n_read, file.n_loaded, file.n_quarantined) == (6, 4, 2)
    assert any("read from the paid line total '实付金额(元)'" in n for n in file.notes)
    assert lines(store) == {
        ("A1", "TB1"): (2.0, 59.9, 10.0),
        ("A1", "TB2"): (1.0, 19.9, 0.0),
        ("A4", "TB2"): (3.0, 3.333333, 0.0),
        ("R1", "TB1"): (-1.0, 59.9, 5.0),
    }
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist() == [
        [4, "quantity", "0"],
        [5, "unit_price", "赠品"],
    ]
    assert bad["reason"].tolist() == [
        "quantity is 0: the line total '实付金额(元)' gives no unit price",
        "expected a number (read from the line total '实付金额(元)')",
    ]
    # revenue is what the lines say was paid, net of the return
    net = shop_summary(store).revenue
    assert net == pytest.approx(109.80 + 19.90 + 10 - 54.90, abs=1e-4)
    assert load(store, path.parent).n_new == 0  # re-ingesting adds nothing


def test_a_subtotal_and_a_paid_total_give_price_and_discount(tmp_path, store):
    path = write(
        tmp_path / "orders.tsv",
        "order_id\ttimestamp\tcustomer_id\tproduct_id\tquantity\tline_subtotal\tline_total\n"
        "W1\t2025-11-11 10:00\tc1\tp1\t3\t30.00\t25.00\n"
        "W1\t2025-11-11 10:00\tc1\tp2\t1\t12.50\t12.50\n"
        "W2\t2025-11-12 10:00\tc2\tp1\t2\t20.00\tn/a\n",  # line 4: the discount is no number
    )
    report = load(store, path)
    assert any("line subtotal 'line_subtotal' before discount" in n for n in report.files[0].notes)
    assert lines(store) == {("W1", "p1"): (3.0, 10.0, 5.0), ("W1", "p2"): (1.0, 12.5, 0.0)}
    bad = store.query('SELECT line, "column", value, reason FROM quarantine').values.tolist()
    assert bad == [
        [4, "discount", "n/a", "expected a number (read from the line total 'line_total')"]
    ]


def test_a_workbook_with_a_chinese_subtotal_and_a_title(tmp_path, store):
    rows = [
        ["店铺订单明细", None, None, None, None, None, None],
        ["订单编号", "下单时间", "买家ID", "商品编码", "商品数量", "商品总价", "优惠金额"],
        ["T1", "2025-11-11 10:00", "u1", "TB1", 2, 119.8, 10],
        ["T2", "2025-11-12 10:00", "u2", "TB2", 1, 19.9, None],
    ]
    path = tmp_path / "shop" / "orders.xlsx"
    path.parent.mkdir()
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)
    report = load(store, path.parent)
    notes = report.files[0].notes
    assert "line 1 skipped: a title above the header (line 2)" in notes
    assert lines(store) == {("T1", "TB1"): (2.0, 59.9, 10.0), ("T2", "TB2"): (1.0, 19.9, 0.0)}


def test_an_order_total_on_every_line_is_refused(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,Line Total\n"
        "A1,2025-11-11 10:00,u1,p1,2,120\nA1,2025-11-11 10:00,u1,p2,1,120\n"
        "A2,2025-11-12 10:00,u2,p1,1,35\nA2,2025-11-12 10:00,u2,p3,3,35\n"
        "A3,2025-11-12 10:00,u3,p3,1,9\n",
    )
    with pytest.raises(InputError) as refused:
        ingest(store, path)
    message = str(refused.value)
    assert "\n" not in message
    assert "'Line Total' is the order's total, not the line's" in message
    assert "order A1: 120.00 on 2 lines" in message
    assert store.count("orders") == 0


def test_an_order_total_on_one_line_of_each_order_is_refused(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品编码,商品数量,实付金额\n"
        "A1,2025-11-11 10:00,u1,p1,2,120\nA1,2025-11-11 10:00,u1,p2,1,\n"
        "A2,2025-11-12 10:00,u2,p1,1,35\nA2,2025-11-12 10:00,u2,p3,3,\n",
    )
    with pytest.raises(InputError, match="gives it on one of its lines only"):
        ingest(store, path)


def test_equal_line_totals_of_a_one_price_shop_are_read(tmp_path, store):
    # every item costs 9.90 and every order line is one item: equal totals, but the same in
    # every order, so they are no order's total
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,line_total\n"
        "A1,2025-11-11 10:00,u1,p1,1,9.90\nA1,2025-11-11 10:00,u1,p2,1,9.90\n"
        "A2,2025-11-12 10:00,u2,p1,1,9.90\nA2,2025-11-12 10:00,u2,p3,1,9.90\n"
        "A3,2025-11-12 10:00,u2,p3,2,19.80\n",
    )
    load(store, path)
    assert set(store.table("orders")["unit_price"]) == {9.9}


def test_a_bare_total_is_never_a_line_total(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,Total,Subtotal\n"
        "A1,2025-11-11 10:00,u1,p1,2,120,110\n",
    )
    with pytest.raises(InputError, match="missing required column unit_price"):
        ingest(store, path)


def test_a_unit_price_wins_over_a_line_total(tmp_path, store):
    # as before: with a unit price the paid total beside it is not read
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品编码,商品数量,单价,实付金额\n"
        "A1,2025-11-11 10:00,u1,p1,2,59.90,999\n",
    )
    report = load(store, path)
    assert report.files[0].notes == []
    assert lines(store) == {("A1", "p1"): (2.0, 59.9, 0.0)}


# WooCommerce-style: the order's discount repeated on each of its lines beside a paid line total
ORDER_DISCOUNT = (
    "Order Number,Order Date,Customer ID,SKU,Quantity,Line Total,Discount Amount\n"
    "W1,2025-03-01 10:00,c1,P1,2,60.00,10\n"  # W1 paid 90 for 10 off: 60 carries 2/3
    "W1,2025-03-01 10:00,c1,P2,1,30.00,10\n"
    "W2,2025-03-02 10:00,c2,P1,1,25.00,4\n"  # W2 paid 100 for 4 off: 1/4 and 3/4
    "W2,2025-03-02 10:00,c2,P3,3,75.00,4\n"
    "W3,2025-03-03 10:00,c3,P2,1,27.00,3\n"  # one line: its own discount
)


def test_an_order_discount_on_each_line_of_a_paid_total_is_spread_by_paid_value(tmp_path, store):
    report = load(store, write(tmp_path / "shop" / "orders.csv", ORDER_DISCOUNT).parent)
    (file,) = report.files
    assert (file.n_read, file.n_loaded, file.n_quarantined) == (5, 5, 0)
    assert any("read as the order's discount, spread over its lines" in n for n in file.notes)
    got = lines(store)
    # before: W1's P1 was (60 + 10) / 2 = 35, its order's 10 off counted on both lines
    assert got.keys() == {("W1", "P1"), ("W1", "P2"), ("W2", "P1"), ("W2", "P3"), ("W3", "P2")}
    for key, want in {
        ("W1", "P1"): (2.0, 33.333333, 6.666667),
        ("W1", "P2"): (1.0, 33.333333, 3.333333),
        ("W2", "P1"): (1.0, 26.0, 1.0),
        ("W2", "P3"): (3.0, 26.0, 3.0),
        ("W3", "P2"): (1.0, 30.0, 3.0),
    }.items():
        assert got[key] == pytest.approx(want, abs=1e-5), key
    discounts = store.query("SELECT order_id, sum(discount) AS d FROM orders GROUP BY 1")
    assert dict(discounts.values.tolist()) == pytest.approx({"W1": 10, "W2": 4, "W3": 3})


def test_one_same_discount_on_every_line_of_every_order_is_refused(tmp_path, store):
    text = ORDER_DISCOUNT.replace(",4\n", ",10\n")  # every discounted order: 10 on each line
    path = write(tmp_path / "shop" / "orders.csv", text)
    with pytest.raises(InputError, match=r"'Discount Amount' is 10.00 on every line .*order W1"):
        ingest(store, path.parent)


def test_line_discounts_that_differ_within_an_order_stay_the_lines(tmp_path, store):
    text = ORDER_DISCOUNT.replace(
        "W2,2025-03-02 10:00,c2,P3,3,75.00,4", "W2,2025-03-02 10:00,c2,P3,3,75.00,6"
    )
    load(store, write(tmp_path / "shop" / "orders.csv", text).parent)
    assert lines(store)[("W1", "P1")] == (2.0, 35.0, 10.0)  # its own 10 off, as before

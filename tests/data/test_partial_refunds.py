"""A partial refund (Shopify's partially_refunded with a Refunded Amount, WooCommerce's Order
Refund Amount, 部分退款 with 退款金额) is netted: the order gets return lines for the refunded
money, spread over its lines by what was paid, so revenue everywhere is net of it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.queries import serve as queries
from promopilot.data.queries.profile import rfm_inputs
from promopilot.data.summary import shop_summary
from tests.data.loads import load
from tests.data.test_western_exports import SHOPIFY_HEAD


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SHOPIFY = SHOPIFY_HEAD + (
    "#1001,ann@example.com,paid,2025-11-28 10:03:05 +0100,30.00,4.95,5.83,34.95,,0.00,"
    "2025-11-28 10:03:05 +0100,1,Mug,20.00,MUG,Ann Smith,,0.00,51\n"
    "#1001,ann@example.com,,,,,,,,,2025-11-28 10:03:05 +0100,1,Tea,10.00,TEA,,,,51\n"
    # 2 × 20 + 5 less a 4.50 discount = 40.50 paid; 12.34 of it refunded
    "#1002,bob@example.com,partially_refunded,2025-11-28 11:00:00 +0100,40.50,0.00,6.75,40.50,"
    "BF,4.50,2025-11-28 11:00:00 +0100,2,Mug,20.00,MUG,Bob Jones,,12.34,52\n"
    "#1002,bob@example.com,,,,,,,,,2025-11-28 11:00:00 +0100,1,Tea,5.00,TEA,,,,52\n"
)


def test_a_shopify_partial_refund_is_netted_to_the_cent(tmp_path, store):
    path = write(tmp_path / "orders_export.csv", SHOPIFY)
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_quarantined, f.n_new) == (4, 4, 0, 6)
    assert "2 return lines added for partial refunds" in " ".join(f.notes)
    summary = shop_summary(store)
    assert summary.gross_revenue == 30 + 40.5
    assert (summary.returns, summary.revenue) == (12.34, 30 + 40.5 - 12.34)
    returns = store.query(
        "SELECT order_id, timestamp, product_id, quantity * unit_price + discount AS money "
        "FROM orders WHERE is_return ORDER BY product_id"
    )
    assert returns["order_id"].tolist() == ["#1002-refund", "#1002-refund"]
    sale = store.scalar("SELECT timestamp FROM orders WHERE order_id = '#1002' LIMIT 1")
    assert (returns["timestamp"] == sale).all()  # dated like the sale, as refund lines are
    # the refund spread by what was paid: the mug 36 of 40.50, the tea 4.50
    assert returns["money"].tolist() == pytest.approx([-12.34 * 36 / 40.5, -12.34 * 4.5 / 40.5])
    # the customer's money (RFM, CLV) is net of it as well
    rfm = rfm_inputs(store, pd.Timestamp("2026-01-01")).set_index("customer_id")
    assert sorted(rfm["monetary"].round(2)) == [28.16, 30.0]


def test_re_ingesting_a_partial_refund_adds_nothing(tmp_path, store):
    path = write(tmp_path / "orders_export.csv", SHOPIFY)
    load(store, path)
    (again,) = load(store, path).files
    assert (again.n_read, again.n_loaded, again.n_new, again.n_quarantined) == (4, 4, 0, 0)
    assert store.count("orders") == 6
    assert shop_summary(store).revenue == 58.16


CHINESE_HEAD = "订单号,下单时间,买家ID,商品编码,数量,单价,优惠金额,退款状态,退款金额\n"


def test_a_chinese_export_nets_a_partial_refund(tmp_path, store):
    # 退款金额 on every line of the order: the order's refund, spread over its lines
    path = write(
        tmp_path / "orders.csv",
        CHINESE_HEAD + "A1,2026-11-11 20:15,u1,TB1,2,59.90,10,部分退款,33.33\n"
        "A1,2026-11-11 20:15,u1,TB2,1,19.90,0,部分退款,33.33\n"
        "A2,2026-11-11 21:00,u2,TB1,1,59.90,0,无退款,0\n"
        "A3,2026-11-12 09:00,u3,TB2,1,19.90,0,退款中,19.90\n",  # not refunded yet
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_quarantined, f.n_new) == (4, 4, 0, 6)
    summary = shop_summary(store)
    lines = 2 * 59.90 - 10 + 19.90 + 59.90 + 19.90
    assert summary.gross_revenue == round(lines, 2)
    assert (summary.returns, summary.revenue) == (33.33, round(lines - 33.33, 2))
    # the dashboard's customer page and charts net it as the summary does
    paid = 2 * 59.90 - 10 + 19.90
    assert queries.customer_profile(store, "u1")["revenue"] == pytest.approx(paid - 33.33)
    assert queries.customer_profile(store, "u1")["orders"] == 1
    weekly = queries.weekly_revenue(store)
    assert weekly["revenue"].sum() == pytest.approx(lines - 33.33)
    assert queries.monthly_customer_revenue(store)["revenue"].sum() == pytest.approx(lines - 33.33)


def test_amounts_that_differ_between_an_orders_lines_are_the_lines_own(tmp_path, store):
    # line A1/TB1 refunded 10 of its 100, A1/TB2 nothing, A2's only line refunded in full
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Refund Amount\n"
        "A1,2026-01-05 10:00,u1,TB1,1,100,10\n"
        "A1,2026-01-05 10:00,u1,TB2,1,50,0\n"
        "A2,2026-01-06 10:00,u2,TB1,2,30,60.00\n",
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_new) == (3, 3, 5)
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (210, 70, 140)
    full = store.query("SELECT quantity, unit_price FROM orders WHERE order_id = 'A2-refund'")
    assert full.values.tolist() == [[-2, 30]]  # refunded in full: the existing return line


def test_a_bad_refunded_amount_is_quarantined_with_its_reason(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        CHINESE_HEAD + "A1,2026-11-11 20:15,u1,TB1,1,100,0,部分退款,abc\n"
        "A2,2026-11-11 20:16,u2,TB1,1,100,0,部分退款,-5\n"
        "A3,2026-11-11 20:17,u3,TB1,1,100,0,部分退款,150\n"
        "A4,2026-11-11 20:18,u4,TB1,1,100,0,部分退款,25\n",
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 1, 3)
    bad = store.query('SELECT file, line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad["file"].eq(str(path.resolve())).all()
    assert bad[["line", "column", "value"]].values.tolist() == [
        [2, "退款金额", "abc"],
        [3, "退款金额", "-5"],
        [4, "退款金额", "150"],
    ]
    assert bad["reason"].tolist() == [
        "refunded amount: expected a number (the money refunded, e.g. 12.50)",
        "negative refunded amount: expected a value >= 0",
        "refunded amount is more than was paid for the order (100.00: quantity × unit_price "
        "less discount; shipping and taxes are not read): expected at most what was paid",
    ]
    assert shop_summary(store).revenue == 75


def test_a_later_export_adding_a_partial_refund_nets_it_once(tmp_path, store):
    head = "Order Number,Order Status,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,"
    head += "Order Refund Amount\n"
    rows = "20001,completed,2025-11-28,17,SKU-1,2,12.50,{}\n20001,completed,2025-11-28,17,SKU-2,"
    rows += "1,20.00,{}\n"
    load(store, write(tmp_path / "a" / "orders.csv", head + rows.format(0, 0)))
    assert shop_summary(store).revenue == 45
    later = write(tmp_path / "b" / "orders.csv", head + rows.format("7.25", "7.25"))
    (f,) = load(store, later).files
    assert (f.n_read, f.n_loaded, f.n_new, f.n_quarantined) == (2, 2, 2, 0)
    assert shop_summary(store).revenue == 37.75
    (again,) = load(store, later).files
    assert (again.n_new, again.n_quarantined) == (0, 0)
    assert shop_summary(store).revenue == 37.75
    assert store.count("orders") == 4


def test_a_line_refunded_in_full_by_its_status_and_one_in_part_by_its_amount(tmp_path, store):
    # amounts per line (they differ): TB1's status says refunded in full, TB2 gave back 5
    path = write(
        tmp_path / "orders.csv",
        CHINESE_HEAD + "B1,2026-11-11 20:15,u1,TB1,1,100,0,退款成功,100\n"
        "B1,2026-11-11 20:15,u1,TB2,2,25,0,部分退款,5\n",
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_new) == (2, 2, 4)
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (150, 105, 45)


def test_an_orders_refund_on_its_first_line_only_is_the_orders(tmp_path, store):
    # 30 refunded of an order of 25 + 20: more than the first line, spread over both
    path = write(
        tmp_path / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Order Refund Amount\n"
        "W1,2025-11-28 10:00,17,SKU-1,2,12.50,30\n"
        "W1,2025-11-28 10:00,17,SKU-2,1,20.00,\n",
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_quarantined, f.n_new) == (2, 2, 0, 4)
    assert shop_summary(store).revenue == 15


def test_a_refund_grown_in_a_later_export_replaces_its_return_lines(tmp_path, store):
    # 7.25 refunded, then 10 (Refunded Amount is what was refunded so far), then all of it;
    # an older export read again changes nothing
    head = "Order Number,Order Status,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,"
    head += "Order Refund Amount\n"
    rows = "20001,{0},2025-11-28,17,SKU-1,2,12.50,{1}\n20001,{0},2025-11-28,17,SKU-2,1,20.00,{1}\n"
    exports = [
        write(tmp_path / name / "orders.csv", head + rows.format(status, amount))
        for name, status, amount in [
            ("a", "completed", 7.25),
            ("b", "completed", 10),
            ("c", "refunded", 45),
        ]
    ]
    revenues = []
    for path in [*exports, exports[0]]:
        (f,) = load(store, path).files
        assert (f.n_read, f.n_loaded, f.n_quarantined) == (2, 2, 0)
        revenues.append(shop_summary(store).revenue)
    assert revenues == [37.75, 35, 0, 0]
    assert store.count("orders") == 4  # the two sales and their two return lines


def test_a_shopify_refund_of_shipping_too_nets_the_lines_in_full(tmp_path, store):
    # 32.00 of a Total of 34.95 (lines 30, shipping 4.95) gave back both lines and some of the
    # shipping, which revenue does not hold; 40.00 is more than the order's Total
    path = write(
        tmp_path / "orders_export.csv",
        SHOPIFY_HEAD
        + "#1001,ann@example.com,partially_refunded,2025-11-28 10:03:05 +0100,30.00,4.95,"
        "5.83,34.95,,0.00,2025-11-28 10:03:05 +0100,1,Mug,20.00,MUG,Ann Smith,,32.00,51\n"
        "#1001,ann@example.com,,,,,,,,,2025-11-28 10:03:05 +0100,1,Tea,10.00,TEA,,,,51\n"
        "#1002,bob@example.com,partially_refunded,2025-11-28 11:00:00 +0100,20.00,0.00,3.33,"
        "20.00,,0.00,2025-11-28 11:00:00 +0100,1,Mug,20.00,MUG,Bob Jones,,40.00,52\n"
        "#1003,cy@example.com,paid,2025-11-28 12:00:00 +0100,10.00,0.00,1.67,10.00,,0.00,"
        "2025-11-28 12:00:00 +0100,1,Tea,10.00,TEA,Cy Lee,,0.00,53\n",
    )
    (f,) = load(store, path).files
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 3, 1)
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (40, 30, 10)
    bad = store.query('SELECT line, "column", value, reason FROM quarantine').iloc[0]
    assert (bad["line"], bad["column"], bad["value"]) == (4, "Refunded Amount", "40.00")
    assert bad["reason"].startswith("refunded amount is more than was paid for the order (20.00")


SHOPIFY_LATER = (
    "#1002,bob@example.com,{0},2025-11-28 11:00:00 +0100,40.50,0.00,6.75,40.50,"
    "BF,4.50,2025-11-28 11:00:00 +0100,2,Mug,20.00,MUG,Bob Jones,,{1},52\n"
    "#1002,bob@example.com,,,,,,,,,2025-11-28 11:00:00 +0100,1,Tea,5.00,TEA,,,,52\n"
)
TAOBAO_HEAD = (
    "订单编号,买家会员名,商家编码,购买数量,商品价格,订单付款时间,订单状态,退款状态,退款金额\n"
)
LATER_REFUNDS = {
    # Shopify's Refunded Amount grows to the order's Total, or the status alone says refunded
    "shopify": (
        "orders_export.csv",
        SHOPIFY_HEAD + SHOPIFY_LATER.format("partially_refunded", "12.34"),
        SHOPIFY_HEAD + SHOPIFY_LATER.format("refunded", "40.50"),
    ),
    "shopify without amount": (
        "orders_export.csv",
        SHOPIFY_HEAD + SHOPIFY_LATER.format("partially_refunded", "12.34"),
        SHOPIFY_HEAD + SHOPIFY_LATER.format("refunded", ""),
    ),
    # 部分退款 33.33 of the order's 129.70, then 退款成功 with all of it
    "refund status": (
        "orders.csv",
        CHINESE_HEAD + "A1,2026-11-11 20:15,u1,TB1,2,59.90,10,部分退款,33.33\n"
        "A1,2026-11-11 20:15,u1,TB2,1,19.90,0,部分退款,33.33\n",
        CHINESE_HEAD + "A1,2026-11-11 20:15,u1,TB1,2,59.90,10,退款成功,129.70\n"
        "A1,2026-11-11 20:15,u1,TB2,1,19.90,0,退款成功,129.70\n",
    ),
    # Taobao: 50 of 199 refunded, then the order closed (交易关闭, its payment time empty)
    "closed": (
        "orders.csv",
        TAOBAO_HEAD + "T1,tb_ann,DR-1,1,199.00,2026-11-11 10:00,交易成功,部分退款,50\n",
        TAOBAO_HEAD + "T1,tb_ann,DR-1,1,199.00,,交易关闭,,\n",
    ),
}


@pytest.mark.parametrize("case", list(LATER_REFUNDS))
def test_a_partial_refund_then_a_full_one_in_a_later_export_nets_the_sale_once(
    tmp_path, store, case
):
    # the full refund replaces the partial one's return lines: revenue 0, not below it;
    # either export read again, the older one after the newer too, adds nothing
    name, partial, full = LATER_REFUNDS[case]
    first = write(tmp_path / "a" / name, partial)
    later = write(tmp_path / "b" / name, full)
    (f,) = load(store, first).files
    assert f.n_read == f.n_loaded + f.n_quarantined == len(partial.splitlines()) - 1
    assert 0 < shop_summary(store).revenue < shop_summary(store).gross_revenue
    stored, seen = store.count("orders"), []
    for path in [later, first, later]:
        (f,) = load(store, path).files
        assert (f.n_read, f.n_quarantined) == (f.n_loaded, 0)
        summary = shop_summary(store)
        seen.append((summary.revenue, summary.returns == summary.gross_revenue, f.n_new))
        assert store.count("orders") == stored  # the return lines replaced, none added
    assert [(revenue, full_return) for revenue, full_return, _ in seen] == [(0, True)] * 3
    assert [n_new for _, _, n_new in seen[1:]] == [0, 0]
    left = store.query(
        "SELECT sum(quantity) AS quantity FROM orders GROUP BY split_part(order_id, '-', 1), "
        "product_id"
    )
    assert (left["quantity"] == 0).all()  # each line's quantity given back once

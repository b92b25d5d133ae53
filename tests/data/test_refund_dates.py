"""Return lines dated at the refund where the orders file gives its date (退款完结时间,
Refund Date); at the sale's time otherwise. They were always dated at the sale."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.store import Store
from promopilot.data.summary import shop_summary
from tests.data.loads import load

HEAD = "订单号,下单时间,买家ID,商品编码,数量,单价,优惠金额,退款状态,退款金额,退款完结时间\n"
ROWS = (
    # A1: 33.33 of 129.70 refunded on 20 Nov; A2: refunded in full on 15 Nov; A3: no refund
    "A1,2026-11-11 20:15,u1,TB1,2,59.90,10,部分退款,33.33,2026-11-20 09:30\n"
    "A1,2026-11-11 20:15,u1,TB2,1,19.90,0,部分退款,33.33,2026-11-20 09:30\n"
    "A2,2026-11-12 10:00,u2,TB1,1,59.90,0,退款成功,,2026-11-15 12:00\n"
    "A3,2026-11-12 11:00,u3,TB1,1,59.90,0,无退款,,\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def times(store) -> dict[tuple[str, str], pd.Timestamp]:
    got = store.query("SELECT order_id, product_id, timestamp FROM orders")
    return {(o, p): pd.Timestamp(t) for o, p, t in got.itertuples(index=False)}


def test_return_lines_are_dated_at_the_refund(tmp_path, store):
    report = load(store, write(tmp_path / "orders.csv", HEAD + ROWS))
    f = report.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 4, 0)
    got = times(store)
    assert got["A1", "TB1"] == pd.Timestamp("2026-11-11 20:15")  # the sales keep theirs
    assert got["A1-refund", "TB1"] == got["A1-refund", "TB2"] == pd.Timestamp("2026-11-20 09:30")
    assert got["A2-refund", "TB1"] == pd.Timestamp("2026-11-15 12:00")
    assert ("A3-refund", "TB1") not in got
    assert shop_summary(store).revenue == pytest.approx(129.70 - 33.33 + 59.90 - 59.90 + 59.90)
    assert load(store, tmp_path / "orders.csv").n_new == 0  # re-ingesting adds nothing


def test_without_a_refund_date_return_lines_keep_the_sales_time(tmp_path, store):
    head = HEAD.replace(",退款完结时间", "")
    rows = "".join(r.rsplit(",", 1)[0] + "\n" for r in ROWS.splitlines())
    load(store, write(tmp_path / "orders.csv", head + rows))
    got = times(store)
    assert got["A1-refund", "TB1"] == got["A1", "TB1"]
    assert got["A2-refund", "TB1"] == got["A2", "TB1"]


def test_an_english_refund_date_column_in_the_shops_time_zone(tmp_path):
    head = "Order Number,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,Order Status,"
    text = (
        head + "Refund Date\n"
        "101,2026-11-02 10:00,17,A,1,30.00,refunded,2026-11-09 08:00\n"
        "102,2026-11-03 10:00,18,A,1,30.00,completed,\n"
    )
    with Store(tmp_path / "shop.duckdb", timezone="Asia/Shanghai") as store:
        load(store, write(tmp_path / "orders.csv", text))
        got = times(store)  # stored in UTC: 8 hours earlier than Shanghai's wall clock
    assert got["101-refund", "A"] == pd.Timestamp("2026-11-09 00:00")
    assert got["101", "A"] == pd.Timestamp("2026-11-02 02:00")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("soon", "refund date: expected a timestamp"),
        ("2026-11-01 09:00", "refund date before the order's time"),
    ],
)
def test_a_refund_date_that_cannot_date_the_refund_is_quarantined(tmp_path, store, value, reason):
    rows = ROWS.replace("退款成功,,2026-11-15 12:00", f"退款成功,,{value}")
    report = load(store, write(tmp_path / "orders.csv", HEAD + rows))
    assert report.files[0].n_quarantined == 1
    bad = store.query('SELECT line, "column", value, reason FROM quarantine')
    assert bad[["line", "column", "value"]].values.tolist() == [[4, "退款完结时间", value]]
    assert bad["reason"].iloc[0].startswith(reason)
    assert "A2-refund" not in set(store.query("SELECT order_id FROM orders")["order_id"])


def test_a_stored_sale_closed_later_without_a_time_is_netted_at_its_refund_date(tmp_path, store):
    # Taobao's later export: the orders paid before now closed (交易关闭), 订单付款时间 empty,
    # the refund dated; the return line falls on the refund's day, and a refund date before the
    # stored sale is refused as it is beside a time (it was checked against no time at all)
    head = "订单编号,买家会员名,商家编码,购买数量,商品价格,订单付款时间,订单状态"
    first = f"{head}\nT1,tb_ann,DR-1,1,199.00,2026-11-11 10:00,交易成功\n"
    first += "T2,tb_bob,DR-1,1,199.00,2026-11-12 10:00,交易成功\n"
    load(store, write(tmp_path / "a" / "orders.csv", first))
    later = (
        f"{head},退款完结时间\n"
        "T1,tb_ann,DR-1,1,199.00,,交易关闭,2026-11-20 09:30\n"
        "T2,tb_bob,DR-1,1,199.00,,交易关闭,2026-11-01 09:00\n"
    )
    path = write(tmp_path / "b" / "orders.csv", later)
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (2, 1, 1)
    assert list(f.reasons) == [
        "refund date before the order's time: expected the date the refund was made"
    ]
    got = times(store)
    assert got["T1-refund", "DR-1"] == pd.Timestamp("2026-11-20 09:30")
    assert ("T2-refund", "DR-1") not in got
    assert shop_summary(store).revenue == pytest.approx(199.0)  # T2 stays a sale
    assert load(store, path).n_new == 0


def test_woocommerces_date_of_first_refund_dates_the_return_lines(tmp_path, store):
    # Advanced Order Export For WooCommerce's order field "Date of first refund" (beside its
    # "Order Refund Amount"): the refund falls on that day, not on the day of the sale
    head = "Order Number,Order Status,Order Date,Customer User ID,Item SKU,Quantity,Item Cost,"
    head += "Order Refund Amount,Date of first refund\n"
    rows = (
        "20001,completed,2025-11-28 10:00,17,SKU-1,2,12.50,5.00,2025-12-03 16:20\n"
        "20002,refunded,2025-11-29 11:00,18,SKU-1,1,12.50,12.50,2025-12-01 09:00\n"
        "20003,completed,2025-11-30 12:00,19,SKU-1,1,12.50,,\n"
    )
    path = write(tmp_path / "orders.csv", head + rows)
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 3, 0)
    got = times(store)
    assert got["20001-refund", "SKU-1"] == pd.Timestamp("2025-12-03 16:20")
    assert got["20002-refund", "SKU-1"] == pd.Timestamp("2025-12-01 09:00")
    assert got["20001", "SKU-1"] == pd.Timestamp("2025-11-28 10:00")
    assert ("20003-refund", "SKU-1") not in got
    assert shop_summary(store).revenue == pytest.approx(25 - 5 + 12.5)
    assert load(store, path).n_new == 0

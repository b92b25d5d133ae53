"""Order exports of the big Chinese platforms (JD 京东, Taobao) read as they come: their own
column names and their order statuses."""

from __future__ import annotations

import pytest

from promopilot.data.order_status import CANCELLED_REASON
from tests.data.loads import load
from tests.data.test_ingest import write

# each platform's header as its back office exports it (JD's 应付金额 included: the order's
# amount, never read as a line's)
JD = (
    "订单号,商品ID,商品名称,订购数量,下单时间,京东价,应付金额,订单状态,下单帐号,客户姓名,联系电话\n"
    "J1,100012,保温杯,2,2025-03-01 10:00:00,59.00,206.00,完成,jd_ann,王芳,13800138000\n"
    "J1,100013,茶叶,1,2025-03-01 10:00:00,88.00,206.00,完成,jd_ann,王芳,13800138000\n"
    "J2,100013,茶叶,1,2025-03-02 11:00:00,88.00,88.00,已取消,jd_bob,李雷,13900139000\n"
)
TAOBAO = (
    "订单编号,买家会员名,宝贝标题,商家编码,购买数量,商品价格,订单付款时间,订单状态\n"
    "T1,tb_ann,连衣裙,DR-1,1,199.00,2025-03-01 10:00:00,交易成功\n"
    "T1,tb_ann,腰带,BL-2,2,30.00,2025-03-01 10:00:00,交易成功\n"
    "T2,tb_bob,连衣裙,DR-1,1,199.00,,交易关闭\n"
)
# (file, the lines stored: order, customer, product, quantity, unit price, discount, time, and
# the lines quarantined by reason)
SHAPES = {
    "jd": (
        JD,
        [
            ("J1", "jd_ann", "100012", 2, 59.0, 0.0, "2025-03-01 10:00:00"),
            ("J1", "jd_ann", "100013", 1, 88.0, 0.0, "2025-03-01 10:00:00"),
        ],
        {CANCELLED_REASON: 1},
    ),
    "taobao": (
        TAOBAO,
        [
            ("T1", "tb_ann", "DR-1", 1, 199.0, 0.0, "2025-03-01 10:00:00"),
            ("T1", "tb_ann", "BL-2", 2, 30.0, 0.0, "2025-03-01 10:00:00"),
        ],
        # closed unpaid: no payment time, the only time this export gives
        {"missing value in required column timestamp": 1},
    ),
}


def _lines(store) -> list[tuple]:
    orders = store.query(
        "SELECT order_id, customer_id, product_id, quantity, unit_price, discount, "
        "strftime(timestamp, '%Y-%m-%d %H:%M:%S') AS ts FROM orders"
    )
    return [tuple(r) for r in orders.itertuples(index=False)]


@pytest.mark.parametrize("platform", list(SHAPES))
def test_a_platforms_order_export_loads_as_it_comes(tmp_path, store, platform):
    text, lines, reasons = SHAPES[platform]
    path = write(tmp_path / platform / "orders.csv", text, "utf-8-sig")
    report = load(store, path.parent)
    assert sorted(_lines(store)) == sorted(lines)
    assert report.files[0].reasons == reasons
    # the order's total (应付金额, 订单应付金额) is not a line's: the prices are the units'
    assert load(store, path.parent).n_new == 0  # re-ingesting adds nothing


def test_the_shops_code_is_the_product_and_the_platforms_id_fills_an_empty_one(tmp_path, store):
    # 商家编码 before 商品ID; a line without a code keeps the platform's id, not no product
    path = write(
        tmp_path / "orders.csv",
        "订单编号,买家会员名,商品ID,商家编码,购买数量,单价,订单创建时间,订单付款时间\n"
        "T1,tb_ann,5550001,DR-1,1,199,2025-03-01 09:58:00,2025-03-01 10:00:00\n"
        "T1,tb_ann,5550002,,1,30,2025-03-01 09:58:00,2025-03-01 10:00:00\n",
    )
    load(store, path)
    orders = store.query("SELECT product_id, strftime(timestamp, '%H:%M') AS t FROM orders")
    assert sorted(orders["product_id"]) == ["5550002", "DR-1"]
    assert set(orders["t"]) == {"09:58"}  # created, not paid: an unpaid order has no payment

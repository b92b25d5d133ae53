"""Order exports of the big Chinese platforms (JD 京东, Pinduoduo 拼多多, Douyin 抖店, Taobao),
read as they come: their own column names, their order statuses, and where a file has no buyer
id, the recipient's mobile number (its hash) as the customer."""

from __future__ import annotations

import pytest

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.order_status import CANCELLED_REASON
from promopilot.data.phone_ids import NOT_A_NUMBER
from promopilot.data.summary import shop_summary
from promopilot.exceptions import InputError
from tests.data.loads import load
from tests.data.test_ingest import cli, write
from tests.data.test_privacy import _rows_mentioning

# each platform's header as its back office exports it (order-level amounts included: 应付金额,
# 订单应付金额 are the order's, never read as a line's)
JD = (
    "订单号,商品ID,商品名称,订购数量,下单时间,京东价,应付金额,订单状态,下单帐号,客户姓名,联系电话\n"
    "J1,100012,保温杯,2,2025-03-01 10:00:00,59.00,206.00,完成,jd_ann,王芳,13800138000\n"
    "J1,100013,茶叶,1,2025-03-01 10:00:00,88.00,206.00,完成,jd_ann,王芳,13800138000\n"
    "J2,100013,茶叶,1,2025-03-02 11:00:00,88.00,88.00,已取消,jd_bob,李雷,13900139000\n"
)
PDD = (
    "商品,订单号,订单状态,商品总价(元),用户实付金额(元),商品数量(件),收货人,手机,订单成交时间,"
    "商品id,商家编码-SKU维度\n"
    "毛巾,P1,已签收,30.00,25.00,2,张三,13800138000,2025-03-01 10:00:00,9001,TW-01\n"
    '牙刷,P2,"已发货，待签收",10.00,10.00,1,张三,138 0013 8000,2025-03-03 10:00:00,9002,\n'
    "毛巾,P3,已取消,15.00,15.00,1,李四,13900139000,2025-03-04 10:00:00,9001,TW-01\n"
    '毛巾,P4,"未发货，退款成功",15.00,15.00,1,王五,13700137000,2025-03-05 10:00:00,9001,TW-01\n'
)
DOUYIN = (
    "主订单编号,子订单编号,选购商品,商品规格,商品数量,商品ID,商家编码,商品单价,订单应付金额,"
    "订单提交时间,支付完成时间,订单状态,收件人手机号\n"
    "D1,D1-1,面膜,10片装,1,777,MM-10,49.90,89.80,2025-03-01 10:00:00,2025-03-01 10:05:00,"
    "已完成,13900139000\n"
    "D1,D1-2,精华,30ml,2,778,ES-30,19.95,89.80,2025-03-01 10:00:00,2025-03-01 10:05:00,"
    "售后中,13900139000\n"
    "D2,D2-1,面膜,10片装,1,777,MM-10,49.90,49.90,2025-03-02 10:00:00,,已关闭,13900139000\n"
    "D3,D3-1,面膜,10片装,1,777,MM-10,49.90,49.90,2025-03-03 10:00:00,2025-03-03 10:01:00,"
    "待发货,13900139000\n"
)
TAOBAO = (
    "订单编号,买家会员名,宝贝标题,商家编码,购买数量,商品价格,订单付款时间,订单状态\n"
    "T1,tb_ann,连衣裙,DR-1,1,199.00,2025-03-01 10:00:00,交易成功\n"
    "T1,tb_ann,腰带,BL-2,2,30.00,2025-03-01 10:00:00,交易成功\n"
    "T2,tb_bob,连衣裙,DR-1,1,199.00,,交易关闭\n"
)
DOUYIN_BUYER = stored_customer_id("13900139000")
ZHANG = stored_customer_id("13800138000")

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
    "pinduoduo": (
        PDD,
        [  # 商品总价 is the line's subtotal; the discount what the buyer paid less (用户实付金额)
            ("P1", ZHANG, "TW-01", 2, 15.0, 5.0, "2025-03-01 10:00:00"),
            ("P2", ZHANG, "9002", 1, 10.0, 0.0, "2025-03-03 10:00:00"),
            ("P4", stored_customer_id("13700137000"), "TW-01", 1, 15.0, 0.0, "2025-03-05 10:00:00"),
            (  # 未发货，退款成功: refunded, netted by its return line
                "P4-refund",
                stored_customer_id("13700137000"),
                "TW-01",
                -1,
                15.0,
                0.0,
                "2025-03-05 10:00:00",
            ),
        ],
        {CANCELLED_REASON: 1},
    ),
    "douyin": (
        DOUYIN,
        [  # 主订单编号 is the order; 商家编码 the product; 订单提交时间 the time
            ("D1", DOUYIN_BUYER, "MM-10", 1, 49.9, 0.0, "2025-03-01 10:00:00"),
            ("D1", DOUYIN_BUYER, "ES-30", 2, 19.95, 0.0, "2025-03-01 10:00:00"),
            ("D3", DOUYIN_BUYER, "MM-10", 1, 49.9, 0.0, "2025-03-03 10:00:00"),
        ],
        {CANCELLED_REASON: 1},
    ),
    "taobao": (
        TAOBAO,
        [
            ("T1", "tb_ann", "DR-1", 1, 199.0, 0.0, "2025-03-01 10:00:00"),
            ("T1", "tb_ann", "BL-2", 2, 30.0, 0.0, "2025-03-01 10:00:00"),
        ],
        # closed unpaid: no payment time, the only time this export gives, and quarantined as
        # not a sale, which it is (it was "missing value in required column timestamp")
        {CANCELLED_REASON: 1},
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


def test_a_taobao_order_closed_unpaid_is_quarantined_as_never_sold(tmp_path, store):
    # the same reason, column and value as a closed line with a payment time: the status, not
    # the empty time it was refused for
    text = TAOBAO + "T3,tb_cy,腰带,BL-2,1,30.00,2025-03-02 09:00:00,交易关闭\n"
    report = load(store, write(tmp_path / "orders.csv", text, "utf-8-sig"))
    assert (report.n_loaded, report.n_quarantined) == (2, 2)
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad.values.tolist() == [
        [4, "订单状态", "交易关闭", CANCELLED_REASON],
        [5, "订单状态", "交易关闭", CANCELLED_REASON],
    ]


def test_an_empty_time_still_refuses_a_sale_and_a_stored_sale_closed_without_one_is_netted(
    tmp_path, store
):
    # 交易成功 without a time is still a missing time; a sale stored by an earlier export and
    # closed in a later one without a time (Taobao leaves 订单付款时间 empty once an order is
    # closed) is netted by its return line at the stored sale's time, as a refund without a
    # date is; before, it was quarantined as never sold and its revenue stayed counted
    load(store, write(tmp_path / "a" / "orders.csv", TAOBAO))
    later = TAOBAO.replace("2025-03-01 10:00:00,交易成功\n", ",交易关闭\n", 1).replace(
        "T2,tb_bob,连衣裙,DR-1,1,199.00,,交易关闭", "T4,tb_bob,连衣裙,DR-1,1,199.00,,交易成功"
    )
    path = write(tmp_path / "b" / "orders.csv", later)
    f = load(store, path).files[0]
    assert f.reasons == {"missing value in required column timestamp": 1}
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 2, 1)
    lines = store.query(
        "SELECT order_id, product_id, quantity, unit_price, is_return, "
        "strftime(timestamp, '%Y-%m-%d %H:%M') AS t FROM orders ORDER BY order_id, product_id"
    ).values.tolist()
    assert lines == [
        ["T1", "BL-2", 2, 30.0, False, "2025-03-01 10:00"],
        ["T1", "DR-1", 1, 199.0, False, "2025-03-01 10:00"],
        ["T1-refund", "DR-1", -1, 199.0, True, "2025-03-01 10:00"],
    ]
    assert shop_summary(store).revenue == 60
    assert load(store, path).n_new == 0  # re-ingesting the later export adds nothing
    assert store.count("orders") == 3


def test_a_line_closed_without_a_time_and_never_stored_is_still_not_a_sale(tmp_path, store):
    # the stored sale is matched by its order, product, quantity and price: another order's
    # closed line, or another quantity of a stored one, is quarantined as before, not netted
    load(store, write(tmp_path / "a" / "orders.csv", TAOBAO))
    head, sale = TAOBAO.split("\n")[:2]
    other = "T9,tb_cy,连衣裙,DR-1,1,199.00,,交易关闭\nT1,tb_ann,腰带,BL-2,1,30.00,,交易关闭\n"
    report = load(store, write(tmp_path / "b" / "orders.csv", f"{head}\n{sale}\n{other}"))
    assert report.files[0].reasons == {CANCELLED_REASON: 2}
    assert not store.scalar("SELECT count(*) FROM orders WHERE is_return")


def test_the_items_name_and_variant_come_from_the_platforms_columns(tmp_path, store):
    load(store, write(tmp_path / "dy" / "orders.csv", DOUYIN).parent)
    titles = store.table("products").set_index("product_id")["title"].to_dict()
    assert titles == {"MM-10": "面膜", "ES-30": "精华"}  # 选购商品


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


def test_customers_without_a_buyer_id_are_the_hash_of_their_mobile_number(tmp_path, store):
    path = write(tmp_path / "shop" / "orders.csv", PDD)
    report = load(store, path.parent)
    notes = report.files[0].notes
    assert any("one-way hash of the mobile number in '手机'" in n for n in notes)
    orders = store.table("orders")
    # 13800138000 and 138 0013 8000 are one number: one customer with two orders
    assert orders.groupby("customer_id")["order_id"].nunique().to_dict()[ZHANG] == 2
    contacts = store.query("SELECT customer_id, phone, name FROM contacts ORDER BY phone")
    # the number as the file wrote it, no country named: its digits, no +86 guessed
    assert contacts.loc[contacts["customer_id"] == ZHANG, "phone"].tolist() == ["13800138000"]
    assert contacts["name"].isna().all()  # the recipient's name is kept nowhere as an id
    needles = ["13800138000", "0013 8000", "13700137000", "13900139000"]
    assert _rows_mentioning(store, needles, skip=("contacts",)) == {}
    assert _rows_mentioning(store, ["张三", "李四", "王五"]) == {}


def test_a_cell_that_is_no_mobile_number_is_quarantined_and_kept_nowhere(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "订单号,商品id,商品数量(件),商品总价(元),订单成交时间,收件人手机号\n"
        "P1,9001,1,10,2025-03-01 10:00:00,13800138000\n"
        "P2,9001,1,10,2025-03-02 10:00:00,021-5555-1234\n",
    )
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 1)
    bad = store.query('SELECT "column", value, reason, customer_id, raw FROM quarantine')
    assert bad[["column", "reason"]].values.tolist() == [["收件人手机号", NOT_A_NUMBER]]
    # the landline as written or as digits: a bare "5555" also turns up by chance in a file hash
    # or a timestamp's microseconds (the test failed once so)
    needles = ["5555-1234", "55551234", "13800138000"]
    assert _rows_mentioning(store, needles, skip=("contacts",)) == {}


def test_a_recipients_name_alone_is_no_customer_id(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        "订单号,商品id,商品数量(件),商品总价(元),订单成交时间,收货人\n"
        "P1,9001,1,10,2025-03-01 10:00:00,张三\n",
    )
    with pytest.raises(InputError, match=r"missing required column.*customer_id"):
        load(store, path)


def test_a_file_of_masked_mobile_numbers_is_refused_in_one_line(tmp_path, capsys):
    path = write(
        tmp_path / "shop" / "orders.csv",
        PDD.replace("13800138000", "138****8000")
        .replace("138 0013 8000", "138****8000")
        .replace("13900139000", "139****9000")
        .replace("13700137000", "137****7000"),
    )
    code, _, err = cli(["ingest", str(path.parent), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv: line 2, column 手机: the mobile numbers are masked" in err
    assert "xxx****xxxx" in err and "8000" not in err  # the number itself is not shown
    assert "export the buyer id column" in err


# Pinduoduo's money columns as its export gives them: 用户实付金额 = 商品总价 + 邮费 - 店铺优惠折扣
# - 平台优惠折扣
PDD_MONEY = (
    "订单号,商品,商品总价(元),店铺优惠折扣(元),平台优惠折扣(元),邮费(元),用户实付金额(元),"
    "商家实收金额(元),商品数量(件),手机,订单成交时间,商品id\n"
    "P1,毛巾,30.00,3.00,2.00,6.00,31.00,27.00,2,13800138000,2025-03-01 10:00:00,9001\n"
    "P2,牙刷,10.00,0.00,0.00,0.00,10.00,10.00,1,13800138000,2025-03-02 10:00:00,9002\n"
    "P3,毛巾,15.00,0.00,0.00,8.00,23.00,15.00,1,13900139000,2025-03-03 10:00:00,9001\n"
)


def _without(text: str, column: str) -> str:
    """The CSV `text` (no quoted cells) without its `column`."""
    rows = [line.split(",") for line in text.splitlines()]
    at = rows[0].index(column)
    return "".join(",".join(r[:at] + r[at + 1 :]) + "\n" for r in rows)


# what the buyer paid, without the shop's share of the discount beside it
PDD_PAID = _without(PDD_MONEY, "店铺优惠折扣(元)")


def test_pinduoduos_buyer_paid_amount_less_its_postage_gives_the_lines_discount(tmp_path, store):
    # without the platform's share beside it: the shop's and the platform's discounts together
    path = write(tmp_path / "shop" / "orders.csv", _without(PDD_PAID, "平台优惠折扣(元)"))
    report = load(store, path.parent)
    lines = store.query("SELECT order_id, unit_price, discount FROM orders ORDER BY order_id")
    # P1: 30 - (31 - 6) = 5, the shop's 3 and the platform's 2; P3: its 8 of postage is none
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("P1", 15.0, 5.0),
        ("P2", 10.0, 0.0),
        ("P3", 15.0, 0.0),
    ]
    note = (
        "less its postage '邮费(元)', at least 0 (the shop's and the platform's discounts together)"
    )
    assert any(note in n for n in report.files[0].notes)
    assert load(store, path.parent).n_new == 0


def test_pinduoduos_platform_share_beside_what_the_buyer_paid_is_not_the_shops(tmp_path, store):
    # 平台优惠折扣 without 店铺优惠折扣: the platform's share, which 用户实付金额 takes off too, is
    # added back (before, P1 had 5.00: the platform's 2.00 counted as the shop's)
    path = write(
        tmp_path / "shop" / "orders.csv",
        PDD_PAID.replace("P2,牙刷,10.00,0.00,", "P2,牙刷,10.00,,"),  # a blank share: 0
    )
    report = load(store, path.parent)
    assert report.n_quarantined == 0
    lines = store.query("SELECT order_id, unit_price, discount FROM orders ORDER BY order_id")
    # P1: 30 - (31 - 6 + 2) = 3, the shop's own 3; P3: 15 - (23 - 8 + 0) = 0
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("P1", 15.0, 3.0),
        ("P2", 10.0, 0.0),
        ("P3", 15.0, 0.0),
    ]
    note = (
        "less its postage '邮费(元)' and with the platform's share '平台优惠折扣(元)' (Pinduoduo "
        "gives it, not the shop) added back, at least 0 (the shop's discount)"
    )
    assert any(note in n for n in report.files[0].notes)
    assert load(store, path.parent).n_new == 0


# newer exports: 多多支付立减金额, a payment discount that 用户实付金额 takes off too (P1: 1.50,
# paid 31.00 - 1.50 = 29.50; P3: 0.50 of its 8.00 postage, paid 22.50)
PDD_REDUCED = (
    PDD_PAID.replace("平台优惠折扣(元),", "平台优惠折扣(元),多多支付立减金额(元),")
    .replace(",2.00,6.00,31.00,", ",2.00,1.50,6.00,29.50,")
    .replace(",0.00,0.00,10.00,", ",0.00,,0.00,10.00,")
    .replace(",0.00,8.00,23.00,", ",0.00,0.50,8.00,22.50,")
)


def test_pinduoduos_payment_discount_is_not_read_as_the_shops(tmp_path, store):
    path = write(tmp_path / "shop" / "orders.csv", PDD_REDUCED)
    report = load(store, path.parent)
    assert report.n_quarantined == 0
    lines = store.query("SELECT order_id, unit_price, discount FROM orders ORDER BY order_id")
    # P1: 30 - (29.50 - 6 + 1.50 + 2) = 3, the shop's own 3 (before: 6.50, the payment's 1.50
    # and the platform's 2 counted as the shop's; then 5.00, the platform's 2 still counted);
    # P3: 15 - (22.50 - 8 + 0.50 + 0) = 0 (before: 0.50)
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("P1", 15.0, 3.0),
        ("P2", 10.0, 0.0),
        ("P3", 15.0, 0.0),
    ]
    note = (
        "less its postage '邮费(元)' and with its payment discount '多多支付立减金额(元)' "
        "(Pinduoduo's payment gives it, not the shop) and the platform's share '平台优惠折扣(元)' "
        "(Pinduoduo gives it, not the shop) added back, at least 0 (the shop's discount)"
    )
    assert any(note in n for n in report.files[0].notes)
    assert load(store, path.parent).n_new == 0


def test_without_its_postage_column_a_buyer_paid_amount_above_the_subtotal_is_no_discount(
    tmp_path, store
):
    text = PDD_PAID.replace(",邮费(元)", "").replace(",6.00,31.00", ",31.00")
    text = text.replace(",0.00,10.00,10.00", ",10.00,10.00").replace(",8.00,23.00", ",23.00")
    path = write(tmp_path / "shop" / "orders.csv", text)
    report = load(store, path.parent)
    assert report.n_quarantined == 0  # postage in what was paid: no negative discount
    discounts = store.query("SELECT order_id, discount FROM orders ORDER BY order_id")
    assert discounts["discount"].tolist() == [0.0, 0.0, 0.0]


def test_pinduoduos_shop_discount_is_the_lines_discount_beside_what_the_buyer_paid(tmp_path, store):
    # 店铺优惠折扣 is the shop's own share: P1's 3.00, not the 5.00 that 用户实付金额 takes off
    # with the platform's 2.00 (平台优惠折扣), which the shop does not give
    path = write(tmp_path / "shop" / "orders.csv", PDD_MONEY)
    report = load(store, path.parent)
    lines = store.query("SELECT order_id, unit_price, discount FROM orders ORDER BY order_id")
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("P1", 15.0, 3.0),
        ("P2", 10.0, 0.0),
        ("P3", 15.0, 0.0),
    ]
    note = (
        "discount: '店铺优惠折扣(元)', the shop's own share, not '商品总价(元)' less what the "
        "buyer paid, '用户实付金额(元)' (which takes the platform's share off too)"
    )
    assert any(note in n for n in report.files[0].notes)
    assert load(store, path.parent).n_new == 0


def test_pinduoduos_shop_discount_is_read_without_what_the_buyer_paid(tmp_path, store):
    text = _without(_without(PDD_MONEY, "用户实付金额(元)"), "商家实收金额(元)")
    path = write(
        tmp_path / "shop" / "orders.csv", text.replace("P3,毛巾,15.00,0.00", "P3,毛巾,15.00,1.50")
    )
    report = load(store, path.parent)
    assert report.n_quarantined == 0
    lines = store.query("SELECT order_id, unit_price, discount FROM orders ORDER BY order_id")
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("P1", 15.0, 3.0),
        ("P2", 10.0, 0.0),
        ("P3", 15.0, 1.5),
    ]

"""A shop's export from a Chinese back office (Taobao, Tmall, Youzan, Weidian, Pinduoduo):
Chinese headers, GBK or UTF-8 with BOM, money written with ¥/￥ and thousands separators."""

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


def test_money_with_a_currency_sign_is_a_number(tmp_path, store):
    # ¥ (U+00A5) in UTF-8 files, the full-width ￥ (U+FFE5) in GBK ones (GBK has no ¥)
    shop = tmp_path / "shop"
    write(
        shop / "products.csv",
        '商品编码,商品名称,价格,成本价\nTB1,羽绒服,"¥1,299.00",520\nTB2,保温杯,89.00元,¥35\n',
        "utf-8-sig",
    )
    write(
        shop / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,优惠金额\n"
        'A1,2026/11/11 20:15:03,tb_lily,TB1,1,"￥1,299.00",￥30.00\n'
        "A1,2026/11/11 20:15:03,tb_lily,TB2,2,￥89.00,0\n"
        "R1,2026/11/12 09:00:00,tb_lily,TB2,-1,-￥89.00,0\n",
        "gbk",
    )
    report = load(store, shop)
    products = store.table("products").set_index("product_id")
    assert products["price"].to_dict() == {"TB1": 1299.0, "TB2": 89.0}
    assert products["cost"].to_dict() == {"TB1": 520.0, "TB2": 35.0}
    orders = store.table("orders").set_index(["order_id", "product_id"])
    assert orders.loc[("A1", "TB1"), "unit_price"] == 1299.0
    assert orders.loc[("A1", "TB1"), "discount"] == 30.0
    # a negative price is still refused, whichever side of the sign the minus is on
    assert [f.n_quarantined for f in report.files if f.table == "orders"] == [1]


def test_a_back_office_exports_headers_are_known(tmp_path, store):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        "主订单编号,订单创建时间,买家会员名,商家编码,商品名称,商品数量,商品单价,店铺优惠,收货人,手机号\n"
        "A1,2026-11-11 20:15:03,tb_lily,TB1,羽绒服,1,1299,0,张敏,13800138000\n",
        "gbk",
    )
    write(
        shop / "customers.csv",
        "会员ID,注册日期,省份,收货人,手机号,邮箱\ntb_lily,2026-01-05,上海,张敏,13800138000,a@b.cn\n",
    )
    reviews = "评价ID,买家ID,商品编码,评价内容,评价时间\nRV1,tb_lily,TB1,很暖和,2026-11-15\n"
    write(shop / "reviews.csv", reviews)
    load(store, shop)
    order = store.table("orders").iloc[0]
    assert order[["order_id", "customer_id", "product_id"]].tolist() == ["A1", "tb_lily", "TB1"]
    assert (order["quantity"], order["unit_price"]) == (1, 1299.0)
    review = store.table("reviews").iloc[0]
    assert review[["review_id", "customer_id", "text"]].tolist() == ["RV1", "tb_lily", "很暖和"]
    # the recipient and the mobile number are contact data: kept apart, never in customers
    contact = store.query("SELECT customer_id, phone, name, email FROM contacts").values.tolist()
    assert contact == [
        ["tb_lily", "13800138000", "张敏", "a@b.cn"]
    ]  # no country named: none guessed
    customers = store.table("customers")
    assert "13800138000" not in customers.astype(str).to_numpy().ravel().tolist()
    assert customers.iloc[0]["region"] == "上海"


def test_a_line_refunded_in_full_is_netted_by_its_return_line(tmp_path, store):
    # 退款状态 on each line: 退款成功 = refunded; 退款关闭 = the refund was withdrawn
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,优惠金额,退款状态\n"
        "A1,2026-11-11 20:15:03,u1,TB1,2,100,30,退款成功\n"
        "A1,2026-11-11 20:15:03,u1,TB2,1,50,0,无退款\n"
        "A2,2026-11-12 09:00:00,u2,TB1,1,100,0,退款关闭\n"
        "A3,2026-11-12 10:00:00,u3,TB1,1,100,0,\n",
        "gbk",
    )
    report = load(store, path)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(4, 4, 0)]
    orders = store.table("orders").set_index(["order_id", "product_id"]).sort_index()
    back = orders.loc[("A1-refund", "TB1")]
    assert (back["quantity"], back["unit_price"], back["discount"], back["is_return"]) == (
        -2,
        100,
        30,
        True,
    )
    assert len(orders) == 5  # only the refunded line has a return line
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (420, 170, 250)
    assert load(store, path).files[0].n_new == 0  # re-ingesting adds nothing


def test_a_unit_in_brackets_after_a_header_is_ignored(tmp_path, store):
    # Pinduoduo-style headers carry their unit: 商品数量(件), 单价(元), 成交时间（北京时间）
    path = write(
        tmp_path / "orders.csv",
        "订单号,订单成交时间（北京时间）,买家ID,商品ID,商品数量(件),单价(元),优惠金额[元]\n"
        "260101-1,2026-11-11 20:15:03,u1,778,2,1299.00,30.00\n",
    )
    load(store, path)
    order = store.table("orders").iloc[0]
    assert order[["order_id", "product_id", "quantity", "unit_price", "discount"]].tolist() == [
        "260101-1",
        "778",
        2,
        1299.0,
        30.0,
    ]


def test_an_order_status_column_nets_refunds_and_keeps_closed_orders_out(tmp_path, store):
    # JD/Pinduoduo/Youzan write one 订单状态 per line instead of a refund status: 交易成功 and
    # 待发货 (paid, not yet shipped) are sales; 已退款 was refunded in full; 交易关闭 (closed
    # unpaid or cancelled) was never a sale
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,订单状态\n"
        "A1,2025/11/11 10:03,u1,TB1,2,100,交易成功\n"
        "A2,2025/11/11 10:04,u2,TB1,1,100,待发货\n"
        "A3,2025/11/11 10:05,u3,TB1,1,100,已退款\n"
        "A4,2025/11/11 10:06,u4,TB1,3,100,交易关闭\n",
        "utf-8-sig",
    )
    report = load(store, path)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(4, 3, 1)]
    summary = shop_summary(store)
    assert (summary.gross_revenue, summary.returns, summary.revenue) == (400, 100, 300)
    assert "A3-refund" in set(store.table("orders")["order_id"])
    bad = store.query('SELECT line, "column", value, reason FROM quarantine').iloc[0]
    assert (bad["line"], bad["column"], bad["value"]) == (5, "订单状态", "交易关闭")
    assert "not a sale" in bad["reason"]
    # a refund status that says refunded wins over a closed order status (Taobao closes a
    # refunded order): the sale and its return line
    path = write(
        tmp_path / "taobao" / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,订单状态,退款状态\n"
        "B1,2025/11/11 10:03,u1,TB1,1,100,交易关闭,退款成功\n",
    )
    assert [(f.n_loaded, f.n_quarantined) for f in load(store, path).files] == [(1, 0)]
    assert "B1-refund" in set(store.table("orders")["order_id"])


def test_summary_money_has_no_float_dust_or_negative_zero(tmp_path, store):
    # sums of sales and of returns taken apart differ in their last bits: a shop without a
    # single postage line was shown "non-product lines -0.00"
    lines = ["订单号,下单时间,买家ID,商品编码,数量,单价"]
    for i in range(20):
        lines += [f"A{i},2025/11/11 10:03,u1,TB1,1,0.1", f"R{i},2025/11/12 10:03,u1,TB1,-1,0.3"]
        lines.append(f"B{i},2025/11/11 10:03,u1,TB2,1,1299.9")
    load(store, write(tmp_path / "orders.csv", "\n".join(lines) + "\n"))
    summary = shop_summary(store)
    assert f"{summary.non_product_revenue:,.2f}" == "0.00"
    assert summary.revenue == summary.product_revenue == 25994.0  # 20 x (0.1 - 0.3 + 1299.9)
    assert (summary.gross_revenue, summary.returns) == (26000.0, 6.0)


def test_behaviour_words_of_chinese_and_common_logs_are_the_known_events(tmp_path, store):
    # 浏览/加购/收藏/购买 as a Chinese back office writes them, pv/cart/fav/buy as Alibaba's
    # user-behaviour logs do, addtocart/transaction as RetailRocket's: the profile and the
    # recommenders count views, carts and wishlists by their English names
    rows = [
        ("浏览", "view"),
        ("加购", "cart"),
        ("加入购物车", "cart"),
        ("收藏", "wishlist"),
        ("购买", "purchase"),
        ("pv", "view"),
        ("fav", "wishlist"),
        ("buy", "purchase"),
        ("addtocart", "cart"),
        ("transaction", "purchase"),
        (" View ", "view"),
        ("分享", "分享"),  # any other word is kept as written
    ]
    text = "时间,用户ID,商品ID,行为\n" + "".join(
        f"2025-11-{i + 1:02d} 10:00:00,u1,TB1,{word}\n" for i, (word, _) in enumerate(rows)
    )
    load(store, write(tmp_path / "events.csv", text, "gbk"))
    stored = store.query("SELECT event FROM events ORDER BY timestamp")["event"].tolist()
    assert stored == [event for _, event in rows]


def test_star_ratings_written_as_stars_are_numbers(tmp_path, store):
    # review exports write the rating as 5星, 4分 or ★★★ as often as 5
    path = write(
        tmp_path / "reviews.csv",
        "评价ID,买家ID,商品编码,评价内容,评分\n"
        "R1,u1,TB1,很好,5星\nR2,u1,TB2,一般,★★★\nR3,u2,TB1,还行,4 分\nR4,u2,TB2,差,1\n"
        "R5,u3,TB1,好评,好评\nR6,u3,TB2,不错,四星\nR7,u4,TB1,很好,五颗星\n",
        "gbk",
    )
    report = load(store, path)
    ratings = store.table("reviews").set_index("review_id")["rating"].to_dict()
    assert ratings == {"R1": 5.0, "R2": 3.0, "R3": 4.0, "R4": 1.0, "R6": 4.0, "R7": 5.0}
    # a word is no number: quarantined with the value named
    assert [f.n_quarantined for f in report.files] == [1]
    bad = store.query('SELECT "column", value, reason FROM quarantine').iloc[0].tolist()
    assert bad == ["rating", "好评", "expected a number"]


def test_iso_dates_are_read_in_a_column_whose_format_was_detected(tmp_path, store):
    # two exports pasted together: the old back office wrote ISO 8601, the new one 2025/11/14
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品编码,商品数量,单价\n"
        "A1,2025/11/11 10:03,u1,TB1,1,5\nA2,2025-11-12 10:03:00,u1,TB1,1,5\n"
        "A3,2025/11/13 10:03,u1,TB1,1,5\nA4,2025/11/14 10:03,u1,TB1,1,5\n"
        "A5,11.15.2025,u1,TB1,1,5\n",
    )
    report = load(store, path)
    assert [(f.n_loaded, f.n_quarantined) for f in report.files] == [(4, 1)]
    times = store.table("orders").set_index("order_id")["timestamp"]
    assert times["A2"] == pd.Timestamp("2025-11-12 10:03:00")
    reason = store.query("SELECT reason FROM quarantine").iat[0, 0]
    assert reason == "expected a timestamp in the format %Y/%m/%d %H:%M or ISO 8601"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_title_with_no_header_in_the_first_six_lines_is_named_in_the_refusal(
    tmp_path, store, suffix
):
    # a title (订单导出 2025-11-30) above the header is skipped (tests/data/test_title_lines.py),
    # but not six lines of it: the header is looked for in the first six lines only
    rows = (
        [["订单导出 2025-11-30", "", "", "", "", ""]]
        + [[""] * 6] * 5
        + [
            ["订单编号", "下单时间", "买家ID", "商品编码", "商品数量", "单价"],
            ["A1", "2025-11-11", "u1", "TB1", "1", "5"],
        ]
    )
    path = tmp_path / "shop" / f"orders.{suffix}"
    path.parent.mkdir()
    if suffix == "csv":
        write(path, "".join(",".join(r) + "\n" for r in rows), "utf-8-sig")
    else:
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        frame.to_excel(path, index=False)
    with pytest.raises(InputError) as refused:
        ingest(store, path.parent)
    message = str(refused.value)
    assert "\n" not in message and "orders" in message
    assert "missing required columns" in message and "expected order_id, timestamp" in message
    assert "line 1 looks like a title" in message
    assert "none of the first 6 lines is a header" in message


def test_an_id_excel_wrote_in_scientific_notation_is_quarantined(tmp_path, store):
    # an 18-digit order number opened in Excel and saved again reads 2.50001E+18: orders of
    # different customers would become one order
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品编码,商品数量,单价\n"
        "2.50001E+18,2025/11/11 10:03,u1,TB1,1,5\n"
        "2.50001E+18,2025/11/11 10:05,u2,TB1,1,5\n"
        "250001000000000123,2025/11/11 10:07,u3,TB1,1,5\n",
        "gbk",
    )
    report = load(store, path)
    assert [(f.n_loaded, f.n_quarantined) for f in report.files] == [(1, 2)]
    assert store.table("orders")["order_id"].tolist() == ["250001000000000123"]
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    assert bad[["line", "column", "value"]].values.tolist() == [
        [2, "order_id", "2.50001E+18"],
        [3, "order_id", "2.50001E+18"],
    ]
    assert "scientific notation" in bad["reason"].iat[0]


def test_a_workbooks_long_number_id_is_quarantined_not_rounded_into_another(tmp_path, store):
    # a workbook cell holds a double: an 18-digit order number typed as a number has lost its
    # last digits (Excel keeps 15), so it may read as another order's number
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["订单编号", "下单时间", "买家ID", "商品编码", "商品数量", "单价"])
    sheet.append([250000000000123456, "2025/11/11 10:03", "u1", "TB1", 1, 5])
    sheet.append(["250000000000123457", "2025/11/11 10:04", "u2", "TB1", 1, 5])
    sheet.append([250000000480, "2025/11/11 10:05", "u3", "TB1", 1, 5])  # 12 digits: exact
    path = tmp_path / "shop" / "orders.xlsx"
    path.parent.mkdir()
    book.save(path)
    report = load(store, path.parent)
    assert [(f.n_loaded, f.n_quarantined) for f in report.files] == [(2, 1)]
    stored = sorted(store.table("orders")["order_id"])
    assert stored == ["250000000000123457", "250000000480"]
    bad = store.query('SELECT line, "column", value, reason FROM quarantine').iloc[0]
    assert (bad["line"], bad["column"], bad["value"]) == (2, "order_id", "2.50000000000123E+17")
    assert "scientific notation" in bad["reason"]


def test_the_ingest_report_says_why_new_rows_outnumber_loaded_ones(tmp_path, store):
    # the return lines made from refund statuses are new rows that no line of the file is
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,订单状态\n"
        "A1,2025/11/11 10:03,u1,TB1,2,100,已退款\nA2,2025/11/11 10:04,u2,TB1,1,100,交易成功\n",
    )
    (file,) = load(store, path).files
    assert (file.n_read, file.n_loaded, file.n_new) == (2, 2, 3)
    assert "1 return line added for lines refunded in full" in " ".join(file.notes)
    (again,) = load(store, path).files
    assert again.n_new == 0 and not any("return line" in n for n in again.notes)


def test_the_dashboards_revenue_is_net_of_refunds_like_the_summary(tmp_path, store):
    # the dashboard's figures said "net of discounts, returns excluded": the overview netted
    # the refunds out, while the customer page, the weekly chart and the segments counted the
    # refunded sale as revenue
    from promopilot.data.queries import serve as queries

    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,优惠金额,订单状态\n"
        "A1,2025/11/11 10:03,u1,TB1,2,100,20,已退款\n"
        "A2,2025/11/12 10:03,u1,TB2,1,50,0,交易成功\n",
    )
    load(store, path)
    assert shop_summary(store).revenue == 50
    assert queries.customer_profile(store, "u1")["revenue"] == 50
    assert queries.customer_profile(store, "u1")["orders"] == 2
    weekly = queries.weekly_revenue(store)
    assert (weekly["revenue"].sum(), weekly["orders"].sum()) == (50, 2)
    assert queries.monthly_customer_revenue(store)["revenue"].sum() == 50


def test_the_review_text_is_the_content_not_the_verdict_beside_it(tmp_path, store):
    # Taobao's review export has 评价 (好评/中评/差评) beside 评价内容 (what the buyer wrote)
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv", "订单号,下单时间,买家ID,商品编码,数量,单价\nA1,2025-01-02,u1,TB1,1,5\n"
    )
    write(
        shop / "reviews.csv",
        "买家ID,商品编码,评价,评价内容,评价时间\nu1,TB1,差评,质量太差了，退货,2025-01-05\n",
    )
    load(store, shop)
    assert store.table("reviews")["text"].tolist() == ["质量太差了，退货"]


def test_two_variants_of_one_product_in_an_order_are_one_line_of_both(tmp_path, store):
    # a buyer takes a dress in red M and in blue L: two lines of one 商品ID, told apart only by
    # 商品规格; the second was quarantined as a conflicting duplicate, and a third variant at the
    # same price and quantity as the first was dropped as its repeat
    path = write(
        tmp_path / "orders.csv",
        "订单编号,下单时间,买家ID,商品ID,商品规格,商品数量,单价,优惠金额\n"
        "A1,2025-01-02 10:03:05,u1,SP1,红色 M,1,59,5\n"
        "A1,2025-01-02 10:03:05,u1,SP1,蓝色 L,2,69,0\n"
        "A1,2025-01-02 10:03:05,u1,SP1,黑色 S,1,59,5\n"
        "A1,2025-01-02 10:03:05,u1,SP2,,1,10,0\n"
        "A1,2025-01-02 10:03:05,u1,SP1,红色 M,1,59,5\n",  # the same line again: a repeat
        "gbk",
    )
    report = load(store, path)
    assert [(f.n_read, f.n_loaded, f.n_quarantined) for f in report.files] == [(5, 5, 0)]
    line = store.table("orders").set_index("product_id").loc["SP1"]
    assert (line["quantity"], line["discount"]) == (4, 10)
    assert line["quantity"] * line["unit_price"] == pytest.approx(59 + 2 * 69 + 59)
    assert shop_summary(store).revenue == pytest.approx(59 + 138 + 59 + 10 - 10)
    assert load(store, path).files[0].n_new == 0  # re-ingesting adds nothing


@pytest.mark.parametrize(
    "status", ["等待付款", "待支付", "未支付", "已取消", "TRADE_CLOSED_BY_TAOBAO", "WAIT_BUYER_PAY"]
)
def test_each_platforms_word_for_an_unpaid_or_cancelled_order_is_not_a_sale(
    tmp_path, store, status
):
    # JD writes 等待付款, Youzan 待支付, Pinduoduo 未支付/已取消, Taobao's API TRADE_CLOSED
    path = write(
        tmp_path / "orders.csv",
        "订单号,下单时间,买家ID,商品编码,数量,单价,订单状态\n"
        f"A1,2025/11/11 10:03,u1,TB1,1,100,{status}\nA2,2025/11/11 10:04,u2,TB1,1,100,交易成功\n",
    )
    assert [(f.n_loaded, f.n_quarantined) for f in load(store, path).files] == [(1, 1)]

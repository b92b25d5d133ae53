"""What an orders file may say beside the orders table's columns, as shops write it: a line's
refund status and its words, an order's status (refunded, never sold), the money refunded, the
placeholder id of guest checkouts, the item's name and its variant. The table's own columns and
their synonyms are :mod:`promopilot.data.synonyms`."""

from __future__ import annotations

from promopilot.data.synonyms import first_column, normalize

# an order line's refund status (Chinese back offices write one on each line instead of a return
# line): a line whose status is one of REFUNDED was refunded in full, and ingest adds its
# return line; any other status (无退款, 退款中, 退款关闭 = the refund was withdrawn,
# 部分退款 = an unknown part) leaves the sale as it is
REFUND_STATUS = ("refundstatus", "退款状态", "售后状态", "退货退款状态")
REFUNDED = (
    "refunded",
    "fully refunded",
    "退款成功",
    "已退款",
    "退款完成",
    "全额退款",
    "退货退款成功",
    "已退货",
    # Pinduoduo's 订单状态 of an order refunded before or after it shipped
    "未发货，退款成功",
    "已发货，退款成功",
    "未发货,退款成功",
    "已发货,退款成功",
)
# an order's status, as JD, Pinduoduo, Youzan (订单状态) and Western platforms (WooCommerce's
# Order Status, Shopify's Financial Status) write it on each line instead of a refund status:
# one of REFUNDED (已退款, refunded) is a line refunded in full, as above; one of NOT_SOLD (closed
# unpaid, cancelled, voided, failed) was never a sale and is quarantined, unless a refund status
# column says the line was refunded (Taobao closes an order it refunded in full); any other
# status (交易成功, 待发货 = paid, not yet shipped, completed, processing, paid, on hold,
# Shopify's pending, partially_refunded; Pinduoduo's 已发货，待签收 and 已签收, Douyin's 已完成,
# 售后中 = a refund asked for, not yet made) is a sale
ORDER_STATUS = (
    "orderstatus",
    "订单状态",
    "交易状态",
    "financialstatus",  # Shopify
    "paymentstatus",
    "status",
)
NOT_SOLD = (
    "cancelled",
    "canceled",
    "voided",  # Shopify: an authorised payment released
    "failed",  # WooCommerce: the payment failed
    "pending payment",  # WooCommerce: not paid (as 等待付款); "on hold" awaits a payment made
    "wc-pending",
    "unpaid",
    "交易关闭",
    "订单关闭",
    "已关闭",  # Douyin 抖店, Weidian
    "交易取消",
    "订单取消",
    "已取消",  # JD, Pinduoduo
    "订单已取消",
    "未付款",
    "待付款",
    "等待买家付款",
    "等待付款",  # JD
    "待支付",  # Youzan
    "未支付",
    "trade_closed",  # Taobao's API statuses
    "trade_closed_by_taobao",
    "wait_buyer_pay",
)
# the order id of a refunded line's return line: the sale's id and this suffix
REFUND_SUFFIX = "-refund"
# the money refunded for an order (Shopify's Refunded Amount, WooCommerce's Order Refund Amount,
# 退款金额), or for a line where the lines of one order carry different amounts: an amount
# smaller than what was paid is a partial refund, netted by return lines for that amount
# (:mod:`promopilot.data.partial_refunds`)
REFUND_AMOUNT = (
    "refundedamount",  # Shopify
    "orderrefundamount",  # WooCommerce
    "refundamount",
    "totalrefunded",
    "amountrefunded",
    "refundtotal",
    "退款金额",
    "已退款金额",
    "实际退款金额",
    "退货退款金额",
    "售后退款金额",
    "退款额",
)
# a refund status naming a partial refund: the refunded amount says how much
PARTIALLY_REFUNDED = (
    "partially_refunded",  # Shopify
    "partially refunded",
    "partial refund",
    "部分退款",
    "部分退款成功",
)

# customer id columns whose value for a guest checkout (no customer account) is a placeholder
# shared by every guest: WooCommerce's Customer User ID is 0 for all of them
GUEST_IDS = {"customeruserid": "0"}


def guest_id(column: str) -> str | None:
    """The id a customer id column writes for every guest checkout, where it has one."""
    return GUEST_IDS.get(normalize(column))


# an order line's item name (the products file's title), where an orders file gives one
ORDER_TITLE = (
    "itemname",
    "productname",
    "producttitle",
    "lineitemname",
    "商品名称",
    "商品标题",
    "宝贝标题",
    "选购商品",  # Douyin 抖店
    "商品",  # Pinduoduo
    # last: UCI Online Retail's columns in a shop folder's orders.csv (its own importer reads
    # them too); a line's description is its item's name there
    "description",
    "itemdescription",
    "商品描述",
)


def title_column(raw_columns: list[str]) -> str | None:
    """The orders file's column naming each line's item, where there is one."""
    return first_column(raw_columns, ORDER_TITLE)


# what tells apart the lines of one product in one order (colour, size: one line per SKU)
VARIANT = (
    "variant",
    "商品规格",  # Pinduoduo, Douyin 抖店
    "规格",
    "sku属性",
    "销售属性",
    "颜色分类",
    "规格名称",
    "商品属性",  # Taobao's items report
    "宝贝规格",
)


def variant_column(raw_columns: list[str]) -> str | None:
    """The orders file's variant column (商品规格), where there is one."""
    return first_column(raw_columns, VARIANT)


def refund_column(raw_columns: list[str]) -> str | None:
    """The file column holding order lines' refund status, where there is one."""
    return first_column(raw_columns, REFUND_STATUS)


def refund_amount_column(raw_columns: list[str]) -> str | None:
    """The file column holding the money refunded for each order (or line), where there is one."""
    return first_column(raw_columns, REFUND_AMOUNT)


def order_status_column(raw_columns: list[str]) -> str | None:
    """The file column holding each order's status (交易成功, completed, refunded, cancelled)."""
    return first_column(raw_columns, ORDER_STATUS)


# an order's discount written on each of its lines, by its name (WooCommerce's Order Discount):
# read where the file gives no line discount, and spread over the order's lines
# (:mod:`promopilot.data.order_discounts`), never counted once per line
# (other WooCommerce export plugins: Order Discount Amount, Cart Discount (Amount); not a bare
# "discount total", which other shops write per line)
ORDER_DISCOUNT = (
    "orderdiscount",
    "orderdiscountamount",
    "cartdiscount",
    "cartdiscountamount",
)


# Shopify's orders export: each line's own discount (`Lineitem discount`, the money of the
# order's discounts allocated to the line, not per unit) beside the order's `Discount Amount`
# (on its first line), which the lines' discounts add up to where they carry all of it
SHOPIFY_LINE_DISCOUNT = "lineitemdiscount"
SHOPIFY_ORDER_DISCOUNT = ("discountamount",)


def order_discount_column(raw_columns: list[str], line: str | None = None) -> str | None:
    """The orders file's order-level discount column, where there is one; beside Shopify's
    line discount `line` (`Lineitem discount`), its `Discount Amount`."""
    if line is not None and normalize(line) == SHOPIFY_LINE_DISCOUNT:
        return first_column(raw_columns, SHOPIFY_ORDER_DISCOUNT)
    return first_column(raw_columns, ORDER_DISCOUNT)


def is_order_discount(column: str) -> bool:
    """Whether a file column is an order-level discount (:data:`ORDER_DISCOUNT`)."""
    return normalize(column) in ORDER_DISCOUNT

"""Column names as shops and spreadsheet tools write them, mapped to the shop tables' names.

A file's column matches a table column when their *normalized* names are equal: lower case,
with spaces, ``_``, ``-`` and ``.`` removed (so ``Customer ID``, ``customer_id`` and
``CustomerID`` are one name). Failing that, the synonyms below are tried, in order; the
table's own name always wins over a synonym.
"""

from __future__ import annotations

import re

from promopilot.data.store import sql_str

_DROP = re.compile(r"[\s_\-.]+")
# a unit or note in brackets after the name, as Chinese back offices write them:
# 商品数量(件), 单价(元), 实付金额（元）, 成交时间[北京时间], Price (EUR)
_UNIT = re.compile(r"\s*[(（\[【][^()（）\[\]【】]{1,12}[)）\]】]\s*$")


def normalize(name: str) -> str:
    """``" Customer_ID "`` -> ``"customerid"``; ``"单价(元)"`` -> ``"单价"``."""
    name = name.strip().strip('"')
    return _DROP.sub("", _UNIT.sub("", name) or name).lower()


# the id columns of the orders, products and customers tables: one list, so a name that works
# in one file works in the others
CUSTOMER_ID = (
    "customerid",
    "customeruserid",  # WooCommerce
    "customer",
    "userid",
    "user",
    "clientid",
    "memberid",
    "客户id",
    "用户id",
    "会员id",
    "客户编号",
    "买家id",
    "买家会员名",
    "买家会员名称",  # Taobao's refunds report
    "下单帐号",  # JD (京东) 商家后台's order export; 下单账号 as others spell it
    "下单账号",
    "买家昵称",
    "买家账号",
    "会员名",
)
# the shop's own product code (商家编码: Taobao, Douyin 抖店; 商家编码-SKU维度: Pinduoduo; 货号:
# JD) before the platform's id (商品ID, 宝贝ID) where an export has both; a line whose code is
# empty takes the platform's id (column_map.product_fallback)
SHOP_PRODUCT_CODE = (
    "商家编码",
    "商家编码sku维度",
    "商家编码商品维度",
    "商品编码",
    "商品货号",
    "货号",
)
PLATFORM_PRODUCT_ID = ("商品id", "商品编号", "宝贝id")
PRODUCT_ID = (
    "stockcode",
    "sku",
    "itemsku",  # WooCommerce
    "variantsku",  # Shopify's products export
    "productsku",
    "productcode",
    "itemid",
    "item",
    "product",
    "articleid",
    *SHOP_PRODUCT_CODE,
    *PLATFORM_PRODUCT_ID,
)

# table -> column -> synonyms (normalized by `normalize` before use), most specific first
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": (
            "invoiceno",
            "invoice",
            "invoicenumber",
            "ordernumber",
            "orderno",
            "order",
            "transactionid",
            "订单号",
            "订单编号",
            "订单id",
            "主订单编号",
        ),
        "timestamp": (
            "invoicedate",
            "orderdate",
            "createdat",
            "datetime",
            "date",
            "time",
            "orderedat",
            "purchasedate",
            "下单时间",
            "订单时间",
            "订单创建时间",
            "订单提交时间",  # Douyin 抖店
            "买家下单时间",  # Taobao
            "订单成交时间",  # Pinduoduo
            "成交时间",
            "创建时间",
            # paid, after created: an order closed unpaid has no payment time
            "订单付款时间",  # Taobao
            "买家付款时间",
            "付款确认时间",  # JD
            "支付完成时间",  # Douyin 抖店
            "付款时间",
            "支付时间",
            "时间",
            "日期",
        ),
        "customer_id": CUSTOMER_ID,
        "product_id": PRODUCT_ID,
        # 订购数量: JD; 购买数量: Taobao; 商品数量(件): Pinduoduo; 商品数量: Douyin 抖店
        "quantity": ("qty", "quantity", "units", "数量", "购买数量", "商品数量", "订购数量"),
        "unit_price": (
            "unitprice",
            "price",
            "itemprice",
            "itemcost",
            "单价",
            "商品单价",  # Douyin 抖店
            "商品价格",  # Taobao's items report
            "京东价",  # JD: the unit's list price
            "价格",
            "售价",
        ),
        # 店铺优惠折扣(元): Pinduoduo's shop's own share of a line's discount (not the platform's)
        "discount": ("discountamount", "优惠金额", "优惠", "折扣金额", "折扣", "店铺优惠折扣"),
        "coupon_code": (
            "couponcode",
            "coupon",
            "discountcode",
            "promocode",
            "优惠券",
            "优惠码",
            "券码",
        ),
        "is_return": ("isreturn", "return", "returned", "退货"),
    },
    "products": {
        "product_id": PRODUCT_ID,
        "title": ("name", "productname", "description", "itemname", "商品名称", "名称", "标题"),
        "category": (
            "productcategory",
            "categoryname",
            "categories",
            "type",
            "类目",
            "分类",
            "品类",
        ),
        "price": ("unitprice", "listprice", "variantprice", "regularprice", "单价", "价格", "售价"),
        "cost": ("unitcost", "costprice", "costperitem", "成本", "成本价"),
        "in_stock": ("instock", "available", "有货"),
        "is_product": ("isproduct",),
    },
    "customers": {
        "customer_id": CUSTOMER_ID,
        "signup_at": (
            "signupdate",
            "createdat",
            "registeredat",
            "dateregistered",
            "joined",
            "注册时间",
            "注册日期",
        ),
        "region": ("country", "billingcountry", "state", "city", "地区", "省份", "城市"),
        "email": ("emailaddress", "mail", "邮箱", "电子邮箱"),
        "phone": (
            "phonenumber",
            "billingphone",
            "mobile",
            "tel",
            "手机号",
            "手机",
            "手机号码",
            "联系电话",
            "电话",
        ),
        "name": ("fullname", "customername", "收货人", "收货人姓名", "姓名"),
    },
    "events": {
        "timestamp": ("eventtime", "datetime", "date", "time", "createdat", "时间"),
        "customer_id": ("customerid", "userid", "user", "visitorid", "客户id", "用户id"),
        "product_id": ("productid", "itemid", "item", "sku", "商品id"),
        "event": ("eventtype", "action", "behavior", "behaviour", "type", "行为"),
        "session_id": ("sessionid", "session"),
    },
    "reviews": {
        "customer_id": CUSTOMER_ID,
        "product_id": PRODUCT_ID,
        "text": (  # 评价内容 before 评价: Taobao writes 评价 (好评/中评/差评) beside it
            "review",
            "reviewtext",
            "comment",
            "content",
            "body",
            "评价内容",
            "评论内容",
            "评价",
            "评论",
            "内容",
        ),
        "rating": ("stars", "score", "评分", "星级"),
        "timestamp": ("date", "time", "createdat", "reviewedat", "评价时间", "时间", "日期"),
        "review_id": ("reviewid", "评价id"),
    },
    "offers": {
        "kind": ("type", "offertype"),
        "value": ("amount", "discount"),
        "min_spend": ("minspend", "threshold", "minimumspend", "门槛"),
        "max_discount": ("maxdiscount", "cap", "discountcap", "最高减", "封顶", "优惠上限"),
    },
    "campaigns": {
        "customer_id": ("customerid", "userid", "user"),
        "sent_at": ("sentat", "senddate", "date", "timestamp", "time"),
    },
}


# an event's kind as logs write it -> the names the profile and the recommenders count (compared
# in lower case, spaces trimmed); any other word is kept as written
EVENT_WORDS: dict[str, tuple[str, ...]] = {
    "view": ("view", "pv", "pageview", "page_view", "click", "浏览", "查看", "点击"),
    "cart": ("cart", "addtocart", "add_to_cart", "add to cart", "加购", "加入购物车", "加购物车"),
    "wishlist": ("wishlist", "fav", "favorite", "favourite", "收藏", "加入收藏"),
    "purchase": ("purchase", "buy", "transaction", "购买", "下单"),
}


def event_sql(expr: str) -> str:
    """SQL naming an event column's known words (:data:`EVENT_WORDS`) by their table name."""
    text = f"lower(trim(CAST({expr} AS VARCHAR)))"
    whens = " ".join(
        f"WHEN {text} IN ({', '.join(sql_str(w) for w in words)}) THEN {sql_str(name)}"
        for name, words in EVENT_WORDS.items()
    )
    # a log already in the table's words (the usual case, millions of rows) skips the lookup
    names = ", ".join(map(sql_str, EVENT_WORDS))
    return f"CASE WHEN {expr} IN ({names}) THEN {expr} {whens} ELSE {expr} END"


# a person's name split in two, as Western exports write it: (first, last) column names
NAME_PARTS = (("firstname", "lastname"), ("billingfirstname", "billinglastname"))


def name_parts(raw_columns: list[str]) -> tuple[str, str] | None:
    """The file's first-name and last-name columns, where it has both."""
    for first, last in NAME_PARTS:
        a, b = first_column(raw_columns, (first,)), first_column(raw_columns, (last,))
        if a is not None and b is not None:
            return a, b
    return None


# contact data as any file may carry it (a Shopify orders export's Email, Billing Name and Phone,
# a reviews export's reviewer_email, reviewer_name and ip_address): the customers table's contact
# columns and their synonyms, the name halves, and names made of these words. Such a column is
# stored apart (customers) or not at all, and never written into an output or a log.
CONTACT_NAMES = (
    "email",
    "phone",
    "name",
    *SYNONYMS["customers"]["email"],
    *SYNONYMS["customers"]["phone"],
    *SYNONYMS["customers"]["name"],
    *(part for pair in NAME_PARTS for part in pair),
    "ip",
    "ipaddress",
    "ip地址",
    "address",
    "地址",
    "收货地址",
    "详细地址",
    "收件人",
    "联系人",
)
# a column whose (normalized) name contains one of these holds contact data
_CONTACT_PARTS = ("email", "phone", "邮箱", "手机", "电话", "ipaddress", "ip地址")
# a person's name, address line or account name: Billing Name, reviewer_name, Shipping Address1
_CONTACT_NAME = re.compile(
    r"(reviewer|author|billing|shipping|customer|buyer|recipient|contact|first|last|full|user"
    r"|nick|display)name|(billing|shipping|default|street)?(address[12]?|street)"
)


def is_contact(column: str) -> bool:
    """True when a column's name says it holds contact data (:data:`CONTACT_NAMES`)."""
    name = normalize(str(column))
    return (
        name in _CONTACT_SET
        or any(part in name for part in _CONTACT_PARTS)
        or _CONTACT_NAME.fullmatch(name) is not None
    )


def contact_columns(raw_columns: list[str]) -> list[str]:
    """The file's columns holding contact data (:func:`is_contact`), in file order."""
    return [c for c in raw_columns if is_contact(c)]


_CONTACT_SET = frozenset(map(normalize, CONTACT_NAMES))


def first_column(raw_columns: list[str], names: tuple[str, ...]) -> str | None:
    """The file's column whose (normalized) name is the first of `names` it has."""
    by_norm = {normalize(c): c for c in raw_columns}
    return next((by_norm[n] for n in map(normalize, names) if n in by_norm), None)


def match(raw_columns: list[str], table: str, names: tuple[str, ...]) -> dict[str, str]:
    """Map each of a table's column names to the file column holding it, where one does."""
    by_norm: dict[str, str] = {}
    for c in raw_columns:
        by_norm.setdefault(normalize(c), c)
    found: dict[str, str] = {}
    used: set[str] = set()
    for name in names:  # exact (normalized) names first: they beat any synonym
        column = by_norm.get(normalize(name))
        if column is not None:
            found[name] = column
            used.add(column)
    synonyms = SYNONYMS.get(table, {})
    for name in names:
        if name in found:
            continue
        for alias in synonyms.get(name, ()):
            column = by_norm.get(normalize(alias))
            if column is not None and column not in used:
                found[name] = column
                used.add(column)
                break
    return found

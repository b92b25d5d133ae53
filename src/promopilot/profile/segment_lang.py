"""Chinese words for data-driven segments: each English word of :mod:`~promopilot.profile.
segment_names` (adjective, noun, label) has its Chinese form here, and a name or description
is put together from the same parts in either language (:func:`name`, :func:`part`, ...),
never translated as a whole string."""

from __future__ import annotations

from promopilot.data.shares import whole_percent

LANGUAGES = ("en", "zh")

# English adjective -> Chinese (VOCAB, OCCASIONAL, REPEAT, NOT_BOUGHT_WORDS)
ADJECTIVES: dict[str, str] = {
    "high-spending": "高消费",
    "low-spending": "低消费",
    "big-basket": "大单",
    "small-basket": "小单",
    "loyal": "忠诚",
    "one-time": "只买过一次",
    "lapsed": "久未购买",
    "recently active": "近期活跃",
    "deal-seeking": "爱买折扣",
    "full-price": "原价购买",
    "at-risk": "有流失风险",
    "steady": "稳定",
    "premium": "高端",
    "budget": "平价",
    "keen-browsing": "爱浏览",
    "decisive": "买得果断",
    "high-value": "高价值",
    "low-value": "低价值",
    "long-standing": "长期",
    "newly acquired": "新近加入",
    "return-prone": "常退货",
    "keep-what-they-buy": "很少退货",
    "infrequent": "不常购买",
    "repeat": "回购",
    "long-known": "早已到来",
    "newly arrived": "新来",
    "frequent": "常来",
    "occasional": "偶尔来",
    "returning": "常回访",
}

# English noun -> Chinese (VOCAB, OCCASIONAL, REPEAT, the not-bought and returners' nouns)
NOUNS: dict[str, str] = {
    "big spenders": "大额消费者",
    "small spenders": "小额消费者",
    "big-basket shoppers": "大单买家",
    "small-basket shoppers": "小单买家",
    "regulars": "常客",
    "one-time buyers": "一次性买家",
    "lapsed customers": "久未购买的客户",
    "recent buyers": "近期买家",
    "bargain hunters": "折扣猎手",
    "full-price buyers": "原价买家",
    "customers at risk of leaving": "可能流失的客户",
    "steady customers": "稳定客户",
    "premium shoppers": "高端买家",
    "budget shoppers": "平价买家",
    "window shoppers": "爱逛的顾客",
    "decisive buyers": "果断买家",
    "high-value customers": "高价值客户",
    "low-value customers": "低价值客户",
    "long-standing customers": "老客户",
    "newcomers": "新客户",
    "frequent returners": "常退货的客户",
    "keepers": "很少退货的客户",
    "occasional buyers": "偶尔购买的客户",
    "repeat buyers": "回头客",
    "customers who have not bought": "未购买的客户",
    "browsers who have not bought": "只浏览未购买的访客",
    "customers most of whom have not bought": "大多未购买的客户",
    "browsers most of whom have not bought": "大多只浏览未购买的访客",
    "customers who returned most of what they bought": "退回了大部分所购商品的客户",
    "average customers": "普通客户",
}

# feature -> its label (segment_names.LABELS, segment_not_bought.NOT_BOUGHT_FEATURES)
LABELS: dict[str, str] = {
    "monetary": "总消费",
    "avg_order_value": "客单价",
    "frequency": "订单数",
    "recency_days": "距上次下单天数",
    "discount_sensitivity": "折扣敏感度",
    "churn_risk": "流失风险",
    "price_level": "价格档次",
    "browse_intensity": "浏览强度",
    "clv": "预测终身价值",
    "tenure_days": "距首次下单天数",
    "return_rate": "退货率",
}
NOT_BOUGHT_LABELS: dict[str, str] = {
    "tenure_days": "距首次出现天数",
    "days_since_last_event": "距上次出现天数",
    "views": "商品浏览次数",
    "browse_intensity": "日均浏览次数",
    "carts": "加购次数",
    "n_returns": "退货行数",
}
# category_sentence's verbs
VERBS: dict[str, str] = {"bought": "购买", "viewed": "浏览", "viewed or bought": "浏览或购买"}


def adjective(english: str, feature: str, direction: str) -> str:
    """An adjective in Chinese; one for a feature without words of its own ("high-x") from
    its label."""
    if english in ADJECTIVES:
        return ADJECTIVES[english]
    return f"{label(feature)}{'高' if direction == 'high' else '低'}"


def noun(english: str, feature: str = "", direction: str = "") -> str:
    """A noun in Chinese; one for a feature without words of its own ("customers with high
    x") from its label."""
    if english in NOUNS:
        return NOUNS[english]
    return f"{label(feature)}{'偏高' if direction == 'high' else '偏低'}的客户"


def label(feature: str, not_bought: bool = False) -> str:
    """A feature's label in Chinese (the column name of one without a label of its own)."""
    table = NOT_BOUGHT_LABELS if not_bought else LABELS
    return table.get(feature, LABELS.get(feature, feature.replace("_", " ")))


def name(adjectives: list[str], head: str, lang: str) -> str:
    """A name from its adjectives and noun: "loyal deal-seeking big spenders",
    "忠诚、爱买折扣的大额消费者"."""
    if lang == "zh":
        return f"{'、'.join(adjectives)}的{head}" if adjectives else head
    return " ".join([*adjectives, head])


def who_buy(core: str, category: str, on_sale: bool, lang: str) -> str:
    """A name with the category its customers buy: "... who buy tea on sale", "...（常在打折
    时买 tea）"."""
    if lang == "zh":
        return f"{core}（常在打折时买 {category}）" if on_sale else f"{core}（常买 {category}）"
    return f"{core} who buy {category}" + (" on sale" if on_sale else "")


def numbered(core: str, number: int, lang: str) -> str:
    """A name still tied after every adjective, numbered: "... (2)", "...（2）"."""
    return f"{core}（{number}）" if lang == "zh" else f"{core} ({number})"


def leaning(feature_label: str, higher: bool, lang: str) -> str:
    """ "higher total spend", "总消费偏高"."""
    if lang == "zh":
        return f"{feature_label}{'偏高' if higher else '偏低'}"
    return f"{'higher' if higher else 'lower'} {feature_label}"


def average_with(quals: list[str], lang: str) -> str:
    """ "average customers with higher x and lower y", "x偏高、y偏低的普通客户"."""
    if lang == "zh":
        return f"{'、'.join(quals)}的{NOUNS['average customers']}"
    return "average customers with " + " and ".join(quals)


def median_label(feature_label: str, lang: str) -> str:
    """ "median total spend", "总消费中位数"."""
    return f"{feature_label}中位数" if lang == "zh" else f"median {feature_label}"


def part(feature_label: str, value: str, overall: str, higher: bool, lang: str) -> str:
    """One figure against everyone's: "total spend 337 vs 159 overall (higher)",
    "总消费 337（整体 159，偏高）"."""
    if lang == "zh":
        return f"{feature_label} {value}（整体 {overall}，{'偏高' if higher else '偏低'}）"
    return f"{feature_label} {value} vs {overall} overall ({'higher' if higher else 'lower'})"


def compared(parts: list[str], lang: str) -> str:
    """ " Compared with all customers: a; b.", "与全部客户相比：a；b。"."""
    if lang == "zh":
        return "与全部客户相比：" + "；".join(parts) + "。"
    return " Compared with all customers: " + "; ".join(parts) + "."


def size(n_customers: int, share: float, lang: str, close: bool = False) -> str:
    """ "1,234 customers (12%).", "1,234 位客户（12%）。"; `close`: near the average customer on
    every feature."""
    if lang == "zh":
        tail = "，各项特征都接近平均客户。" if close else "。"
        return f"{n_customers:,} 位客户（{whole_percent(share)}）{tail}"
    tail = ", close to the average customer on every feature." if close else "."
    return f"{n_customers:,} customers ({whole_percent(share)}){tail}"


def orders(count: str, lang: str) -> str:
    """ "1 order", "1–2 orders", "1–2 单"."""
    if lang == "zh":
        return f"{count} 单"
    return f"{count} order" if count == "1" else f"{count} orders"

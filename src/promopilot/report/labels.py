"""Column names as words, in English and Chinese: the one mapping the HTML report (table
headers, the plan's rules, the CUPED line) and the dashboard (``serve.i18n``) read.

A label is a short name for a header or a rule; what a feature means is described once, in
``FEATURE_DESCRIPTIONS`` (``profile/features.py``) and the tables of ``docs/profile.md``.
"""

from __future__ import annotations

import re

from promopilot.campaigns.depth import ALL
from promopilot.campaigns.outcomes import SEGMENT_NEW, SEGMENT_ONE, SEGMENT_REPEAT
from promopilot.offers.explain import EVERYONE_GETS, NO_OFFER, RULES_HEADER
from promopilot.report.formats import POINTS_WORDS

LANGUAGES = ("en", "zh", "both")

# a conversion lift is one rate minus another: in percentage points (report.formats.points),
# the word spelt out beside every table that writes "pp"
CONVERSION_LIFT = "conversion lift, pp [interval] 转化率提升（百分点）"
POINTS_WORDS_ZH = "pp：百分点，两个比率之差（8.0% 对 7.3% 为 +0.7 pp）"
POINTS_NOTE = f"Conversion lifts are in {POINTS_WORDS}. {POINTS_WORDS_ZH}。"


def data_days_words(measurement: dict) -> str:
    """`` (the data reach 7 days 数据仅覆盖 7 天)`` after the window where a file's campaign
    runs past the store's data (Hillstrom's: ``window_past_data``), else ""."""
    past = measurement.get("window_past_data")
    if not past:
        return ""
    return f" (the data reach {past['days']:g} days 数据仅覆盖 {past['days']:g} 天)"


# column -> (English, Chinese)
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    # identifiers and plan tables
    "customer_id": ("customer", "客户"),
    "offer_id": ("offer", "优惠"),
    "n_orders": ("orders", "订单数"),
    "rfm_segment": ("RFM segment", "RFM 分群"),
    "expected_profit": ("expected profit (model, in-sample)", "预期利润（模型，样本内）"),
    "expected_cost": ("expected cost", "预期成本"),
    # uplift model quality
    "n_treated": ("customers sent the offer", "收到优惠的客户"),
    "n_control": ("control customers", "对照组客户"),
    # one purchase rate minus another, written in points (report.qini.score_cells)
    "uplift_at_30": (
        "uplift in the top 30%, percentage points (pp)",
        "前 30% 客户的增量，百分点（pp）",
    ),
    # the profile and its features (their meaning: FEATURE_DESCRIPTIONS)
    "recency_days": ("days since last order", "距上次下单天数"),
    "frequency": ("number of orders", "订单数"),
    "monetary": ("net spend", "净消费额"),
    "avg_order_value": ("average order value", "平均客单价"),
    "p_alive": ("chance still active", "仍活跃概率"),
    "churn_risk": ("churn risk", "流失风险"),
    "purchase_propensity_30d": ("chance of an order in 30 days", "30 天内下单概率"),
    "discount_sensitivity": ("discount sensitivity", "折扣敏感度"),
    "tenure_days": ("days since first seen", "首次出现至今天数"),
    "interpurchase_days": ("days between orders", "平均购买间隔天数"),
    "orders_90d": ("orders in the last 90 days", "近 90 天订单数"),
    "events_90d": ("events in the last 90 days", "近 90 天行为数"),
    "n_returns": ("returns", "退货次数"),
    "return_share": ("share of value returned", "退货金额占比"),
    "coupon_share": ("share of orders with a coupon", "用券订单占比"),
    "discount_share": ("discount share of spend", "折扣占消费比例"),
    "sale_order_lift": ("buying in sales vs the shop", "大促期间下单倾向"),
    "sale_view_lift": ("browsing in sales vs other days", "大促期间浏览倾向"),
    "price_level": ("price level (1 = category median)", "价格水平（1 = 品类中位数）"),
    "view_price_level": ("price level of viewed products", "浏览商品价格水平"),
    "views": ("product views", "商品浏览次数"),
    "views_30d": ("views in the last 30 days", "近 30 天浏览次数"),
    "browse_intensity": ("views per day", "日均浏览次数"),
    "browse_trend": ("browsing trend (last 30 days vs before)", "浏览趋势（近 30 天对比之前）"),
    "days_since_last_event": ("days since last activity", "距上次活动天数"),
    "carts": ("add-to-cart events", "加购次数"),
    "cart_abandonment": ("share of carted products not bought", "加购未购买占比"),
    "n_reviews": ("reviews written", "评价数"),
    "mean_rating": ("mean rating", "平均评分"),
    "sentiment": ("review sentiment", "评价情感"),
    "top_category": ("top category", "主要品类"),
    # a campaign's pre-period (the CUPED covariates of campaigns.measure)
    "pre_revenue": ("revenue before sending", "发送前收入"),
    "pre_orders": ("orders before sending", "发送前订单数"),
}


# a measured campaign's verdict (campaigns.measure) -> (English, Chinese): the campaign report
# writes both, the dashboard the page's language
VERDICT_NAMES: dict[str, tuple[str, str]] = {
    "gain": ("gain", "盈利"),
    "loss": ("loss", "亏损"),
    "no clear effect": ("no clear effect", "效果不明显"),
}


def label(name, language: str = "en") -> str:
    """`name` as words: English (``en``), Chinese (``zh``) or both (``both``, "English 中文",
    as the report's bilingual labels are written). A column without a label is shown with
    spaces for underscores, ``share_<category>`` as that category's share."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    name = str(name)
    if name in COLUMN_LABELS:
        english, chinese = COLUMN_LABELS[name]
    elif name.startswith("share_") and len(name) > len("share_"):
        category = name[len("share_") :]
        english, chinese = f"share of spend on {category}", f"{category} 消费占比"
    else:
        english = name[:-2] + " (n)" if name.endswith("_n") else name
        english = chinese = english.replace("_", " ")
    if language == "en":
        return english
    if language == "zh":
        return chinese
    return english if english == chinese else f"{english} {chinese}"


# a split of the plan's rules as offers.explain prints it: "|   |--- name <= 1.50"
_SPLIT = re.compile(r"^(?P<pad>(?:\|   )*\|--- )(?P<name>\S+)(?P<rest> (?:<=|> ) .*)$")
_LEAF = re.compile(r"^(?P<pad>(?:\|   )*\|--- )class: (?P<offer>.*)$")


def _line_pattern(template: str) -> re.Pattern:
    """A line written from a ``str.format`` template, each ``{name}`` a group."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*?)", re.escape(template)) + "$")


# the lines around the tree (offers.explain) -> their Chinese, with the same fields
RULE_LINES_ZH = (
    (
        _line_pattern(RULES_HEADER),
        "谁得到什么（深度为 {depth} 的决策树重现了计划 {accuracy} 的选择）：",
    ),
    (_line_pattern(EVERYONE_GETS), "所有候选客户都得到：{offer}"),
)
NO_OFFER_ZH = "无"


def readable_rules(rules: str, language: str = "en") -> str:
    """The plan's rules (``offers.explain.plan_rules``) with each feature column shown by its
    label and each leaf as the offer it gives; in Chinese the lines around the tree are too
    (and no offer is "无"); any other line is kept as it is."""
    offer = label("offer_id", language)

    def offer_name(name: str) -> str:
        return NO_OFFER_ZH if language == "zh" and name == NO_OFFER else name

    lines = []
    for line in rules.splitlines():
        split, leaf = _SPLIT.match(line), _LEAF.match(line)
        if split:
            line = f"{split['pad']}{label(split['name'], language)}{split['rest']}"
        elif leaf:
            line = f"{leaf['pad']}{offer}: {offer_name(leaf['offer'])}"
        elif language == "zh":
            for pattern, chinese in RULE_LINES_ZH:
                if found := pattern.match(line):
                    fields = found.groupdict()
                    if "offer" in fields:
                        fields["offer"] = offer_name(fields["offer"])
                    line = chinese.format(**fields)
                    break
        lines.append(line)
    return "\n".join(lines) + ("\n" if rules.endswith("\n") else "")


def labels_list(names, language: str = "en") -> str:
    """Column names as a comma-separated list of labels ("none" without any)."""
    shown = [label(name, language) for name in names]
    if shown:
        return ", ".join(shown)
    return {"en": "none", "zh": "无", "both": "none 无"}[language]


# the measurement's segments and notes in both languages (any other value is shown as it is)
SEGMENT_NAMES = {
    ALL: ("all customers", "全部客户"),
    SEGMENT_NEW: ("new: no order before", "新客（此前无订单）"),
    SEGMENT_ONE: ("one order before", "此前一单"),
    SEGMENT_REPEAT: ("repeat: 2+ orders before", "回头客（此前两单及以上）"),
}
SEGMENT_LABELS = {segment: f"{en} {zh}" for segment, (en, zh) in SEGMENT_NAMES.items()}


def segment_label(name) -> str:
    """A campaign measurement's segment in both languages (any other value as it is)."""
    return SEGMENT_LABELS.get(str(name), str(name))

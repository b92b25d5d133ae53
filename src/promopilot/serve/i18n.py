"""Dashboard labels in English and Chinese; the language comes from ``?lang=``, then a cookie,
then the browser's Accept-Language."""

from __future__ import annotations

from promopilot.offers.forecast import NO_PROFIT_SHOWN, NO_PROFIT_WARNING
from promopilot.report.labels import COLUMN_LABELS, VERDICT_NAMES
from promopilot.serve.i18n_segments import SEGMENT_LABELS

LANGUAGES = ("en", "zh")
LABELS: dict[str, tuple[str, str]] = {
    "language": LANGUAGES,  # the page's language, for text written by other layers
    # punctuation between a label and its value: full-width in Chinese
    "colon": (": ", "："),
    "semicolon": ("; ", "；"),
    # a message a lower layer wrote (English only) under a lead in the page's language
    "english_detail": ("{lead}: {detail}", "{lead}（详情，英文）：{detail}"),
    "cannot_measure": ("Cannot measure", "无法测量"),
    "plan_decision": ("The plan's decision", "计划的决定"),
    "title": ("promopilot dashboard", "promopilot 控制台"),
    "overview": ("Overview", "概览"),
    "segments": ("Segments", "客户分群"),
    "customers": ("Customers", "客户"),
    "campaigns": ("Campaigns", "营销活动"),
    "models": ("Model quality", "模型质量"),
    "logout": ("Log out", "退出"),
    "login": ("Log in", "登录"),
    "key": ("API key", "API 密钥"),
    "bad_key": ("Unknown key.", "密钥无效。"),
    "n_customers": ("Customers", "客户数"),
    "revenue": ("Revenue, net of discounts and returns", "扣除折扣和退货后的收入"),
    # the overview's shop total: what was sold minus what was sent back (data.summary)
    "revenue_net": ("Revenue, net of discounts and returns", "扣除折扣和退货后的收入"),
    "sales_and_returns": ("sales {sales} · returns -{returns}", "销售额 {sales} · 退货 -{returns}"),
    "orders": ("Orders", "订单数"),
    # what every page's money is in, where the shop's currency is known (data.currency)
    "money_in": ("Money in {currency}", "金额单位：{currency}"),
    "active_campaign": ("Live campaign", "当前活动"),
    "none": ("none", "无"),
    "expected_profit": (
        "Expected incremental profit (plan, out of fold on past campaigns)",
        "预期增量利润（计划，往期活动样本外）",
    ),
    "not_checked": ("not checked", "未检验"),
    "not_checked_note": (
        "no out-of-fold check of this plan on past campaigns was found",
        "未找到该计划在往期活动上的样本外检验",
    ),
    "no_plan": (
        "no plan is served (promopilot serve --plan): nothing to expect",
        "未加载计划（promopilot serve --plan）：无预期",
    ),
    "in_sample_sum": ("model's in-sample sum, not a forecast", "模型样本内合计，并非预测"),
    # the plan's warning: the English words are the plan's own (offers.forecast)
    "plan_warning": (f"{NO_PROFIT_SHOWN}.", "往期活动未能证明任何候选策略能盈利。"),
    # with its figures (offers.forecast.warning_figures)
    "plan_warning_detail": (
        NO_PROFIT_WARNING,
        "往期活动未能证明任何候选策略能盈利：其中最好的 {policy} 在样本外每位客户收益 "
        "{per_customer}（{confidence} 区间 {low} .. {high}）。",
    ),
    "decision_test": (
        "A randomized test is sent instead of targeting: past campaigns cannot show which "
        "offer pays.",
        "改为发送随机测试而非定向：往期活动无法证明哪个优惠有利可图。",
    ),
    "decision_nothing": (
        "Nothing is sent: no offer goes out unless past campaigns show it pays.",
        "不发送：只有往期活动证明优惠有利可图时才发送。",
    ),
    "decision_unchecked": (
        "Targets without an out-of-fold check: its profit is not known.",
        "未经样本外检验即定向发送：利润未知。",
    ),
    "decision_targets": (
        "Targets with {policy}: the forecast's lower bound is above zero.",
        "使用 {policy} 定向发送：预测区间下限高于零。",
    ),
    "decision_targets_anyway": (
        "Targets with {policy} anyway (allow-uncertain): the forecast's interval includes a loss.",
        "仍然使用 {policy} 定向发送（允许不确定）：预测区间包含亏损。",
    ),
    "plan_rules": ("Who gets what: the plan's rules", "谁得到什么：计划的规则"),
    "depth": (
        "Promotion depth: where deeper discounts stop paying (all logged campaigns)",
        "折扣力度：折扣多深开始不划算（全部活动）",
    ),
    "measured_profit": ("Measured incremental profit", "实测增量利润"),
    "measured_profit_campaign": (
        "Measured incremental profit of the whole campaign, against the customers who got "
        "nothing ({n})",
        "整个活动的实测增量利润（对照：未获优惠的客户 {n} 位）",
    ),
    "interval": ("interval", "区间"),
    "against": (
        "against {n} customers who got nothing",
        "对照：{n} 位未获优惠的客户",
    ),
    "against_held_out": (
        "against {n} customers who got nothing ({held} of them the randomized control group)",
        "对照：{n} 位未获优惠的客户（其中 {held} 位为随机对照组）",
    ),
    "intervals_at": ("{level} intervals", "{level} 区间"),
    "not_measured": ("not measured yet", "尚未测量"),
    "not_final": (
        "Not final: the {days}-day window of {n} of {of} customers runs past the latest order or "
        "event ({until}); later orders will change these figures.",
        "尚非最终结果：{of} 位顾客中有 {n} 位的 {days} 天窗口期超出了最新订单或行为的时间"
        "（{until}），之后的订单会改变这些数字。",
    ),
    # a campaign from a file whose window runs past the store's data (lift_words.past_data_words)
    "past_data_note": (
        "The {days}-day window is the campaign_window_days setting (a campaign from a file does "
        "not say how long its outcomes were counted); the store's orders and events end {reach} "
        "days after it was sent ({until}), so {share} window holds only those {reach} days.",
        "{days} 天窗口期来自 campaign_window_days 设置（来自文件的活动没有说明结果统计了多久）；"
        "店铺的订单和行为数据截至发送后 {reach} 天（{until}），"
        "所以{share}窗口期只包含这 {reach} 天。",
    ),
    "past_data_all": ("every customer's", "所有顾客的"),
    "past_data_some": ("{n} of the {of} customers'", "{of} 位顾客中 {n} 位的"),
    "visitors_note": (
        "Visitors answered outside the plan while it was served: {n} ({offered} of them shown "
        "an exploration offer), not in these figures: the plan never chose them.",
        "计划投放期间在计划之外应答的 {n} 位访客（其中 {offered} 位看到探索优惠）不计入这些"
        "数字：计划从未选中他们。",
    ),
    "visitors": ("Visitors outside the plan", "计划外访客"),
    "never_offered_note": (
        "Customers the campaign could not send an offer: {n} (given nothing for certain: left "
        "out of a designed test before it was drawn, or not chosen by a plan without "
        "exploration), not in these figures, not even among those who got nothing.",
        "本活动无法发送优惠的 {n} 位顾客（确定不会收到优惠：随机测试抽取前被排除，或未被不含探索"
        "的计划选中）不计入这些数字，也不计入未收到优惠的顾客。",
    ),
    "left_out": ("Could not be offered", "无法发送优惠"),
    "left_out_note": (
        "Could not be offered: customers a campaign gave nothing for certain (left out of a "
        "designed test before it was drawn, or not chosen by a plan without exploration); not "
        "counted among its customers or those without an offer, as its report leaves them out.",
        "无法发送优惠：活动确定不会发送优惠的顾客（随机测试抽取前被排除，或未被不含探索的计划"
        "选中）；与活动报告一致，不计入活动的顾客数和未发优惠数。",
    ),
    "weekly_revenue": ("Revenue per week", "每周收入"),
    "partial_weeks": (
        "Pale bars are weeks the data cover only in part, so they sum fewer days: {periods}.",
        "浅色柱为数据只覆盖部分天数的周，合计天数较少：{periods}。",
    ),
    # a chart's axis of money, with the shop's currency where it is known (data.currency)
    "revenue_axis": ("revenue", "收入"),
    "profit_lift_axis": ("profit lift per customer", "人均利润提升"),
    "week_axis": ("week starting", "周起始日"),
    "month_axis": ("month", "月份"),
    "customers_axis": ("customers", "客户数"),
    "qini_axis": ("Qini coefficient (1 = perfect, 0 = random)", "Qini 系数（1 = 完美，0 = 随机）"),
    "segment": ("Segment", "分群"),
    "share": ("Share", "占比"),
    "revenue_per_customer": ("Revenue per customer", "人均收入"),
    "revenue_per_customer_note": (
        "Revenue per customer is net of discounts, returns and credits, so the segments add up "
        "to the shop's net revenue: a customer credited more than they bought counts below 0 "
        'here, where the profile counts it as 0; "Returns only": credits without a purchase '
        "(one made before the data begin), so below 0.",
        "人均收入已扣除折扣、退货和退款，各分群合计即店铺净收入：退款多于购买的客户在此计为负数，"
        "而客户画像将其计为 0；“仅有退货”：只有退款、没有购买（购买在数据开始之前），故为负。",
    ),
    "recency": ("Days since last order (median)", "距上次下单天数（中位数）"),
    "segment_trend": ("Monthly revenue by segment", "各分群月收入"),
    "partial_months": (
        "Pale points are months the data cover only in part, so they sum fewer days: {periods}.",
        "浅色点为数据只覆盖部分天数的月份，合计天数较少：{periods}。",
    ),
    "segment_sizes": ("Customers per segment", "各分群客户数"),
    "find_customer": ("Customer id", "客户编号"),
    "show": ("Show", "查看"),
    "profile": ("Profile", "概况"),
    "region": ("Region", "地区"),
    "signup": ("Signed up", "注册时间"),
    "last_order": ("Last order", "最近下单"),
    "events": ("Events", "行为事件"),
    "recommendations": ("Recommendations", "推荐商品"),
    "product": ("Product", "商品"),
    "rank": ("Rank", "排名"),
    "product_title": ("Title", "名称"),
    "offer_now": ("Offer now", "当前优惠"),
    "no_offer_now": (
        "No campaign is live, so this customer has no offer now.",
        "当前没有进行中的活动，该客户目前没有优惠。",
    ),
    "offer_terms": ("What it is", "优惠内容"),
    "coupon_code": ("Coupon code", "优惠码"),
    "expires": ("Expires", "到期"),
    "offer_history": ("Offer history", "优惠记录"),
    "no_history": ("No offer logged for this customer yet.", "还没有记录发给该客户的优惠。"),
    "credited_more": (
        "Returned or credited more than bought in these data ({returned} back against {bought} "
        "bought, e.g. a credit for a purchase before the data begin): the customer profile "
        "counts this customer's net spend as 0.",
        "退货或退款多于购买（购买 {bought}，退回 {returned}，例如为数据开始前的购买退款）：客户画像"
        "将该客户的净消费额计为 0。",
    ),
    "unknown_customer": (
        "Not in the store: cold-start recommendations shown.",
        "店内无此客户：显示冷启动推荐。",
    ),
    "no_campaigns": (
        "No campaign is logged yet: `promopilot send` logs one (or ingest a campaigns.csv of "
        "past campaigns).",
        "还没有记录任何活动：`promopilot send` 会记录活动（或导入往期活动的 campaigns.csv）。",
    ),
    "campaign": ("Campaign", "活动"),
    "sent": ("First sent", "首次发送"),
    "without_offer": ("Without offer", "未发优惠"),
    "report": ("Report", "报告"),
    "control": ("Control", "对照组"),
    "arm": ("Offer", "优惠"),
    "conversion": ("Conversion", "转化率"),
    "lift": ("Lift", "提升"),
    "low": ("low", "下限"),
    "high": ("high", "上限"),
    "verdict": ("Verdict", "结论"),
    "profit_lift": ("Profit lift per customer, with interval", "人均利润提升及区间"),
    "control_offers": ("Control of each offer (held out)", "各优惠对照组（留出）"),
    "control_offers_all": (
        "Control of each offer (everyone who got nothing: no held-out group in the log)",
        "各优惠对照组（所有未获优惠的客户：日志中没有留出组）",
    ),
    "control_offers_randomized": (
        "Control of each offer (everyone who got nothing, {held} of them the randomized control "
        "group)",
        "各优惠对照组（所有未获优惠的客户，其中 {held} 位为随机对照组）",
    ),
    "control_offers_too_few": (
        "Control of each offer (held out, too few)",
        "各优惠对照组（留出，人数不足）",
    ),
    # why an offer has no row of its own (campaigns.lift_words.summary says the same)
    "held_out_too_few": (
        "Customers in the control group held out from the plan's choices: {held}, too few to "
        "measure each offer on its own (at least {fewest} are needed); they count in the whole "
        "campaign's figure.",
        "从计划的选择中留出的对照组只有 {held} 位客户：不足以单独衡量每个优惠（至少需要 "
        "{fewest} 位）；它们计入整个活动的数字。",
    ),
    "arms_too_few": (
        "Too few customers got {names} to measure on their own (at least {fewest} are needed); "
        "they count in the whole campaign's figure.",
        "获得 {names} 的客户太少，无法单独衡量（至少需要 {fewest} 位）；他们计入整个活动的数字。",
    ),
    # customers sent an offer whom no offer's row counts (serve.campaign_notes.unrowed_note)
    "unrowed_explore": (
        "{n} of the {sent} customers sent an offer are in no offer's row: they were shown an "
        "exploration offer, drawn at random beside the plan's choices, and each offer's row "
        "compares only the customers the plan chose for it with the held-out control; they "
        "count in the whole campaign's figure.",
        "获得优惠的 {sent} 位客户中有 {n} 位不在任何优惠的行中：他们看到的是在计划选择之外随机"
        "抽取的探索优惠，而每个优惠的行只比较计划为它选中的客户与留出的对照组；他们计入整个"
        "活动的数字。",
    ),
    "unrowed": (
        "{n} of the {sent} customers sent an offer are in no offer's row: each offer's row "
        "compares only the customers the plan chose for it with the held-out control; they "
        "count in the whole campaign's figure.",
        "获得优惠的 {sent} 位客户中有 {n} 位不在任何优惠的行中：每个优惠的行只比较计划为它"
        "选中的客户与留出的对照组；他们计入整个活动的数字。",
    ),
    "arm_count": ("{offer} ({n})", "{offer}（{n}）"),
    "control_campaign": (
        "Control of the whole campaign (got nothing)",
        "整个活动对照组（未获优惠）",
    ),
    "control_customers": ("Control customers", "对照组客户数"),
    "conversion_lift": (
        "Conversion lift, percentage points (pp) [interval]",
        "转化率提升，百分点（pp）[区间]",
    ),
    "revenue_lift": ("Revenue lift per customer [interval]", "人均收入提升 [区间]"),
    "profit_lift_cell": ("Profit lift per customer [interval]", "人均利润提升 [区间]"),
    "report_unavailable": ("Report not available", "报告不可用"),
    "see_log": ("see the server's log", "详见服务器日志"),
    "offer": ("Offer", "优惠"),
    "group": ("Group", "分组"),
    "propensity": ("Chance of this decision", "该决定的概率"),
    "channel": ("Channel", "渠道"),
    "rec_quality": ("Recommendations on the last 30 days (held out)", "推荐质量（最近 30 天留出）"),
    "uplift_quality": (
        "Uplift models on held-out campaign customers",
        "增量模型（留出的活动客户）",
    ),
    "uplift_left_out": (
        "Not scored: {offers}: fewer than {n} customers got them in the past campaigns, too few "
        "to learn from.",
        "未评分：{offers}：往期活动中收到的客户少于 {n} 位，不足以学习。",
    ),
    "uplift_unscored": (
        "Not scored: {offers}: fewer than {n} of the held-out customers got them.",
        "未评分：{offers}：留出的客户中收到的少于 {n} 位。",
    ),
    "uplift_flat": (
        "No score for {offers}: the model gives every held-out customer the same uplift, so it "
        "ranks nobody (too little data to tell customers apart).",
        "{offers} 无评分：模型给所有留出客户的增量都相同，无法区分客户（数据太少）。",
    ),
    "metric": ("Metric", "指标"),
    "value": ("Value", "值"),
    "not_enough": ("Not enough data", "数据不足"),
    "unknown_campaign": ("No campaign {id} in the store.", "店内没有活动 {id}。"),
    # verdicts of a campaign report (data values shown as words)
    "group:target": ("target", "定向"),
    "group:control": ("control", "对照"),
    "group:explore": ("explore", "探索"),
    "group:none": ("no offer", "未发送"),
    "group:visitor": ("visitor", "访客（计划外）"),
    "channel:email": ("email", "邮件"),
    "channel:sms": ("sms", "短信"),
    "channel:csv": ("csv", "CSV"),
    "channel:api": ("api", "API"),
    # the verdicts of a campaign report: report.labels.VERDICT_NAMES
    **{f"verdict:{verdict}": names for verdict, names in VERDICT_NAMES.items()},
    # the segments page's words: RFM segment names, the profile's named segments
    **SEGMENT_LABELS,
    # columns of the model quality tables
    "col:model": ("Model", "模型"),
    "col:offer": ("Offer", "优惠"),
    # each score with its bootstrap interval in one cell (report.qini.score_cells)
    # under the uplift table: what its scores mean, as `promopilot plan`'s caption says; the
    # top 30%'s uplift is a difference of purchase rates written as a fraction (0.095)
    "uplift_caption": (
        "Qini and AUUC: where the model's ranking of the customers an offer moves falls between "
        "a random order (0) and a perfect one (1); below 0 it ranks worse than chance. Uplift in "
        "the top 30%: purchase rate with the offer minus without, among the 30% of held-out "
        "customers the model ranks highest, as a fraction (0.095 is 9.5 percentage points).",
        "Qini 系数和 AUUC：模型对优惠能打动的客户的排序介于随机顺序（0）与完美排序（1）之间；"
        "低于 0 表示比随机还差。前 30% 客户的增量：在模型排名最高的 30% 留出客户中，有优惠与"
        "无优惠的购买率之差，以小数表示（0.095 即 9.5 个百分点）。",
    ),
    "col:qini": ("Qini [interval]", "Qini 系数 [区间]"),
    "col:auuc": ("AUUC [interval]", "AUUC [区间]"),
    "col:uplift_at_30": (
        "Uplift in the top 30%, percentage points (pp) [interval]",
        "前 30% 客户的增量，百分点（pp） [区间]",
    ),
    # the model quality tables' own columns; any other column: report.labels (below)
    "col:customers": ("Customers evaluated", "评估客户数"),
    "col:MAP": ("MAP", "MAP"),
    "col:nDCG@10": ("nDCG at 10", "nDCG@10"),
    "col:precision@10": ("Precision at 10", "前 10 精确率"),
    "col:recall@10": ("Recall at 10", "前 10 召回率"),
    "col:hit_rate@10": ("Hit rate at 10", "前 10 命中率"),
    "col:coverage": ("Catalogue coverage", "商品覆盖率"),
}

# every other column by the report's one mapping, capitalized as the dashboard's headers are
for _name, (_english, _chinese) in COLUMN_LABELS.items():
    LABELS.setdefault(f"col:{_name}", (_english[:1].upper() + _english[1:], _chinese))


def word(text: dict[str, str], kind: str, value) -> str:
    """`value` (a verdict, a segment, a column name) in the page's language: its label under
    ``kind:value``, else the value itself."""
    return text.get(f"{kind}:{value}", str(value))


def english_detail(text: dict[str, str], lead: str, detail: str) -> str:
    """A lower layer's message (written in English: the plan's, a report's, a model check's)
    after `lead` in the page's language; a Chinese page marks it as English detail, so a
    reader knows what it is without every message being translated."""
    return text["english_detail"].format(lead=lead, detail=detail)


def no_outcomes_note(report: dict | None, text: dict) -> str:
    """What a campaign with no order in any window shows instead of figures, in the page's
    language: how many were sent an offer and got nothing, the days of data after the send
    and what a figure needs (:func:`~promopilot.campaigns.no_outcomes.no_outcome_words`);
    "" for a campaign with outcomes."""
    if not report or report.get("buyers") != 0:
        return ""
    from promopilot.campaigns.no_outcomes import no_outcome_words

    return no_outcome_words(report, text["language"])


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    for value in (query, cookie):
        if value in LANGUAGES:
            return value
    return "zh" if accept and accept.lower().startswith("zh") else "en"


def labels(language: str) -> dict[str, str]:
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in LABELS.items()}

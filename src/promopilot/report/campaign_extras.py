"""The campaign report's sections beyond its own lift: the promotion depth across all the
shop's campaigns (which discount paid, in English and Chinese) and the satisfaction of this
campaign's buyers (returns, review sentiment, rating) against the control group's. Split from
:mod:`promopilot.report.campaign`, which adds them where the data allow."""

from __future__ import annotations

import contextlib

import pandas as pd

from promopilot.campaigns.depth import FREE_SHIPPING, NO_DISCOUNT, depth_finding, verdict_text
from promopilot.data.currency import money, money_label
from promopilot.data.shares import whole_percent
from promopilot.report import Section, figure_html
from promopilot.report import formats as fmt
from promopilot.report.labels import CONVERSION_LIFT, POINTS_NOTE, SEGMENT_NAMES, segment_label


def depth_figure(table: pd.DataFrame, currency: str | None = None):
    """Profit lift per customer against discount depth, one series per segment (its axis
    naming `currency` where it is known)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for segment, part in table[table["depth"].notna()].groupby("segment", sort=True):
        fig.add_trace(
            go.Scatter(
                x=part["depth"],
                y=part["profit_lift"],
                mode="markers",
                name=segment_label(segment),
                text=part["campaign_id"] + " / " + part["offer_id"],
                marker={"size": 10},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["profit_high"] - part["profit_lift"],
                    "arrayminus": part["profit_lift"] - part["profit_low"],
                },
            )
        )
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_layout(
        title="Profit lift by discount depth, all logged campaigns "
        "各折扣力度的利润提升（全部活动）",
        xaxis_title="discount depth 折扣力度",
        xaxis_tickformat=".0%",
        yaxis_title=money_label("profit lift per customer 每位顾客利润提升", currency),
        height=480,  # the legend (a row per segment) under the plot leaves it room on a phone
    )
    return fig


def depth_verdict_zh(finding: dict) -> str:
    """The Chinese of :func:`promopilot.campaigns.depth.verdict_text`, with the same figures
    (written once, by ``depth_finding``)."""
    name = finding["segment"]
    segment = SEGMENT_NAMES.get(name, (name, name))[1]
    if "depth" not in finding:
        return f"{segment}：没有测到已知力度的优惠。" + _free_shipping_zh(finding)
    depth = "无折扣" if finding["depth"] == NO_DISCOUNT else finding["depth"]
    measured = (
        f"（{finding['campaign_id']} 活动中的 {finding['offer_id']}：每位顾客利润提升 "
        f"{finding['profit_lift']}，区间 {finding['profit_low']} 至 {finding['profit_high']}）"
    )
    if finding.get("only"):
        text = f"{segment}：只测到一种力度 {depth}{measured}，没有其他力度可与之比较。"
    else:
        text = f"{segment}：利润最高的力度为 {depth}{measured}。"
    if finding.get("pays") == "unclear":
        text += "该力度未证明能盈利：区间包含零。"
    elif finding.get("pays") == "no":
        text += "该力度同样亏损：区间整体低于零。"
    if finding["stopped"]:
        text += (
            f"更深的折扣（{'、'.join(finding['stopped'])}）的利润提升区间整体低于此："
            "折扣再深已不划算。"
        )
    elif finding["deeper"]:
        text += "更深的折扣并未明显更差。"
    return text + _free_shipping_zh(finding)


def _free_shipping_zh(finding: dict) -> str:
    shipping = finding.get("free_shipping")
    if not shipping:
        return ""
    return (
        f"包邮（{shipping['campaign_id']} 活动中的 {shipping['offer_id']}；其成本是运费，"
        f"而非订单金额的折扣比例，故无力度可言）：每位顾客利润提升 {shipping['profit_lift']}，"
        f"区间 {shipping['profit_low']} 至 {shipping['profit_high']}。"
    )


def depth_verdicts(table: pd.DataFrame, currency: str | None = None) -> str:
    """Each segment's depth verdict in English, then in Chinese, money in `currency` where it
    is known."""
    findings = [depth_finding(table, s, currency) for s in table["segment"].unique()]
    return " ".join(f"{verdict_text(f)} {depth_verdict_zh(f)}" for f in findings)


DEPTH_FREE_SHIPPING = "free shipping 包邮"  # the depth column of a free-shipping offer
DEPTH_NONE = "no discount 无折扣"  # ... and of an offer that took nothing off (an e-mail)


def _depth_cell(kind, depth, cap=None, currency: str | None = None) -> str:
    """A depth as the table shows it: ``10%`` (``0.4%`` under 1%, never a "0%" of
    something taken off: :func:`~promopilot.data.shares.whole_percent`); ``no discount
    无折扣`` where nothing was taken off; 每满's ``13% of every step 每满`` (its share of
    each full step, however many an order has); a cap after it, ``10% of every step 每满,
    at most 50.00 最高减50``; free shipping by name (it has no depth)."""
    if kind == FREE_SHIPPING:
        return DEPTH_FREE_SHIPPING
    if pd.isna(depth):
        return fmt.MISSING
    if depth == 0:  # Hillstrom's e-mails: nothing off, not a "0%" depth
        return DEPTH_NONE
    text = whole_percent(depth)  # 0.4%, not 0%: something was taken off
    text += " of every step 每满" if kind == "amount_off_every" else ""
    if cap is not None and not pd.isna(cap) and kind in ("amount_off_every", "percent_off"):
        text += f", at most {money(cap, currency)} 最高减{float(cap):g}"
    return text


def depth_section(table: pd.DataFrame, currency: str | None = None) -> Section:
    shown = pd.DataFrame(
        {
            "campaign 活动": table["campaign_id"],
            "offer 优惠": table["offer_id"],
            "segment 客群": table["segment"].map(segment_label),
            "depth 力度": [
                _depth_cell(kind, depth, cap, currency)
                for kind, depth, cap in zip(
                    table.get("kind", pd.Series(None, index=table.index)),
                    table["depth"],
                    table.get("max_discount", pd.Series(None, index=table.index)),
                    strict=True,
                )
            ],
            "customers 顾客数": table["customers"].map("{:,}".format),
            "control customers 对照组": table["control_customers"].map("{:,}".format),
            CONVERSION_LIFT: [
                fmt.interval(e, lo, hi, kind="points")
                for e, lo, hi in zip(
                    table["conversion_lift"],
                    table["conversion_low"],
                    table["conversion_high"],
                    strict=True,
                )
            ],
            money_label("profit lift per customer [interval] 每位顾客利润提升", currency): [
                fmt.interval(e, lo, hi)
                for e, lo, hi in zip(
                    table["profit_lift"], table["profit_low"], table["profit_high"], strict=True
                )
            ],
        }
    )
    return Section(
        "Promotion depth 折扣力度",
        text=depth_verdicts(table, currency)
        + " Each offer is measured as its campaign's report measures it: a plan's offers on "
        "the customers it chose against the control held out from its choices, a randomized "
        "campaign's against everyone who got nothing; so this campaign's rows equal its lift "
        f"table. 各活动的优惠按其报告的同一对照组测量。 {POINTS_NOTE}",
        tables=[("Lift by depth (all logged campaigns) 各力度提升", shown)],
        figures=[figure_html(depth_figure(table, currency))],
    )


SATISFACTION_METRICS = {
    "return_share": ("share of items returned 退货率", "percent"),
    "sentiment": ("review sentiment (-1..1) 评价情感", "money"),
    "rating": ("rating 评分", "money"),
}


def satisfaction_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per offer and metric, readable: buyers, offer and control means, the
    difference with its interval; "–" where there is nothing to compare."""
    rows = []
    for _, row in table.iterrows():
        for metric, (label, kind) in SATISFACTION_METRICS.items():
            value = fmt.percent if kind == "percent" else fmt.money
            control = row.get("control_customers")
            rows.append(
                {
                    "offer 优惠": row["offer_id"],
                    "measure 指标": label,
                    "offer buyers 优惠组买家": f"{int(row['buyers']):,}",
                    "control buyers 对照组买家": (
                        f"{int(row['control_buyers']):,}"
                        + ("" if pd.isna(control) else f" of {int(control):,}")
                    ),
                    "with a value 有数据": f"{int(row.get(f'{metric}_n', 0)):,}",
                    "offer 优惠组": value(row.get(f"{metric}_offer")),
                    "control 对照组": value(row.get(f"{metric}_control")),
                    "difference [interval] 差异[区间]": fmt.interval(
                        row.get(f"{metric}_diff"),
                        row.get(f"{metric}_low"),
                        row.get(f"{metric}_high"),
                        # a share minus a share: percentage points
                        kind="points" if kind == "percent" else kind,
                    ),
                }
            )
    return pd.DataFrame(rows)


NOTHING_TO_COMPARE = (
    "The shop records neither returns nor reviews, so how satisfied the campaign's buyers were "
    "cannot be measured. 店铺既没有退货记录，也没有评价记录，无法衡量活动买家的满意度。"
)


def satisfaction_section(table: pd.DataFrame) -> Section:
    """The table of returns and reviews; one sentence instead where the shop records neither
    (every cell would be "–")."""
    if (
        table.attrs.get("returns_recorded") is False
        and table.attrs.get("reviews_recorded") is False
    ):
        return Section(
            "After the campaign: returns and reviews 活动后：退货与评价", NOTHING_TO_COMPARE
        )
    window, reviews = table.attrs.get("window_days"), table.attrs.get("review_days")
    when = (
        f"Buyers are customers with an order in the {window}-day attribution window; returns "
        f"and reviews count within {reviews} days of sending. "
        if window and reviews
        else ""
    )
    return Section(
        "After the campaign: returns and reviews 活动后：退货与评价",
        text=(
            f"{when}Buyers of each offer against the buyers of the control group the lift "
            "table uses (a plan's held-out control; \"of N\" is that group's size, so its "
            "buyer count is not the weighted conversion times the whole campaign's control): "
            'share of items returned, review sentiment (-1..1) and rating; "–" where no '
            "buyer has a value. Offer buyers include the extra customers the offer brought in, "
            "so this describes who came; a difference of shares returned is in percentage "
            "points (pp). 各优惠买家与对照组买家的退货率、评价情感与评分对比（退货率之差以百分点 "
            "pp 表示）。"
            + (
                " The shop's orders record no returns at all, so the share of items returned "
                "is not known (–), not 0%. 店铺订单中没有任何退货记录，退货率未知（–），并非 0%。"
                if table.attrs.get("returns_recorded") is False
                else ""
            )
        ),
        tables=[("Satisfaction 满意度", satisfaction_table(table))],
    )


def extra_sections(
    store,
    campaign_id: str,
    *,
    window_days: int | None,
    confidence: float,
    currency: str | None = None,
) -> list[Section]:
    """Depth across all campaigns and satisfaction after this one, where the data allow; money
    in `currency` (the measurement's ``currency``: the shop's, where known)."""
    from promopilot.campaigns.depth import promotion_depth
    from promopilot.campaigns.satisfaction import campaign_satisfaction
    from promopilot.exceptions import NotEnoughDataError

    sections = []
    try:
        table, _ = promotion_depth(store, window_days=window_days, confidence=confidence)
        sections.append(depth_section(table, currency))
    except NotEnoughDataError:
        pass
    with contextlib.suppress(NotEnoughDataError):
        sections.append(
            satisfaction_section(
                campaign_satisfaction(
                    store, campaign_id, window_days=window_days, confidence=confidence
                )
            )
        )
    return sections

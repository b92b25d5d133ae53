"""The campaign report: did it pay? Lift per offer and per segment with error bars, the
cumulative profit over the attribution window, the verdict in plain words. Labels in English and
Chinese; one self-contained HTML page (plotly.js embedded, no network)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from promopilot.campaigns.lift_words import redemption_words
from promopilot.campaigns.measure import SEGMENT_TOO_FEW
from promopilot.campaigns.no_outcomes import no_outcome_words
from promopilot.data.currency import money, money_label, money_note
from promopilot.report import Section, figure_html, write_report
from promopilot.report import formats as fmt
from promopilot.report.campaign_figures import (
    METRIC_LABELS,
    cumulative_figure,
    lift_figure,
    lift_kind,
    metric_kind,
    segment_figure,
)
from promopilot.report.labels import (
    CONVERSION_LIFT,
    POINTS_NOTE,
    VERDICT_NAMES,
    data_days_words,
    labels_list,
    segment_label,
)

VERDICT_LABELS = {verdict: f"{en} {zh}" for verdict, (en, zh) in VERDICT_NAMES.items()}

NOTE_LABELS = {
    SEGMENT_TOO_FEW: f"{SEGMENT_TOO_FEW} 对照组或发送组客户太少，无法测量",
}


def lift_table(measurement: dict) -> pd.DataFrame:
    """One row per offer and metric: arm value, control value, lift with its interval, written
    as ``promopilot report`` writes them (conversion in percent, its lift in percentage points,
    money with two decimals)."""
    rows = []
    # each offer against the control group of its own comparison: the plan's held-out group
    # where the log has one (per_offer_control), else everyone who got nothing
    control = measurement.get("per_offer_control") or measurement["control"]
    currency = measurement.get("currency")  # named beside each metric of money, where known
    for arm in measurement["arms"]:
        for metric, label in METRIC_LABELS.items():
            kind = metric_kind(metric)
            if kind == "money":
                label = money_label(label, currency)
            value = fmt.percent if kind == "percent" else fmt.money
            lift = arm["lift"][metric]
            rows.append(
                {
                    "offer 优惠": arm["offer_id"],
                    "metric 指标": label,
                    "customers 顾客数": f"{arm['customers']:,}",
                    "control customers 对照组": f"{control['customers']:,}",
                    "offer value 优惠组": value(arm[metric]),
                    "control value 对照组值": value(control[metric]),
                    "lift [interval] 提升[区间]": fmt.lift(lift, kind=lift_kind(metric)),
                    "p": fmt.p_value(lift.get("p_value")),
                }
            )
    total = measurement["incremental_profit"]
    rows.append(
        {
            "offer 优惠": "whole campaign 整个活动",
            "metric 指标": money_label("incremental profit (total) 增量利润（合计）", currency),
            "customers 顾客数": f"{measurement['power']['sent_customers']:,}",
            "control customers 对照组": f"{measurement['control']['customers']:,}",
            "offer value 优惠组": fmt.MISSING,
            "control value 对照组值": fmt.MISSING,
            "lift [interval] 提升[区间]": fmt.lift(total),
            "p": fmt.MISSING,
        }
    )
    return pd.DataFrame(rows)


def comparison_words(measurement: dict) -> str:
    """Which control group each row is measured against, as ``promopilot report`` says it."""
    from promopilot.campaigns.lift_words import baseline_words

    per_offer = measurement.get("per_offer_control")
    if per_offer:
        return (
            f"Offers: the customers the plan chose against the {per_offer['customers']:,} held "
            f"out as control; whole campaign: against {baseline_words(measurement)}. "
            "Lifts are adjusted for pre-period spend (CUPED), so a lift can differ a little "
            f"from offer value minus control value. {POINTS_NOTE}"
        )
    return (
        f"Against {baseline_words(measurement)}. Lifts are adjusted for pre-period spend "
        f"(CUPED), so a lift can differ a little from offer value minus control value. "
        f"{POINTS_NOTE}"
    )


def cumulative_text(measurement: dict) -> str:
    from promopilot.campaigns.lift_words import baseline_words

    per_offer = measurement.get("per_offer_control")
    against = (
        f"the {per_offer['customers']:,} customers held out as control"
        if per_offer
        else baseline_words(measurement)
    )
    return (
        "Each measured offer's profit lift per customer had the window ended on that day, "
        f"against {against} (the lift table's comparison, with the same adjustment and "
        f"{measurement['confidence']:.0%} interval as the band): the last day equals the "
        "table's profit lift. Offers too few customers got are not drawn. "
        "各优惠相对同一对照组的累计利润提升，最后一天与上表一致。"
    )


def campaign_sections(measurement: dict, daily: pd.DataFrame | None = None) -> list[Section]:
    """Report sections for one measured campaign (the dict of ``measure_campaign``)."""
    total = measurement["incremental_profit"]
    verdict = VERDICT_LABELS.get(measurement["verdict"], measurement["verdict"])
    if measurement.get("buyers") == 0:  # every figure would be 0 [0, 0]: a false certainty
        return [
            Section(
                f"Campaign result 活动结果 · {measurement['campaign_id']}",
                # the counts and what the data hold after the send, in both languages
                text=(
                    f"{measurement['summary']} {no_outcome_words(measurement, 'zh')} "
                    f"Attribution window {measurement['window_days']} days 归因窗口 "
                    f"{measurement['window_days']} 天."
                ),
            )
        ]
    currency = measurement.get("currency")
    note = money_note(currency)
    # the currency after each sum, as the verdict and every other line write money
    estimate, low, high = (money(total[k], currency) for k in ("estimate", "low", "high"))
    headline = Section(
        f"Campaign result 活动结果 · {measurement['campaign_id']}: {verdict}",
        text=(
            (f"{note}. " if note else "")
            + f"{measurement['summary']} {redemption_words(measurement)} Attribution window "
            f"{measurement['window_days']} days 归因窗口 {measurement['window_days']} 天"
            f"{data_days_words(measurement)}. "
            f"Incremental profit 增量利润 {estimate} [{low}, {high}]. "
            f"{comparison_words(measurement)}"
        ),
        tables=[("Lift per offer against control 各优惠相对对照组的提升", lift_table(measurement))],
        figures=[figure_html(lift_figure(measurement))],
        pre=_method_text(measurement),
    )
    sections = [headline]
    if daily is not None and not daily.empty:
        sections.append(
            Section(
                "Profit over the window 窗口期利润",
                text=cumulative_text(measurement),
                figures=[
                    figure_html(cumulative_figure(daily, measurement["confidence"], currency))
                ],
            )
        )
    if measurement.get("segments"):
        sections.append(
            Section(
                "By segment 分客群",
                text=(
                    "Each segment measured on its own, against its own part of the control "
                    "group of the lift table; a segment with too few customers in control or "
                    f"sent gets the reason instead of figures. 各客群分别测量。 {POINTS_NOTE}"
                ),
                tables=[("Segments 客群", segment_table(measurement))],
                figures=[figure_html(segment_figure(measurement))],
            )
        )
    return sections


def segment_table(measurement: dict) -> pd.DataFrame:
    """Per segment its incremental profit with interval and verdict (or the JSON's note), then
    each offer's conversion and profit lift in it, with the segment's control size."""
    rows = []
    currency = measurement.get("currency")  # in the headers of money, where known
    lift_col = money_label("profit lift per customer [interval] 每位顾客利润提升", currency)
    total_col = money_label("incremental profit [interval] 增量利润", currency)
    for s in measurement.get("segments", []):
        total = s.get("incremental_profit")
        rows.append(
            {
                "segment 客群": segment_label(s["segment"]),
                "offer 优惠": "all offers 全部优惠",
                # sent an offer, as the lift table's whole-campaign row counts; its control
                # group beside (the JSON's all_customers holds both)
                "customers 顾客数": f"{s['sent_customers']:,}",
                "control customers 对照组": f"{s['control_customers']:,}",
                CONVERSION_LIFT: fmt.MISSING,
                lift_col: fmt.MISSING,
                total_col: fmt.lift(total),
                "verdict 结论": (
                    VERDICT_LABELS.get(s["verdict"], s["verdict"])
                    if s.get("verdict")
                    else NOTE_LABELS.get(s.get("note"), s.get("note")) or fmt.MISSING
                ),
            }
        )
        for arm in s.get("arms", []):
            rows.append(
                {
                    "segment 客群": segment_label(s["segment"]),
                    "offer 优惠": arm["offer_id"],
                    "customers 顾客数": f"{arm['customers']:,}",
                    "control customers 对照组": f"{s['control_customers']:,}",
                    CONVERSION_LIFT: fmt.lift(arm["lift"]["conversion"], kind="points"),
                    lift_col: fmt.lift(arm["lift"]["profit_per_customer"]),
                    total_col: fmt.MISSING,
                    "verdict 结论": "",
                }
            )
    return pd.DataFrame(rows)


def _method_text(measurement: dict) -> str:
    method = measurement.get("method", {})
    power = measurement.get("power", {})
    lines = [
        f"weights: {method.get('weights', '')}",
        "variance reduction (CUPED) on 方差缩减（CUPED）: "
        + labels_list(method.get("cuped_covariates", []), "both"),
        f"intervals: {method.get('interval', '')}",
        "minimum detectable profit lift per customer (80% power): "
        + money(power.get("minimum_detectable_profit_lift"), measurement.get("currency")),
    ]
    return "\n".join(lines)


def write_campaign_report(
    measurement: dict,
    path: str | Path,
    daily: pd.DataFrame | None = None,
    extra: list[Section] | None = None,
) -> Path:
    """Write the campaign report to `path` (a self-contained HTML page)."""
    title = f"promopilot campaign report 活动报告: {measurement['campaign_id']}"
    return write_report(path, title, [*campaign_sections(measurement, daily), *(extra or [])])


def report_campaign(
    store,
    campaign_id: str,
    html: str | Path | None = None,
    *,
    window_days: int | None = None,
    confidence: float = 0.95,
) -> dict:
    """Measure a logged campaign and, with `html`, write its report there. Returns the
    measurement (the dict of ``measure_campaign``)."""
    from promopilot.campaigns.measure import measure_campaign, measure_with_daily
    from promopilot.report.campaign_extras import extra_sections

    if html is None:
        return measure_campaign(store, campaign_id, window_days=window_days, confidence=confidence)
    result, daily = measure_with_daily(
        store, campaign_id, window_days=window_days, confidence=confidence
    )
    extra = (
        extra_sections(
            store,
            campaign_id,
            window_days=window_days,
            confidence=confidence,
            currency=result.get("currency"),
        )
        if result.get("buyers") != 0  # no outcomes yet: nothing of this campaign to compare
        else []
    )
    write_campaign_report(result, html, daily, extra)
    return result

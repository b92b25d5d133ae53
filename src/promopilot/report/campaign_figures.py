"""The campaign report's charts: each offer's lift over control per metric, the profit lift
per segment, and the cumulative profit lift over the window, each with its intervals."""

from __future__ import annotations

import pandas as pd

from promopilot.data.currency import money_label
from promopilot.report import two_lines
from promopilot.report.labels import segment_label

METRIC_LABELS = {
    "conversion": "Conversion 转化率",
    "revenue_per_customer": "Revenue per customer 每位顾客收入",
    "profit_per_customer": "Profit per customer 每位顾客利润",
}


def metric_kind(metric: str) -> str:
    return "percent" if metric == "conversion" else "money"


def lift_kind(metric: str) -> str:
    """A conversion lift is one rate minus another: percentage points, not percent."""
    return "points" if metric == "conversion" else "money"


def lift_figure(measurement: dict):
    """Lift of each offer over control, one panel per metric, with confidence error bars."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    level = f"{measurement['confidence']:.0%}"
    titles = [  # a panel of money names its currency, where known; conversion's its points
        f"{label}, pp 百分点"
        if metric_kind(metric) == "percent"
        else money_label(label, measurement.get("currency"))
        for metric, label in METRIC_LABELS.items()
    ]
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles)
    offers = [a["offer_id"] for a in measurement["arms"]]
    for k, metric in enumerate(METRIC_LABELS, start=1):
        lifts = [a["lift"][metric] for a in measurement["arms"]]
        if lift_kind(metric) == "points":  # a difference of rates, drawn in points
            lifts = [{key: e[key] * 100 for key in ("estimate", "low", "high")} for e in lifts]
        fig.add_trace(
            go.Scatter(
                x=offers,
                y=[e["estimate"] for e in lifts],
                mode="markers",
                marker={"size": 10},
                name=METRIC_LABELS[metric],
                showlegend=False,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [e["high"] - e["estimate"] for e in lifts],
                    "arrayminus": [e["estimate"] - e["low"] for e in lifts],
                },
            ),
            row=1,
            col=k,
        )
        fig.add_hline(y=0, line_dash="dot", line_color="grey", row=1, col=k)
    # offer names slanted: three panels side by side leave each a third of a phone's width
    fig.update_xaxes(tickangle=-30)
    fig.update_layout(
        title=f"Lift over control, {level} intervals 相对对照组的提升（{level} 置信区间）",
        height=420,
        margin={"t": 90},
    )
    return fig


def segment_figure(measurement: dict):
    """Profit lift per segment and offer with error bars (segments with a control group)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    offers = sorted({a["offer_id"] for s in measurement.get("segments", []) for a in s["arms"]})
    for offer in offers:
        names, est, high, low = [], [], [], []
        for segment in measurement.get("segments", []):
            for arm in segment["arms"]:
                if arm["offer_id"] == offer:
                    e = arm["lift"]["profit_per_customer"]
                    # a tick label on lines (English, then Chinese) to fit under its point
                    names.append(two_lines(segment_label(segment["segment"]), 12))
                    est.append(e["estimate"])
                    high.append(e["high"] - e["estimate"])
                    low.append(e["estimate"] - e["low"])
        fig.add_trace(
            go.Scatter(
                x=names,
                y=est,
                mode="markers",
                name=offer,
                marker={"size": 10},
                error_y={"type": "data", "symmetric": False, "array": high, "arrayminus": low},
            )
        )
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    fig.update_layout(
        title="Profit lift per customer by segment 各客群每位顾客利润提升",
        yaxis_title=money_label("profit lift 利润提升", measurement.get("currency")),
        height=420,
        scattermode="group",
        xaxis_tickangle=0,  # the segment names are on lines already
    )
    return fig


def cumulative_figure(daily: pd.DataFrame, confidence: float = 0.95, currency: str | None = None):
    """Each measured offer's profit lift per customer had the window ended on each day, with
    its interval as a band (the last day is the lift table's profit row); its axis names
    `currency` where it is known."""
    import plotly.graph_objects as go
    from plotly.colors import DEFAULT_PLOTLY_COLORS

    fig = go.Figure()
    for k, (arm, part) in enumerate(daily.groupby("arm", sort=True)):
        color = DEFAULT_PLOTLY_COLORS[k % len(DEFAULT_PLOTLY_COLORS)]
        x = (part["day"] + 1).tolist()
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=part["high"].tolist() + part["low"].tolist()[::-1],
                fill="toself",
                fillcolor=color.replace("rgb", "rgba").replace(")", ", 0.15)"),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                name=f"{arm} interval",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x, y=part["lift"], mode="lines+markers", name=str(arm), line={"color": color}
            )
        )
    fig.add_hline(y=0, line_dash="dot", line_color="grey")
    level = f"{confidence:.0%}"
    fig.update_layout(
        title=f"Cumulative profit lift per customer over the window, {level} intervals "
        "窗口期内每位顾客累计利润提升",
        xaxis_title="days since sent 发送后天数",
        yaxis_title=money_label("profit vs control 相对对照组利润", currency),
        height=420,
    )
    return fig

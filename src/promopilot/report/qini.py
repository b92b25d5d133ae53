"""The Qini page an owner opens (``promopilot uplift --report``, the demo): the held-out Qini
curves of :func:`promopilot.offers.evaluate.evaluate_campaign_models` as one self-contained
``qini.html`` that fits a phone, written with the ``qini.html`` template, its figures in
``report.formats``. The curves and scores are computed in ``offers.evaluate``; this module
only draws and writes them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from promopilot.offers.evaluate import UpliftEvaluation
from promopilot.report import formats, page_template

QINI_TITLE = "Qini curves on held-out campaign customers"


def qini_figure(evaluation: UpliftEvaluation) -> go.Figure:
    """A Plotly figure of the Qini curves, one trace per (model, offer): a colour per offer and
    a dash style per model, each curve distinct; the random-targeting lines in grey. The legend
    is a key, one short entry per offer (its colour; clicking it hides the offer's curves) and
    per model (its dash), not one per curve: on a phone, a legend of every curve is longer than
    the plot. Hovering a curve names its offer and model."""
    import plotly.express as px

    fig = go.Figure()
    offers = list(dict.fromkeys(offer for _, offer in evaluation.curves))
    models = list(dict.fromkeys(name for name, _ in evaluation.curves))
    colours = px.colors.qualitative.Plotly + px.colors.qualitative.Dark24
    dashes = ("solid", "dash", "dashdot", "longdash", "longdashdot", "5px,2px,1px,2px")

    def colour(offer) -> str:
        return colours[offers.index(offer) % len(colours)]

    def dash(model) -> str:
        return dashes[models.index(model) % len(dashes)]

    for i, ((name, offer), (x, y)) in enumerate(evaluation.curves.items()):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=f"{offer} · {name}",
                legendgroup=f"offer:{offer}",
                showlegend=False,
                line={"color": colour(offer), "dash": dash(name)},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[0, x[-1]],
                y=[0, y[-1]],
                mode="lines",
                name="random targeting",
                legendgroup="random",
                showlegend=i == 0,
                line={"dash": "dot", "width": 1, "color": "#999"},
            )
        )
    # the key: entries without points
    for offer in offers:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=str(offer),
                legendgroup=f"offer:{offer}",
                line={"color": colour(offer)},
            )
        )
    for name in models:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=str(name),
                legendgroup=f"model:{name}",
                line={"color": "#444", "dash": dash(name)},
            )
        )
    fig.update_layout(
        title={"text": "Qini curves (held-out customers)", "font": {"size": 15}},
        xaxis_title="customers targeted (by predicted uplift)",
        yaxis_title="incremental buyers",
        template="plotly_white",
        height=520,
        # rows at the bottom of the figure, under the axis title: beside the plot, the legend
        # takes most of a phone's width
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        margin={"l": 16, "r": 16, "t": 50, "b": 16},
        xaxis={"automargin": True},
        yaxis={"automargin": True},
    )
    return fig


def qini_rows(evaluation: UpliftEvaluation) -> list[dict[str, str]]:
    """Each curve's Qini coefficient and the held-out customers behind it, as the page's table
    writes them: ``curve`` (offer · model), ``qini`` (a score with its bootstrap interval
    where the table has one, "–" where it is not defined), ``n_treated``, ``n_control`` and
    ``n`` (counts)."""
    rows = []
    for row in evaluation.table.itertuples(index=False):
        n_treated, n_control = int(row.n_treated), int(row.n_control)
        qini = formats.score_interval(
            row.qini, getattr(row, "qini_low", None), getattr(row, "qini_high", None)
        )
        rows.append(
            {
                "curve": f"{row.offer} · {row.model}",
                "qini": qini,
                "n_treated": formats.count(n_treated),
                "n_control": formats.count(n_control),
                "n": formats.count(n_treated + n_control),
            }
        )
    return rows


def score_cells(table: pd.DataFrame) -> pd.DataFrame:
    """An evaluation table (:class:`~promopilot.offers.evaluate.UpliftEvaluation`'s) as people
    read it, every cell text: each score with its bootstrap interval in one cell
    (``0.120 [0.031, 0.204]``, its ``_low`` and ``_high`` columns folded in), an uplift in the
    top k% (``uplift_at_30``: one purchase rate minus another) in percentage points as every
    other such lift (``+5.0 pp [-3.3 pp, +12.8 pp]``, where it read ``0.050 [-0.033, 0.128]``),
    counts with separators, "–" for a score the held-out customers do not define."""
    bounds = {c for c in table.columns if c.endswith(("_low", "_high"))}
    out = {}
    for column in table.columns:
        if column in bounds:
            continue
        values = table[column]
        points = column.startswith("uplift_at_")  # a difference of rates
        if points:
            low = table.get(f"{column}_low", pd.Series(float("nan"), index=table.index))
            high = table.get(f"{column}_high", pd.Series(float("nan"), index=table.index))
            cells = [
                formats.interval(v, lo, hi, kind="points")
                for v, lo, hi in zip(values, low, high, strict=True)
            ]
        elif f"{column}_low" in bounds and f"{column}_high" in bounds:
            cells = [
                formats.score_interval(v, lo, hi)
                for v, lo, hi in zip(
                    values, table[f"{column}_low"], table[f"{column}_high"], strict=True
                )
            ]
        elif column.startswith("n_"):
            cells = [formats.count(v) for v in values]
        elif pd.api.types.is_float_dtype(values):
            cells = [formats.score(v) for v in values]
        else:
            cells = values.astype(str).tolist()
        out[column] = cells
    return pd.DataFrame(out, index=table.index)


def write_qini_plot(evaluation: UpliftEvaluation, folder: str | Path) -> Path:
    """The Qini figure and its table as a self-contained ``qini.html`` in `folder` (made if
    missing): plotly.js inline, a page that fits a phone."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "qini.html"
    figure = qini_figure(evaluation).to_html(
        full_html=False, include_plotlyjs=True, config={"responsive": True}
    )
    page = page_template("qini.html").render(
        title=QINI_TITLE,
        figure=figure,
        n_test=formats.count(evaluation.n_test),
        n_train=formats.count(evaluation.n_train),
        rows=qini_rows(evaluation),
        confidence=f"{evaluation.confidence:.0%}",
    )
    path.write_text(page, encoding="utf-8")
    return path

"""The HTML report an owner reads: one self-contained page written with Jinja2 and Plotly."""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from promopilot.report import formats
from promopilot.report.labels import label


@dataclass
class Section:
    title: str
    text: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # Plotly HTML fragments
    pre: str = ""  # preformatted text (rules, notes)


SCORE_COLUMNS = {"score", "qini", "auuc", "uplift_at_30", "p"}


def column_label(name) -> str:
    """A column's header in the report: its English label (``report.labels``)."""
    return label(name, "en")


def _cell(name: str, value) -> str:
    """A share as a percentage, a count with separators, a score to 3 places, money to 2
    (``report.formats``)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | np.integer):
        return formats.count(value)
    if isinstance(value, float | np.floating):
        if name == "share" or name.endswith("_share"):
            return formats.percent(value)
        return formats.score(value) if name in SCORE_COLUMNS else formats.number(value)
    return str(value)


def _table_html(frame: pd.DataFrame) -> str:
    """A frame as an HTML table: readable headers, numbers right-aligned, text left."""
    text_columns = {c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th class="text">{html.escape(column_label(c))}</th>'
        if c in text_columns
        else f"<th>{html.escape(column_label(c))}</th>"
        for c in frame.columns
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="text">{html.escape(_cell(str(c), v))}</td>'
            if c in text_columns
            else f"<td>{html.escape(_cell(str(c), v))}</td>"
            for c, v in zip(frame.columns, values, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    body = "".join(rows)
    return f'<table class="tbl"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def page_template(name: str):
    """One of the package's page templates (``promopilot/templates``), HTML escaped."""
    env = Environment(
        loader=PackageLoader("promopilot", "templates"), autoescape=select_autoescape(["html"])
    )
    return env.get_template(name)


def write_report(path: str | Path, title: str, sections: list[Section]) -> Path:
    """Render `sections` to a standalone HTML page (Plotly's script included once, inline)."""
    template = page_template("report.html")
    rendered = template.render(
        title=title,
        sections=[
            {
                "title": s.title,
                "text": s.text,
                "pre": s.pre,
                "tables": [(caption, _table_html(df)) for caption, df in s.tables],
                "figures": s.figures,
            }
            for s in sections
        ],
        plotly_js=_plotly_js() if any(s.figures for s in sections) else "",
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered, encoding="utf-8")
    return path


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


# the space before the Chinese half of a bilingual label ("Profit lift 利润提升")
_BEFORE_CHINESE = re.compile(r"\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def two_lines(text: str | None, width: int = 40) -> str | None:
    """A bilingual label on two lines (English, then Chinese), so it fits a narrow chart; an
    English half longer than `width` characters is wrapped at spaces too."""
    if not text or "<br>" in text:
        return text
    english, *chinese = _BEFORE_CHINESE.split(text, maxsplit=1)
    return "<br>".join([*textwrap.wrap(english, width), *chinese])


def phone_friendly(figure):
    """Lay a figure out for any width: bilingual title and panel titles on two lines, panel
    titles smaller, the legend in a row under the plot instead of beside it. Returns it."""
    title = figure.layout.title.text
    panels = [a for a in figure.layout.annotations if a.text and a.yref == "paper"]
    for note in panels:
        note.update(text=two_lines(note.text, 12), font={"size": 11})
    panel_lines = max([0, *(n.text.count("<br>") + 1 for n in panels)])
    split = two_lines(title, 36)
    title_lines = split.count("<br>") + 1 if split else 0
    figure.update_layout(
        # above the plot and its panel titles, the top margin grown to hold it
        title={
            "text": split,
            "font": {"size": 15},
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            # Plotly lifts a title of several lines by all but its first: padded back down
            "pad": {"t": 8 + 8 * max(title_lines - 1, 0)},
        },
        # small side margins (the axes' own automargin makes room for their labels)
        margin={"t": 22 * title_lines + 15 * panel_lines + 36, "l": 16, "r": 24, "b": 16},
        # at the bottom of the figure, under the axis titles: Plotly grows the bottom margin
        # to hold it, whatever the width (a legend placed on the plot's scale overlaps the
        # x-axis title once the plot is short)
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "xanchor": "left",
        },
    )
    # a bilingual axis title on two lines: on one, a y-axis title is longer than the plot
    for axis in [*figure.select_xaxes(), *figure.select_yaxes()]:
        if axis.title.text:
            axis.title.text = two_lines(axis.title.text)
    figure.update_yaxes(automargin=True)
    return figure


def figure_html(figure) -> str:
    """A Plotly figure as an HTML fragment (the script is added once by write_report), laid
    out to fit a phone and resized with the page."""
    return phone_friendly(figure).to_html(
        full_html=False, include_plotlyjs=False, config={"responsive": True}
    )


def escape(text: str) -> str:
    return html.escape(text)

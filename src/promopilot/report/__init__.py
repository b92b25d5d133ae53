"""The HTML report an owner reads: one self-contained page written with Jinja2 and Plotly."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape


@dataclass
class Section:
    title: str
    text: str = ""
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # Plotly HTML fragments
    pre: str = ""  # preformatted text (rules, notes)


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(
        index=False, border=0, classes="tbl", float_format=lambda v: f"{v:,.2f}", escape=True
    )


def write_report(path: str | Path, title: str, sections: list[Section]) -> Path:
    """Render `sections` to a standalone HTML page (Plotly's script included once, inline)."""
    env = Environment(
        loader=PackageLoader("promopilot", "templates"), autoescape=select_autoescape(["html"])
    )
    template = env.get_template("report.html")
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


def figure_html(figure) -> str:
    """A Plotly figure as an HTML fragment (the script is added once by write_report)."""
    return figure.to_html(full_html=False, include_plotlyjs=False)


def escape(text: str) -> str:
    return html.escape(text)

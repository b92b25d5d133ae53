"""The HTML pages an owner opens (report.html, campaign-report.html, `report --html`,
qini.html) fit a phone: a viewport tag, wide tables in a box that scrolls sideways."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from promopilot.offers.evaluate import UpliftEvaluation, write_qini_plot
from promopilot.report import Section, write_report

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _evaluation() -> UpliftEvaluation:
    table = pd.DataFrame(
        {
            "model": ["pooled-x", "pooled-x", "x-learner", "x-learner"],
            "offer": ["pct10", "pct20", "pct10", "pct20"],
            "n_treated": [120, 1300, 120, 1300],
            "n_control": [90, 90, 90, 90],
            "qini": [0.0123, -0.004, 0.02, 0.0],
            "auuc": [0.1, 0.2, 0.3, 0.4],
            "uplift_at_30": [0.01, 0.02, 0.03, 0.04],
        }
    )
    x = np.array([0, 50, 100])
    curves = {
        (row.model, row.offer): (x, np.array([0.0, 3.0, 4.0]) + i)
        for i, row in enumerate(table.itertuples())
    }
    return UpliftEvaluation(table=table, curves=curves, n_train=700, n_test=300)


def test_the_report_page_has_a_viewport_and_scrolls_its_tables(tmp_path):
    wide = pd.DataFrame({f"column {i}": [1.0, 2.0] for i in range(30)})
    path = write_report(tmp_path / "r.html", "t", [Section("s", tables=[("wide", wide)])])
    page = path.read_text(encoding="utf-8")
    assert VIEWPORT in page
    tables = re.findall(r"<table", page)
    boxed = re.findall(r'<div class="scroll">\s*<table', page)
    assert tables and len(boxed) == len(tables)
    assert re.search(r"\.scroll\s*\{[^}]*overflow-x:\s*auto", page)


def test_the_qini_page_has_a_viewport(tmp_path):
    page = write_qini_plot(_evaluation(), tmp_path).read_text(encoding="utf-8")
    assert VIEWPORT in page and page.count("<html") == 1
    assert '"responsive": true' in page


def test_report_charts_put_bilingual_titles_on_two_lines_and_the_legend_below():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from promopilot.report import figure_html

    fig = make_subplots(rows=1, cols=2, subplot_titles=["Conversion 转化率", "Profit 利润"])
    fig.add_trace(go.Scatter(x=[1], y=[1], name="a"), row=1, col=1)
    fig.update_layout(title="Lift over control 相对对照组的提升")
    fragment = figure_html(fig)
    assert fig.layout.title.text == "Lift over control<br>相对对照组的提升"
    assert fig.layout.annotations[0].text == "Conversion<br>转化率"
    assert '"responsive": true' in fragment
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0


def test_the_qini_legend_is_a_row_under_the_plot():
    from promopilot.offers.evaluate import qini_figure

    layout = qini_figure(_evaluation()).layout
    assert layout.legend.orientation == "h" and layout.legend.y < 0
    assert len(layout.title.text) <= 40


def test_the_qini_page_tells_its_curves_apart_and_lists_each_qini_with_its_n(tmp_path):
    from promopilot.offers.evaluate import qini_figure

    figure = qini_figure(_evaluation())
    curves = [t for t in figure.data if t.name != "random targeting"]
    styles = {(t.line.color, t.line.dash) for t in curves}
    assert len(styles) == len(curves) == 4  # no two curves look alike
    random = [t for t in figure.data if t.name == "random targeting"]
    assert len(random) == 4 and sum(bool(t.showlegend) for t in random) == 1
    page = write_qini_plot(_evaluation(), tmp_path).read_text(encoding="utf-8")
    assert "<title>Qini curves on held-out campaign customers</title>" in page
    table = page.split('id="qini-table"')[1].split("</table>")[0]
    assert "pct10 · pooled-x" in table and ">0.0123<" in table and ">1,390<" in table


def test_report_tables_read_as_words_and_formatted_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "rfm_segment": ["Champions"],
            "n_orders": [1500],
            "share": [0.3374],
            "score": [0.123456789],
            "return_share_n": [12],
            "description": ["a long text"],
        }
    )
    page = write_report(tmp_path / "r.html", "t", [Section("s", tables=[("", frame)])])
    text = page.read_text(encoding="utf-8")
    for raw in ("rfm_segment", "n_orders", "return_share_n"):
        assert f">{raw}<" not in text
    assert ">RFM segment<" in text and ">orders<" in text and ">return share (n)<" in text
    assert ">1,500<" in text and ">33.7%<" in text and ">0.123<" in text
    assert '<td class="text">a long text</td>' in text

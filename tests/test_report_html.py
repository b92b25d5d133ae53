"""The HTML pages an owner opens (report.html, campaign-report.html, `report --html`,
qini.html) fit a phone: a viewport tag, wide tables in a box that scrolls sideways."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from promopilot.offers.evaluate import UpliftEvaluation
from promopilot.report import Section, write_report
from promopilot.report.qini import qini_figure, write_qini_plot

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
    _legend_at_the_bottom(fig.layout.legend)


def _legend_at_the_bottom(legend) -> None:
    """A row at the foot of the figure, under the x-axis title (placed on the figure, not on
    the plot's scale, where a short plot puts it over the axis title)."""
    assert legend.orientation == "h" and legend.yref == "container"
    assert legend.y == 0 and legend.yanchor == "bottom"


def test_report_charts_put_a_bilingual_axis_title_on_two_lines():
    import plotly.graph_objects as go

    from promopilot.report import figure_html

    fig = go.Figure(go.Scatter(x=[1], y=[1]))
    fig.update_layout(xaxis_title="discount depth 折扣力度", yaxis_title="profit lift 利润提升")
    figure_html(fig)
    assert fig.layout.xaxis.title.text == "discount depth<br>折扣力度"
    assert fig.layout.yaxis.title.text == "profit lift<br>利润提升"


def test_the_qini_legend_is_a_row_under_the_plot():
    figure = qini_figure(_evaluation())
    _legend_at_the_bottom(figure.layout.legend)
    assert len(figure.layout.title.text) <= 40
    # a key, not a line per curve: an entry per offer, per model, and random targeting
    entries = [t.name for t in figure.data if t.showlegend is not False]
    assert sorted(entries) == ["pct10", "pct20", "pooled-x", "random targeting", "x-learner"]


def test_the_qini_page_tells_its_curves_apart_and_lists_each_qini_with_its_n(tmp_path):
    figure = qini_figure(_evaluation())
    curves = [t for t in figure.data if t.name != "random targeting" and len(t.x) > 1]
    styles = {(t.line.color, t.line.dash) for t in curves}
    assert len(styles) == len(curves) == 4  # no two curves look alike
    assert {t.name for t in curves} == {
        "pct10 · pooled-x",
        "pct20 · pooled-x",
        "pct10 · x-learner",
        "pct20 · x-learner",
    }
    key = {t.name: t.line for t in figure.data if t.showlegend is not False}
    for curve in curves:  # each curve has its offer's colour and its model's dash in the key
        offer, model = curve.name.split(" · ")
        assert curve.line.color == key[offer].color and curve.line.dash == key[model].dash
        assert curve.legendgroup == f"offer:{offer}"  # clicking the offer hides its curves
    random = [t for t in figure.data if t.name == "random targeting"]
    assert len(random) == 4 and sum(bool(t.showlegend) for t in random) == 1
    page = write_qini_plot(_evaluation(), tmp_path).read_text(encoding="utf-8")
    assert "<title>Qini curves on held-out campaign customers</title>" in page
    table = page.split('id="qini-table"')[1].split("</table>")[0]
    assert "pct10 · pooled-x" in table and ">0.012<" in table and ">1,390<" in table


def test_the_qini_table_writes_scores_as_the_report_tables_do(tmp_path):
    """report.formats: a score to 3 places as in the report's tables, no negative zero, an
    undefined Qini as "–"; names escaped."""
    evaluation = _evaluation()
    evaluation.table.loc[0, "qini"] = float("nan")
    evaluation.table.loc[1, "qini"] = -0.0004
    evaluation.table.loc[2, "offer"] = "<b>pct10</b>"
    page = write_qini_plot(evaluation, tmp_path).read_text(encoding="utf-8")
    table = page.split('id="qini-table"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="qini">([^<]*)</td>', table)
    assert cells == ["–", "0.000", "0.020", "0.000"]
    assert "n/a" not in table and "-0.000" not in table
    assert "&lt;b&gt;pct10&lt;/b&gt; · x-learner" in table
    report = write_report(
        tmp_path / "r.html", "t", [Section("s", tables=[("", evaluation.table[["qini"]])])]
    ).read_text(encoding="utf-8")
    assert all(f"<td>{cell}</td>" in report for cell in cells)
    assert "300 customers held out, 700 for training." in page


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


def _pre(page: str) -> str:
    (pre,) = re.findall(r"<pre>(.*?)</pre>", page, flags=re.S)
    return html.unescape(pre)


def _rules(features: pd.DataFrame) -> str:
    """The plan's rules (offers.explain) for a choice that depends on the first two columns."""
    from promopilot.offers.explain import plan_rules

    first, second = (c for c in features.columns if c != "customer_id")
    choice = np.where(features[first] > 30, "pct10", np.where(features[second] > 0.5, "ship", ""))
    return plan_rules(features, pd.Series(choice, index=features["customer_id"]))


def _features(first: str, second: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(400)],
            first: rng.uniform(0, 60, 400),
            second: rng.uniform(0, 1, 400),
        }
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("recency_days", "discount_sensitivity"), ("days_since_last_event", "coupon_share")],
)
def test_the_plans_rules_name_each_column_by_its_label_in_the_report(tmp_path, first, second):
    """The rule tree in the page says "days since last order", not `recency_days` (the plan's
    own rule columns and, without them, any feature column); each leaf names the offer."""
    from promopilot.report.labels import label, readable_rules

    rules = _rules(_features(first, second))
    assert first in rules and second in rules  # the tree splits on both
    page = write_report(tmp_path / "r.html", "t", [Section("plan", pre=readable_rules(rules))])
    pre = _pre(page.read_text(encoding="utf-8"))
    for column in (first, second):
        assert column not in pre
        assert re.search(rf"\|--- {re.escape(label(column))} (<=|> ) \d", pre)
    assert "class:" not in pre and "offer: pct10" in pre and "offer: nothing" in pre
    chinese = readable_rules(rules, "zh")
    assert label(first, "zh") in chinese and first not in chinese and "优惠: pct10" in chinese


def test_the_plans_rules_in_chinese_say_the_lines_around_the_tree_in_chinese_too():
    """The header and the everyone-gets line of offers.explain in Chinese with the same
    figures, and no offer as 无 (the dashboard shows the rules in the page's language)."""
    from promopilot.offers.explain import plan_rules
    from promopilot.report.labels import readable_rules

    rules = _rules(_features("recency_days", "discount_sensitivity"))
    header = re.match(r"who gets what \(a depth-(\d+) tree reproduces (\d+%)", rules)
    depth, accuracy = header.groups()
    chinese = readable_rules(rules, "zh")
    assert chinese.splitlines()[0] == (
        f"谁得到什么（深度为 {depth} 的决策树重现了计划 {accuracy} 的选择）："
    )
    assert "优惠: 无" in chinese and "nothing" not in chinese and "who gets" not in chinese
    assert "offer: nothing" in readable_rules(rules)  # English as before
    everyone = plan_rules(_features("recency_days", "frequency"), pd.Series([""] * 400))
    assert everyone == "everyone considered gets: nothing"
    assert readable_rules(everyone, "zh") == "所有候选客户都得到：无"
    assert readable_rules("everyone considered gets: pct10", "zh") == "所有候选客户都得到：pct10"


def test_every_column_the_rules_or_the_profile_describe_has_a_label_in_both_languages():
    """One mapping for every feature described in FEATURE_DESCRIPTIONS (and docs/profile.md)
    and every column the plan's rules split on: none is shown by its raw name."""
    from promopilot.offers.explain import RULE_FEATURES
    from promopilot.profile.features import FEATURE_DESCRIPTIONS
    from promopilot.report.labels import COLUMN_LABELS, label

    described = {c for c in FEATURE_DESCRIPTIONS if "<" not in c}
    assert set(RULE_FEATURES) | described <= set(COLUMN_LABELS)
    for english, chinese in COLUMN_LABELS.values():
        assert "_" not in english and re.search(r"[\u4e00-\u9fff]", chinese)
    assert label("share_baby") == "share of spend on baby"
    assert label("pre_revenue", "both") == "revenue before sending 发送前收入"


def _depth_table() -> pd.DataFrame:
    rows = []
    for k, segment in enumerate(["all customers", "new: no order before", "one order before"]):
        for depth in (0.0, 0.03, 0.1, 0.13, 0.15):
            lift = 3.0 + k - 20 * depth
            rows.append(
                {
                    "segment": segment,
                    "campaign_id": "spring",
                    "offer_id": f"pct{round(depth * 100)}",
                    "depth": depth,
                    "profit_lift": lift,
                    "profit_low": lift - 6,
                    "profit_high": lift + 6,
                }
            )
    return pd.DataFrame(rows)


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.slow
@pytest.mark.browser
def test_the_qini_and_depth_charts_are_readable_on_a_phone(tmp_path):
    """At 390 px wide (a phone) each chart's plot keeps most of the width and a fair height,
    its legend is whole (no scroll bar) and lies under the x-axis title, not over it."""
    import os

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs /usr/bin/chromium")
    from promopilot.report import figure_html
    from promopilot.report.campaign_extras import depth_figure

    figures = [figure_html(qini_figure(_evaluation())), figure_html(depth_figure(_depth_table()))]
    report = write_report(tmp_path / "r.html", "t", [Section("charts", figures=figures)])
    qini = write_qini_plot(_evaluation(), tmp_path)
    measure = """div => {
        const box = e => e && e.getBoundingClientRect();
        const legend = box(div.querySelector('.legend'));
        const title = box(div.querySelector('.xtitle'));
        const plot = box(div.querySelector('.nsewdrag'));
        const scroll = div.querySelector('.legend .scrollbar');
        return {div: box(div).width, plotWidth: plot.width, plotHeight: plot.height,
                legendTop: legend.top, titleBottom: title.bottom,
                scroll: scroll ? box(scroll).height : 0};
    }"""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            charts = []
            for path in (report, qini):
                page.goto(path.as_uri())
                page.wait_for_selector(".plotly-graph-div .legend")
                charts += [
                    d.evaluate(measure) for d in page.query_selector_all(".plotly-graph-div")
                ]
        finally:
            browser.close()
    assert len(charts) == 3
    for chart in charts:
        assert chart["plotWidth"] >= 0.7 * chart["div"], chart
        assert chart["plotHeight"] >= 200, chart
        assert chart["scroll"] == 0, chart
        assert chart["legendTop"] >= chart["titleBottom"], chart


def test_the_report_and_the_cli_tables_write_numbers_alike(tmp_path):
    """report tables and the CLI's frame_table share report.formats: thousands separators,
    two places, "–" for a missing value and never a negative zero."""
    from rich.console import Console

    from promopilot.cli.common import frame_table

    frame = pd.DataFrame({"expected_cost": [-0.004, 1234.5, float("nan")], "n": [1500, 2, 3]})
    page = write_report(tmp_path / "r.html", "t", [Section("s", tables=[("", frame)])])
    cells = re.findall(r"<td>([^<]*)</td>", page.read_text(encoding="utf-8"))
    assert cells == ["0.00", "1,500", "1,234.50", "2", "–", "3"]
    console = Console(width=100, record=True)
    console.print(frame_table(frame))
    lines = console.export_text().splitlines()
    rows = [line.replace("│", " ").split() for line in lines if "│" in line]
    assert rows == [["0.00", "1,500"], ["1,234.50", "2"], ["–", "3"]]


def test_the_qini_table_gives_each_qini_its_interval(tmp_path):
    """Where the evaluation has bootstrap bounds, each Qini is written with them at the
    evaluation's level; a bound that is not defined leaves the plain score."""
    evaluation = _evaluation()
    evaluation.table["qini_low"] = [-0.21, -0.05, float("nan"), -0.0004]
    evaluation.table["qini_high"] = [0.25, 0.04, 0.3, 0.0004]
    evaluation.confidence = 0.8
    page = write_qini_plot(evaluation, tmp_path).read_text(encoding="utf-8")
    table = page.split('id="qini-table"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="qini">([^<]*)</td>', table)
    assert cells == [
        "0.012 [-0.210, 0.250]",
        "-0.004 [-0.050, 0.040]",
        "0.020",
        "0.000 [0.000, 0.000]",
    ]
    assert "<th>Qini [80% interval]</th>" in table


def test_the_demo_reports_segment_table_says_which_figure_is_a_median_and_which_a_mean(
    tmp_path,
):
    """The demo report's segment table headed a median "days since last order" (311.73)
    beside a description comparing the mean (355 vs 207 overall): the header says median and
    the days are whole, as `profile` prints them; the other figures say they are means."""
    from types import SimpleNamespace

    from promopilot.cli.demo import segments_for_report
    from promopilot.profile.build import segment_summary

    customers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "segment": ["one-time buyers"] * 3,
            "recency_days": [300.2, 311.73, 600.0],  # median 311.73, mean 403.98
            "frequency": [0, 1, 0],
            "monetary": [0.0, 60.0, 0.0],
            "churn_risk": [0.5, 0.6, 0.9],
            "discount_sensitivity": [0.5, 0.5, 0.5],
            "clv_12m": [1.0, 2.0, 3.0],
        }
    )
    named = SimpleNamespace(
        names_=["one-time buyers"],
        descriptions_=["days 404 vs 404"],
        names_zh_=["一次性买家"],
        descriptions_zh_=["天数 404（整体 404）"],
    )
    table = segments_for_report(segment_summary(customers, named))
    page = write_report(tmp_path / "r.html", "t", [Section("s", tables=[("", table)])])
    text = page.read_text(encoding="utf-8")
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", text)
    assert "days since last order (median)" in heads and "days since last order" not in heads
    assert "orders (mean)" in heads and "net spend (mean)" in heads
    cells = re.findall(r"<td>([^<]*)</td>", text)
    assert cells[:4] == ["3", "100.0%", "312", "0.33"]


def test_the_demo_reports_segment_spend_names_its_currency():
    """The demo report's segment table headed its money "net spend (mean)" (the demo shop sells
    in yuan, synthetic) where the other money columns name the currency: "net spend (mean)
    (CNY)"; a shop without a known currency keeps the plain header."""
    from types import SimpleNamespace

    from promopilot.cli.demo import segments_for_report
    from promopilot.profile.build import segment_summary

    customers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "segment": ["buyers"] * 2,
            "recency_days": [10.0, 20.0],
            "frequency": [1, 2],
            "monetary": [50.0, 70.0],
            "churn_risk": [0.1, 0.2],
            "discount_sensitivity": [0.5, 0.5],
            "clv_12m": [1.0, 2.0],
        }
    )
    named = SimpleNamespace(
        names_=["buyers"],
        descriptions_=["spend 60 vs 60"],
        names_zh_=["买家"],
        descriptions_zh_=["消费 60（整体 60）"],
    )
    summary = segment_summary(customers, named)
    shown = segments_for_report(summary, "CNY")
    assert "net spend (mean) (CNY)" in shown.columns and "net spend (mean)" not in shown.columns
    assert shown["net spend (mean) (CNY)"].tolist() == [60.0]
    assert "net spend (mean)" in segments_for_report(summary).columns

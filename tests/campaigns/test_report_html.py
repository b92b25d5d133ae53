"""The campaign report's HTML says what ``promopilot report`` and its JSON say: the same
customers, control groups, figures and intervals, written the same way."""

import copy
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from promopilot.report import formats as fmt

from .report_helpers import report_page


@pytest.fixture(scope="module")
def _page(tmp_path_factory):
    """Measured and written once for the module (about 1 s of CPU each time)."""
    return report_page(tmp_path_factory.mktemp("report"))


@pytest.fixture()
def page(_page):
    """The measurement (this test's own copy: a test may change it) and the page's text."""
    result, html = _page
    return copy.deepcopy(result), html


def _text(html: str) -> str:
    """The page without its scripts (plotly.js and the charts' data)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


class _Tables(HTMLParser):
    """Each table of a page as rows of cell texts (its caption first)."""

    def __init__(self):
        super().__init__()
        self.tables, self.captions, self._caption, self._cell = [], [], None, None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("class", "caption") in attrs:
            self._in_caption, self._caption = True, ""
        elif tag == "table":
            self.tables.append([])
            self.captions.append(self._caption)
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._in_caption:
            self._caption += data


def table(html: str, caption: str) -> list[dict]:
    """The rows (header -> cell) of the table whose caption starts with `caption`."""
    parser = _Tables()
    parser.feed(_text(html))
    for name, rows in zip(parser.captions, parser.tables, strict=True):
        if name and name.startswith(caption):
            return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    raise AssertionError(f"no table {caption!r} in {parser.captions}")


def _cli_cells(result: dict) -> dict[tuple[str, str], str]:
    """(offer, metric) -> the lift cell of ``promopilot report``'s table (cli/report.py)."""
    from promopilot.cli.lift_tables import lift_table

    # the interval on its own line in the terminal, after a space in the HTML
    columns = {
        c.header: [" ".join(str(cell).split()) for cell in c.cells]
        for c in lift_table(result).columns
    }
    metrics = {
        "conversion": "conversion lift (pp)",
        "revenue_per_customer": "revenue lift",
        "profit_per_customer": "profit lift",
    }
    return {
        (offer, metric): columns[header][row]
        for row, offer in enumerate(columns["offer"])
        for metric, header in metrics.items()
    }


def test_lifts_are_written_as_the_cli_writes_them(page):
    result, html = page
    text = _text(html)
    cli = _cli_cells(result)
    for arm in result["arms"]:
        for metric in ("conversion", "revenue_per_customer", "profit_per_customer"):
            kind = "points" if metric == "conversion" else "money"
            assert cli[arm["offer_id"], metric] == fmt.lift(arm["lift"][metric], kind=kind)
            assert cli[arm["offer_id"], metric] in text
    assert "-0.00" not in text and "-0.0%" not in text and "-0.0 pp" not in text


def test_the_cli_writes_a_lift_near_zero_as_the_report_does(page):
    """One formatter for both: a lift of -0.004 is "0.00" in the terminal too, never "-0.00"."""
    result, _ = page
    arm = result["arms"][0]
    arm["lift"]["profit_per_customer"].update(estimate=-0.004, low=-0.0049, high=0.003)
    arm["lift"]["conversion"].update(estimate=-0.0004, low=-0.0004, high=0.0003)
    cli = _cli_cells(result)
    assert cli[arm["offer_id"], "profit_per_customer"] == "0.00 [0.00, 0.00]"
    assert cli[arm["offer_id"], "conversion"] == "0.0 pp [0.0 pp, 0.0 pp]"


def test_a_conversion_lift_is_written_in_percentage_points_not_percent(page):
    """A conversion lift is one conversion rate minus another: 8.0% against 7.3% read
    "+0.7%", which a shop owner takes for a relative rise of 0.7%. It is "+0.7 pp" in the
    terminal, the HTML report's tables and its chart, with "percentage points" spelt out beside
    each table; relative shares stay "%"."""
    from promopilot.cli.lift_tables import lift_table as cli_table
    from promopilot.report.campaign import lift_figure

    assert fmt.points(0.08 - 0.073) == "+0.7 pp" and fmt.points(-0.0004) == "0.0 pp"
    assert fmt.interval(0.007, 0.005, 0.008, kind="points") == "+0.7 pp [+0.5 pp, +0.8 pp]"
    assert fmt.percent(0.08) == "8.0%"  # a rate itself is still a percentage
    result, html = page
    arm = result["arms"][0]
    arm["lift"]["conversion"].update(estimate=0.08 - 0.073, low=0.005, high=0.008)
    cli = _cli_cells(result)
    assert cli[arm["offer_id"], "conversion"] == "+0.7 pp [+0.5 pp, +0.8 pp]"
    assert "percentage points" in str(cli_table(result).caption)
    rows = table(html, "Lift per offer")
    conversion = [r for r in rows if r["metric 指标"].startswith("Conversion")]
    assert conversion and all(
        r["lift [interval] 提升[区间]"].count(" pp") == 3
        and "%" not in r["lift [interval] 提升[区间]"]
        for r in conversion
    )
    assert all(r["offer value 优惠组"].endswith("%") for r in conversion)
    depth = table(html, "Lift by depth")
    assert all("%" not in r["conversion lift, pp [interval] 转化率提升（百分点）"] for r in depth)
    assert _text(html).count("Conversion lifts are in pp: percentage points") >= 2
    # the chart draws the same points: 0.7, not 0.007
    panel = lift_figure(result).data[0]
    assert panel.y[0] == pytest.approx(0.7)


def test_formats_never_write_a_negative_zero_or_nan():
    assert fmt.percent(-0.0004, sign=True) == "0.0%"
    assert fmt.money(-0.004, sign=True) == "0.00"
    assert fmt.money(1234.5) == "1,234.50" and fmt.money(-1234.5, sign=True) == "-1,234.50"
    assert fmt.percent(0.0811) == "8.1%" and fmt.percent(float("nan")) == "–"
    assert fmt.interval(-0.004, -0.05, 0.042, kind="percent") == "-0.4% [-5.0%, +4.2%]"
    assert fmt.lift(None) == "–" and fmt.money(None) == "–"


def test_offer_rows_show_the_held_out_control_and_the_campaign_row_everyone_who_got_nothing(page):
    result, html = page
    per_offer, everyone = result["per_offer_control"], result["control"]
    assert per_offer["customers"] == 100 and everyone["customers"] == 300  # the plan's log
    rows = table(html, "Lift per offer")
    offers = [r for r in rows if not r["offer 优惠"].startswith("whole campaign")]
    assert {r["control customers 对照组"] for r in offers} == {"100"}
    conversion = [r for r in offers if r["metric 指标"].startswith("Conversion")]
    assert {r["control value 对照组值"] for r in conversion} == {fmt.percent(0.09)}
    profit = [r for r in offers if r["metric 指标"].startswith("Profit")]
    assert {r["control value 对照组值"] for r in profit} == {
        fmt.money(per_offer["profit_per_customer"])
    }
    (whole,) = [r for r in rows if r["offer 优惠"].startswith("whole campaign")]
    assert whole["control customers 对照组"] == "300"
    assert whole["customers 顾客数"] == f"{result['power']['sent_customers']:,}"
    assert whole["lift [interval] 提升[区间]"] == fmt.lift(result["incremental_profit"])
    assert "against the 100 held out as control" in html


def test_a_segments_all_offers_row_counts_those_sent_an_offer_not_its_control_too(page):
    """The segment table's "all offers" row counted the whole segment, its control group too,
    beside that control in the next column: Hillstrom's one segment read 64,000 customers and
    21,306 in control where 42,694 were sent an e-mail (the lift table's whole-campaign row).
    It counts those sent an offer, as that row does, and its offers add up to it."""
    result, html = page
    rows = table(html, "Segments")
    for s in result["segments"]:
        name = [r for r in rows if r["offer 优惠"] == "all offers 全部优惠"]
        (row,) = [r for r in name if s["segment"] in r["segment 客群"]]
        sent = s["sent_customers"]
        assert row["customers 顾客数"] == f"{sent:,}" and sent < s["all_customers"]
        assert row["control customers 对照组"] == f"{s['control_customers']:,}"
        assert sum(arm["customers"] for arm in s["arms"]) <= sent


def test_the_window_chart_draws_measured_offers_against_the_tables_control(tmp_path):
    from promopilot.campaigns.measure import measure_with_daily
    from promopilot.report.campaign import cumulative_figure

    from .report_helpers import plan_store

    result, daily = measure_with_daily(plan_store(tmp_path), "plan", window_days=14)
    measured = {a["offer_id"]: a["lift"]["profit_per_customer"] for a in result["arms"]}
    assert set(daily["arm"]) == set(measured) == {"pct10", "ship"}  # not tiny (1), not beauty
    last = daily[daily["day"] == daily["day"].max()].set_index("arm")
    for arm, e in measured.items():
        assert last.loc[arm, ["lift", "low", "high"]].tolist() == pytest.approx(
            [e["estimate"], e["low"], e["high"]]
        )
    assert (daily["low"] <= daily["lift"]).all() and (daily["lift"] <= daily["high"]).all()
    names = {trace.name for trace in cumulative_figure(daily).data}
    assert names == {"pct10", "ship", "pct10 interval", "ship interval"}


def test_the_window_chart_says_which_control_it_is_drawn_against(page):
    _, html = page
    assert "against the 100 customers held out as control" in _text(html)
    assert "the last day equals the table" in _text(html)


def test_promotion_depth_uses_the_headlines_customers_and_control(page):
    result, html = page
    rows = [
        r
        for r in table(html, "Lift by depth")
        if r["campaign 活动"] == "plan" and r["segment 客群"] == "all customers 全部客户"
    ]
    assert {r["offer 优惠"] for r in rows} == {"pct10", "ship"}
    for arm in result["arms"]:
        (row,) = [r for r in rows if r["offer 优惠"] == arm["offer_id"]]
        assert row["customers 顾客数"] == f"{arm['customers']:,}"
        assert row["control customers 对照组"] == "100"
        assert row["profit lift per customer [interval] 每位顾客利润提升"] == fmt.lift(
            arm["lift"]["profit_per_customer"]
        )
        assert row["conversion lift, pp [interval] 转化率提升（百分点）"] == fmt.lift(
            arm["lift"]["conversion"], kind="points"
        )


def _depth_table(best_lift: float, best_high: float):
    """A depth table where an offer at 2% (named "ship") paid and the deeper 10% and 13% did
    not."""
    import pandas as pd

    return pd.DataFrame(
        {
            "segment": "all customers",
            "campaign_id": ["a", "a", "b", "a"],
            "offer_id": ["ship", "pct10", "pct10", "mj"],
            "depth": [0.02, 0.10, 0.10, 0.13],
            "profit_lift": [best_lift, -5.0, -6.0, -4.0],
            "profit_low": [1.0, -8.0, -9.0, -7.0],
            "profit_high": [best_high, -2.0, -3.0, -1.0],
        }
    )


def test_the_depth_verdict_names_each_deeper_depth_once():
    from promopilot.campaigns.depth import depth_verdict

    assert "Deeper discounts (10%, 13%) had" in depth_verdict(_depth_table(9.0, 17.0))


def test_the_depth_verdict_names_the_shops_currency_in_both_languages():
    from promopilot.campaigns.depth import depth_finding, depth_verdict
    from promopilot.report.campaign_extras import depth_verdict_zh

    table = _depth_table(1234.5, 2000.0)
    english = depth_verdict(table, currency="EUR")
    assert "profit lift 1,234.50 EUR per customer, interval 1.00 EUR to 2,000.00 EUR" in english
    chinese = depth_verdict_zh(depth_finding(table, currency="EUR"))
    assert all(f in chinese for f in ("1,234.50 EUR", "1.00 EUR", "2,000.00 EUR"))
    assert "EUR" not in depth_verdict(table)  # a shop whose currency is unknown: bare


def test_a_best_depth_that_did_not_pay_is_not_left_sounding_profitable():
    # on a real shop every offer lost money: the "most profitable" depth was the least bad
    import pandas as pd

    from promopilot.campaigns.depth import depth_finding, depth_verdict
    from promopilot.report.campaign_extras import depth_verdict_zh

    paid = _depth_table(9.0, 17.0)
    assert "not shown to pay" not in depth_verdict(paid) and "lost money" not in depth_verdict(paid)
    unclear = pd.DataFrame(
        {
            "segment": "all customers",
            "campaign_id": "m",
            "offer_id": ["ship", "pct10"],
            "depth": [0.0, 0.10],
            "profit_lift": [-7.44, -3.25],
            "profit_low": [-24.19, -16.97],
            "profit_high": [9.32, 10.47],
        }
    )
    assert "It was not shown to pay: its interval includes zero." in depth_verdict(unclear)
    assert "未证明能盈利" in depth_verdict_zh(depth_finding(unclear))
    lost = unclear.assign(profit_high=[-1.0, -0.5])
    assert "It lost money too: its interval is wholly below zero." in depth_verdict(lost)
    assert "同样亏损" in depth_verdict_zh(depth_finding(lost))


def test_the_depth_verdict_is_in_chinese_too_with_the_same_figures(page):
    _, html = page
    text = _text(html)
    # one depth (10%) besides free shipping: not called the most profitable of one
    english = re.search(
        r"all customers: only one depth was measured, (\d+%) \((\w+) in (\w+): profit lift "
        r"([-\d.,]+) per customer, interval ([-\d.,]+) to ([-\d.,]+)\); there is no other",
        text,
    )
    depth, offer, campaign, lift, low, high = english.groups()
    assert (
        f"全部客户：只测到一种力度 {depth}（{campaign} 活动中的 {offer}：每位顾客利润提升 "
        f"{lift}，区间 {low} 至 {high}），没有其他力度可与之比较。"
    ) in text
    (row,) = [
        r
        for r in table(html, "Lift by depth")
        if r["offer 优惠"] == offer and r["segment 客群"] == "all customers 全部客户"
    ]
    cell = row["profit lift per customer [interval] 每位顾客利润提升"]
    assert cell.replace("+", "") == f"{lift} [{low}, {high}]"  # the table's figures
    assert "新客（此前无订单）：只测到一种力度" in text  # each segment's verdict


def test_the_chinese_depth_verdict_names_where_deeper_stopped_paying():
    from promopilot.campaigns.depth import depth_finding, depth_verdict
    from promopilot.report.campaign_extras import depth_verdict_zh

    table = _depth_table(1234.5, 2345.0)
    chinese = depth_verdict_zh(depth_finding(table))
    assert chinese == (
        "全部客户：利润最高的力度为 2%（a 活动中的 ship：每位顾客利润提升 1,234.50，区间 1.00 至 "
        "2,345.00）。更深的折扣（10%、13%）的利润提升区间整体低于此：折扣再深已不划算。"
    )
    english = depth_verdict(table)
    for figure in ("2%", "1,234.50", "1.00", "2,345.00", "10%", "13%"):
        assert figure in english


def test_free_shipping_is_named_as_such_not_a_zero_depth(page):
    """Free shipping's cost (the fee) is not on its order lines, whose discount is 0: it is
    not shown as a 0% depth but named as free shipping, in both languages, with its figures."""
    _, html = page
    text = _text(html)
    assert "depth was 0%" not in text and "力度为 0%" not in text
    english = re.search(
        r"Free shipping \(ship in plan; it costs the shipping fee, not a share of the order, so "
        r"it has no depth\): profit lift ([-\d.,]+) per customer, interval ([-\d.,]+) to "
        r"([-\d.,]+)\.",
        text,
    )
    lift, low, high = english.groups()
    assert (
        f"包邮（plan 活动中的 ship；其成本是运费，而非订单金额的折扣比例，故无力度可言）："
        f"每位顾客利润提升 {lift}，区间 {low} 至 {high}。"
    ) in text
    rows = [r for r in table(html, "Lift by depth") if r["offer 优惠"] == "ship"]
    assert rows and {r["depth 力度"] for r in rows} == {"free shipping 包邮"}
    (row,) = [r for r in rows if r["segment 客群"] == "all customers 全部客户"]
    assert row["profit lift per customer [interval] 每位顾客利润提升"].replace("+", "") == (
        f"{lift} [{low}, {high}]"
    )


def test_a_verdict_with_only_free_shipping_says_so_in_both_languages():
    import pandas as pd

    from promopilot.campaigns.depth import depth_finding, verdict_text
    from promopilot.report.campaign_extras import depth_verdict_zh

    only = pd.DataFrame(
        {
            "segment": ["all customers"],
            "campaign_id": ["a"],
            "offer_id": ["ship"],
            "kind": ["free_shipping"],
            "depth": [float("nan")],
            "profit_lift": [1.5],
            "profit_low": [-0.25],
            "profit_high": [3.0],
        }
    )
    finding = depth_finding(only)
    assert verdict_text(finding) == (
        "all customers: no offer with a known depth was measured. Free shipping (ship in a; it "
        "costs the shipping fee, not a share of the order, so it has no depth): profit lift "
        "1.50 per customer, interval -0.25 to 3.00."
    )
    assert depth_verdict_zh(finding) == (
        "全部客户：没有测到已知力度的优惠。包邮（a 活动中的 ship；其成本是运费，而非订单金额的"
        "折扣比例，故无力度可言）：每位顾客利润提升 1.50，区间 -0.25 至 3.00。"
    )


def test_satisfaction_is_readable_windowed_and_uses_the_tables_control(page):
    result, html = page
    text = _text(html)
    rows = table(html, "Satisfaction")
    assert rows and "NaN" not in text and "nan" not in text.lower().split()
    assert {r["offer 优惠"] for r in rows} >= {"pct10", "ship"}
    held_out_buyers = round(result["per_offer_control"]["conversion"] * 100)  # unweighted
    assert {r["control buyers 对照组买家"] for r in rows} == {f"{held_out_buyers} of 100"}
    reviews = [r for r in rows if r["measure 指标"].startswith("rating")]
    assert {r["offer 优惠组"] for r in reviews} == {"–"}  # nobody wrote a review
    assert "14-day attribution window" in text and "within 60 days of sending" in text


def test_a_shop_recording_neither_returns_nor_reviews_gets_a_sentence_not_a_table(tmp_path):
    """Hillstrom's report showed a satisfaction table of "–" only; the section says in one
    sentence that the shop records neither."""
    from promopilot.report.campaign_extras import NOTHING_TO_COMPARE

    _, html = report_page(tmp_path, reviews=False)
    with pytest.raises(AssertionError, match="no table 'Satisfaction'"):
        table(html, "Satisfaction")
    assert "The shop records neither returns nor reviews" in _text(html)
    assert "店铺" + NOTHING_TO_COMPARE.split(" 店铺")[1] in _text(html)


def test_segments_show_estimate_interval_and_control_or_the_reason_there_is_none(page):
    result, html = page
    rows = table(html, "Segments")
    for row in rows:  # each segment in both languages: its English name, then Chinese
        assert re.fullmatch(r"[ -~]+ [^ -~].*", row["segment 客群"]), row["segment 客群"]

    def shown(segment: str) -> str:
        (name,) = {r["segment 客群"] for r in rows if r["segment 客群"].startswith(segment + " ")}
        return name

    measured = [s for s in result["segments"] if s.get("verdict")]
    unmeasured = [s for s in result["segments"] if not s.get("verdict")]
    assert measured and unmeasured  # the helper's shop has both
    for s in measured:
        (row,) = [
            r for r in rows if r["segment 客群"] == shown(s["segment"]) and "all" in r["offer 优惠"]
        ]
        assert row["incremental profit [interval] 增量利润"] == fmt.lift(s["incremental_profit"])
        assert row["control customers 对照组"] == f"{s['control_customers']:,}"
        for arm in s["arms"]:
            (cell,) = [
                r["profit lift per customer [interval] 每位顾客利润提升"]
                for r in rows
                if r["segment 客群"] == shown(s["segment"]) and r["offer 优惠"] == arm["offer_id"]
            ]
            assert cell == fmt.lift(arm["lift"]["profit_per_customer"])
    for s in unmeasured:
        (row,) = [r for r in rows if r["segment 客群"] == shown(s["segment"])]
        # the reason in both languages, as the rest of the table
        assert row["verdict 结论"] == (
            "too few customers in control or sent to measure 对照组或发送组客户太少，无法测量"
        )
        assert row["control customers 对照组"] == f"{s['control_customers']:,}"


def test_the_method_names_the_cuped_covariates_in_words(page):
    result, html = page
    (pre,) = re.findall(r"<pre>(.*?)</pre>", _text(html), flags=re.S)
    line = next(x for x in pre.splitlines() if "CUPED" in x)
    assert result["method"]["cuped_covariates"] == ["pre_revenue", "pre_orders"]
    assert line.endswith("revenue before sending 发送前收入, orders before sending 发送前订单数")
    assert "pre_" not in line


def _axis_titles(figure) -> list[str]:
    """The y-axis titles and panel titles of a figure."""
    layout = figure.to_dict()["layout"]
    axes = [v["title"]["text"] for k, v in layout.items() if k.startswith("yaxis") and "title" in v]
    return axes + [a["text"] for a in layout.get("annotations", [])]


def test_money_headers_and_axes_name_the_shops_currency(tmp_path, monkeypatch, page):
    from promopilot.report.campaign import (
        cumulative_figure,
        lift_figure,
        lift_table,
        segment_figure,
        segment_table,
    )
    from promopilot.report.campaign_extras import depth_figure

    # without a known currency every header and axis is as it was
    bare, html = page
    assert "EUR" not in _text(html)
    assert "profit lift 利润提升" in _axis_titles(segment_figure(bare))
    # a shop in euros: the report's money says so, its percentages do not
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    result, html = report_page(tmp_path)
    assert result["currency"] == "EUR"
    lifts = table(html, "Lift per offer")
    assert {r["metric 指标"] for r in lifts} == {
        "Conversion 转化率",
        "Revenue per customer 每位顾客收入 (EUR)",
        "Profit per customer 每位顾客利润 (EUR)",
        "incremental profit (total) 增量利润（合计） (EUR)",
    }
    assert set(table(html, "Segments")[0]) >= {
        "conversion lift, pp [interval] 转化率提升（百分点）",
        "profit lift per customer [interval] 每位顾客利润提升 (EUR)",
        "incremental profit [interval] 增量利润 (EUR)",
    }
    assert (
        "profit lift per customer [interval] 每位顾客利润提升 (EUR)"
        in table(html, "Lift by depth")[0]
    )
    assert set(lift_table(result)["metric 指标"]) == {r["metric 指标"] for r in lifts}
    assert list(segment_table(result).columns) == list(table(html, "Segments")[0])
    panels = _axis_titles(lift_figure(result))
    assert (
        "Conversion 转化率, pp 百分点" in panels
        and "Profit per customer 每位顾客利润 (EUR)" in panels
    )
    assert "profit lift 利润提升 (EUR)" in _axis_titles(segment_figure(result))
    daily = pd.DataFrame({"arm": ["a"], "day": [0], "lift": [1.0], "low": [0.0], "high": [2.0]})
    assert "profit vs control 相对对照组利润 (EUR)" in _axis_titles(
        cumulative_figure(daily, 0.9, "EUR")
    )
    assert "profit vs control 相对对照组利润" in _axis_titles(cumulative_figure(daily, 0.9))
    depth = _depth_table(3.0, 5.0)
    assert "profit lift per customer 每位顾客利润提升 (EUR)" in _axis_titles(
        depth_figure(depth, "EUR")
    )
    assert "profit lift per customer 每位顾客利润提升" in _axis_titles(depth_figure(depth))


def test_the_depth_table_says_a_meiman_depth_is_of_every_step():
    import pandas as pd

    from promopilot.report.campaign_extras import depth_section

    table = _depth_table(9.0, 17.0).assign(
        kind=["free_shipping", "percent_off", "percent_off", "amount_off_every"],
        customers=100,
        control_customers=100,
        conversion_lift=0.01,
        conversion_low=0.0,
        conversion_high=0.02,
    )
    (_, shown), *_ = depth_section(table).tables
    assert shown["depth 力度"].tolist() == [
        "free shipping 包邮",
        "10%",
        "10%",
        "13% of every step 每满",
    ]
    assert isinstance(shown, pd.DataFrame)


def test_the_depth_table_says_no_discount_not_0_percent():
    """Hillstrom's e-mails (no discount promised, none in their orders) were a "0%" depth in
    the depth table: they read "no discount 无折扣"; a real depth keeps its share."""
    from promopilot.report.campaign_extras import depth_section

    table = _depth_table(9.0, 17.0).assign(
        kind=[None, "percent_off", None, "percent_off"],
        depth=[0.0, 0.0, 0.25, 0.10],
        customers=100,
        control_customers=100,
        conversion_lift=0.01,
        conversion_low=0.0,
        conversion_high=0.02,
    )
    (_, shown), *_ = depth_section(table).tables
    assert shown["depth 力度"].tolist() == [
        "no discount 无折扣",
        "no discount 无折扣",
        "25%",
        "10%",
    ]


def test_the_depth_table_names_an_offers_cap():
    from promopilot.report.campaign_extras import depth_section

    table = _depth_table(9.0, 17.0).assign(
        kind=["free_shipping", "percent_off", "percent_off", "amount_off_every"],
        max_discount=[None, 30.0, None, 50.0],
        customers=100,
        control_customers=100,
        conversion_lift=0.01,
        conversion_low=0.0,
        conversion_high=0.02,
    )
    (_, shown), *_ = depth_section(table, "CNY").tables
    assert shown["depth 力度"].tolist() == [
        "free shipping 包邮",
        "10%, at most 30.00 CNY 最高减30",
        "10%",
        "13% of every step 每满, at most 50.00 CNY 最高减50",
    ]


def test_a_p_value_too_small_to_write_is_less_than_a_thousandth_not_zero(page):
    """Hillstrom's e-mails: the lift table's p was 0.000 for both, which reads as certainty;
    a p-value is never 0. One under 0.0005 is "<0.001", the rest to 3 places, as before."""
    from promopilot.report.campaign import lift_table

    result, _ = page
    arm = result["arms"][0]
    arm["lift"]["conversion"]["p_value"] = 3e-12
    arm["lift"]["profit_per_customer"]["p_value"] = 0.04234
    rows = lift_table(result)
    rows = rows[rows["offer 优惠"] == arm["offer_id"]].set_index("metric 指标")["p"]
    assert rows["Conversion 转化率"] == "<0.001"
    assert rows["Profit per customer 每位顾客利润"] == "0.042"
    assert "0.000" not in set(rows)


def test_the_cli_and_the_html_count_the_whole_campaigns_customers_alike(page):
    """`promopilot report`'s whole-campaign row left its customers empty where the HTML
    report's says how many got an offer (the demo's 3,249): the same count in both."""
    from promopilot.cli.lift_tables import lift_table

    result, html = page
    columns = {c.header: [str(cell) for cell in c.cells] for c in lift_table(result).columns}
    row = columns["offer"].index("whole campaign")
    (whole,) = [r for r in table(html, "Lift per offer") if r["offer 优惠"].startswith("whole")]
    assert columns["customers"][row] == whole["customers 顾客数"]
    assert columns["customers"][row] == f"{result['power']['sent_customers']:,}"


def test_a_currency_sign_is_written_before_each_sum_of_the_report(tmp_path, monkeypatch):
    # a shop whose currency is the sign $ (its orders' currency cells): "$12.00", not "12.00 $"
    from promopilot.campaigns.depth import depth_verdict

    monkeypatch.setenv("PROMOPILOT_CURRENCY", "$")
    result, html = report_page(tmp_path)
    assert result["currency"] == "$"
    total = result["incremental_profit"]
    shown = [fmt.money(total[k], "$") for k in ("estimate", "low", "high")]
    assert all(s.lstrip("+-").startswith("$") for s in shown)
    assert f"Incremental profit 增量利润 {shown[0]} [{shown[1]}, {shown[2]}]." in _text(html)
    assert not re.search(r"[0-9] \$", _text(html))  # before: "12.00 $"
    assert "Revenue per customer 每位顾客收入 ($)" in {
        r["metric 指标"] for r in table(html, "Lift per offer")
    }
    english = depth_verdict(_depth_table(1234.5, 2000.0), currency="$")
    assert "profit lift $1,234.50 per customer, interval $1.00 to $2,000.00" in english

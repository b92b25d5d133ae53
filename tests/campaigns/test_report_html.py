"""The campaign report's HTML says what ``promopilot report`` and its JSON say: the same
customers, control groups, figures and intervals, written the same way."""

import re

import pytest

from promopilot.report import formats as fmt

from .report_helpers import report_page


@pytest.fixture()
def page(tmp_path):
    return report_page(tmp_path)


def _text(html: str) -> str:
    """The page without its scripts (plotly.js and the charts' data)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def _cli_cell(e: dict, metric: str) -> str:  # as cli/report.py: lift_table writes it
    f = "{:+.1%}" if metric == "conversion" else "{:+,.2f}"
    return f"{f.format(e['estimate'])} [{f.format(e['low'])}, {f.format(e['high'])}]"


def test_lifts_are_written_as_the_cli_writes_them(page):
    result, html = page
    text = _text(html)
    for arm in result["arms"]:
        for metric in ("conversion", "revenue_per_customer", "profit_per_customer"):
            assert _cli_cell(arm["lift"][metric], metric) in text
    assert "-0.00" not in text and "-0.0%" not in text


def test_formats_never_write_a_negative_zero_or_nan():
    assert fmt.percent(-0.0004, sign=True) == "0.0%"
    assert fmt.money(-0.004, sign=True) == "0.00"
    assert fmt.money(1234.5) == "1,234.50" and fmt.money(-1234.5, sign=True) == "-1,234.50"
    assert fmt.percent(0.0811) == "8.1%" and fmt.percent(float("nan")) == "–"
    assert fmt.interval(-0.004, -0.05, 0.042, kind="percent") == "-0.4% [-5.0%, +4.2%]"
    assert fmt.lift(None) == "–" and fmt.money(None) == "–"

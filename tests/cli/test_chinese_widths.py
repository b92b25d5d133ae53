"""Tables with Chinese headers or names at 80 columns: a Chinese character is two cells wide,
and Chinese text breaks between its characters but never between a bracket and its text
(Rich folded '(人' / '民币' / ')' and cut '满100减20 …')."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from rich.table import Table

from promopilot.cli.common import TableOrLines, WideOrNarrow

OPENING, CLOSING = "（([【《", "）)]】》，。、"
HEADERS = ("优惠 (满减)", "客户数 (人)", "预期利润 (人民币)", "预期成本 (人民币)", "对照组 (人)")


def _drawn(renderable, width: int = 80) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    lines = console.export_text().splitlines()
    assert max(map(len, lines)) <= width
    return lines


def _column(lines: list[str], index: int, bar: str) -> list[str]:
    return [line.split(bar)[index].strip() for line in lines if line.count(bar) > index]


@pytest.mark.parametrize("wrapper", ["wide or narrow", "table or lines"])
def test_chinese_headers_break_between_characters_not_at_their_brackets(wrapper):
    table = Table(title="计划")
    for header in HEADERS:
        table.add_column(header, justify="right")
    table.add_row("新客专享（满100减20）", "1,234", "12,345.67", "1,234.56", "321")
    if wrapper == "wide or narrow":  # the lift table's
        lines = _drawn(WideOrNarrow(table, lambda: table))
    else:  # frame_table's, the segment table's: a table where every word fits
        lines = _drawn(TableOrLines(table, lambda: ["(lines)"]))
    assert not any("…" in line for line in lines), lines
    for i, header in enumerate(HEADERS, start=1):
        parts = [p for p in _column(lines, i, "┃") if p]
        assert "".join(parts).replace(" ", "") == header.replace(" ", ""), parts  # in order
        assert not any(p[-1] in OPENING or p[0] in CLOSING for p in parts), parts
    assert "".join(_column(lines, 1, "│")) == "新客专享（满100减20）"  # the cell whole


def test_a_chinese_offer_name_in_the_lift_table_is_whole_at_80_columns():
    from promopilot.campaigns.estimate import estimate_lift
    from promopilot.cli.lift_tables import lift_table

    rng = np.random.default_rng(3)
    n = 2_000
    names = np.array(["满100减20（新客）", "包邮券"])
    arm = np.array(["control"] * 400 + list(names[np.arange(1_600) % 2]))
    converted = rng.random(n) < np.where(arm == "control", 0.10, 0.14)
    revenue = converted * rng.uniform(200, 1_400, n)
    frame = pd.DataFrame(
        {
            "arm": arm,
            "propensity": np.where(arm == "control", 0.2, 0.8),
            "converted": converted.astype(float),
            "revenue": revenue,
            "profit": revenue * 0.4,
            "pre_revenue": rng.uniform(0, 500, n),
            "pre_orders": 1.0,
        }
    )
    result = estimate_lift(frame)
    result.update(campaign_id="双十一", window_days=14, currency="CNY")
    lines = _drawn(lift_table(result))
    assert not any("…" in line for line in lines), lines
    offer = _column(lines, 1, "│")
    text = "".join(offer)
    assert "满100减20（新客）" in text and "包邮券" in text, offer
    assert not any(p and (p[-1] in OPENING or p[0] in CLOSING) for p in offer), offer


def test_pieces_break_chinese_between_characters_and_keep_brackets_with_their_text():
    from promopilot.cli.widths import least_width, pieces, wrapped

    assert pieces("满100减20（新客）") == ["满", "100", "减", "20", "（新", "客）"]
    assert pieces("(人民币)") == ["(人", "民", "币)"]
    assert pieces("freeship") == ["freeship"]
    assert least_width("预期利润 (人民币)") == 3  # '(人' and '币)': 3 cells each, 民 2
    assert wrapped("预期利润 (人民币)", 8) == "预期利润\n(人民币)"
    assert wrapped("预期利润 (人民币)", 5) == "预期\n利润\n(人民\n币)"  # Rich: '民币' / ')'
    assert wrapped("预期利润 (人民币)", 4) == "预期\n利润\n(人\n民\n币)"

"""`promopilot summary`'s table: money as a shop owner reads it."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from promopilot.cli.data import summary_table
from promopilot.data.summary import ShopSummary


def render(summary: ShopSummary) -> str:
    console = Console(width=120, record=True)
    for table in summary_table(summary):
        console.print(table)
    return console.export_text()


def test_a_rounding_residue_is_shown_as_zero_not_minus_zero():
    # net minus product revenue, summed in another order, leaves -1e-12 on a shop without
    # postage or fee lines
    summary = ShopSummary(
        n_customers=1,
        n_products=1,
        n_orders=1,
        n_order_lines=1,
        n_events=0,
        n_reviews=0,
        n_campaign_rows=0,
        revenue=110785.12,
        first=None,
        last=None,
        top_categories=pd.DataFrame(columns=["category", "revenue", "share", "n_orders"]),
        gross_revenue=110785.12,
        product_revenue=110785.12,
        non_product_revenue=-1.4551915228366852e-11,
    )
    text = render(summary)
    assert "-0.00" not in text
    assert "non-product lines (postage, fees, ...)" in text and " 0.00 " in text

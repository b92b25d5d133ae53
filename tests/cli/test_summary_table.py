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


def test_the_products_row_fits_one_line_at_100_columns():
    """The UCI sample's products cell, "1,434 (+7 non-product codes: postage, fees, ...)",
    beside the longest label wrapped onto two lines at 100 columns (and read "+1 non-product
    codes" for one); it counts the codes in their number and fits."""
    for n, said in ((7, "1,434 (and 7 codes for postage, fees, ...)"), (1, "(and 1 code for")):
        summary = ShopSummary(
            n_customers=300,
            n_products=1434,
            n_orders=412,
            n_order_lines=3004,
            n_events=0,
            n_reviews=0,
            n_campaign_rows=0,
            revenue=86568.54,
            first=None,
            last=None,
            top_categories=pd.DataFrame(columns=["category", "revenue", "share", "n_orders"]),
            gross_revenue=261256.07,
            product_revenue=88270.01,
            non_product_revenue=-1701.47,
            n_non_products=n,
        )
        console = Console(width=100, record=True)
        console.print(summary_table(summary)[0])
        lines = console.export_text().splitlines()
        row = next(line for line in lines if "│ products" in line)
        assert said in row and row.rstrip().endswith("│")
        assert lines[lines.index(row) + 1].split("│")[1].strip() != ""  # no continuation line


def test_a_shop_without_orders_says_so_instead_of_an_empty_table():
    """MovieLens (ratings, no orders) printed the categories table's headers over no row."""
    summary = ShopSummary(
        n_customers=943,
        n_products=1682,
        n_orders=0,
        n_order_lines=0,
        n_events=100_000,
        n_reviews=0,
        n_campaign_rows=0,
        revenue=0.0,
        first=None,
        last=None,
        top_categories=pd.DataFrame(columns=["category", "revenue", "share", "n_orders"]),
    )
    text = render(summary)
    assert "top categories by net product revenue: none, the shop has no orders" in text
    assert "┃ category" not in text

"""The dashboard writes money with the one formatter the CLI and the reports use."""

from __future__ import annotations

import math

from promopilot.data.currency import money
from promopilot.serve.routes.dashboard import templates


def test_the_dashboards_money_never_writes_minus_zero_and_names_the_currency():
    dashboard_money = templates.env.globals["money"]
    assert dashboard_money is money
    page = templates.env.from_string(
        "{{ money(a, currency) }}|{{ money(b) }}|{{ money(c, currency) }}"
    ).render(a=-0.001, b=1234.5, c=math.nan, currency="EUR")
    # before: "-0.00 EUR" from "{:,.2f}".format, and "nan EUR" for a missing figure
    assert page == "0.00 EUR|1,234.50|–"

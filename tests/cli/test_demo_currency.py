"""The demo's synthetic shop sells in yuan and its orders say so (cli.demo.DEMO_CURRENCY): its
messages write ¥ as its currency's sign, not as a default every shop got."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.data.store import Store


def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture()
def no_steps(monkeypatch):
    import promopilot.cli.demo as demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [])  # the shop and its store are what is tested
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)


def _store_currency(path) -> tuple[str | None, int]:
    from promopilot.data.currency import stored_currency

    with Store(path, read_only=True) as store:
        return stored_currency(store), int(store.scalar("SELECT count(*) FROM quarantine"))


def test_the_demo_shops_orders_name_yuan(no_steps, capsys, tmp_path):
    code, stdout, err = run(capsys, "demo", "--out", tmp_path / "demo", "--customers", 100)
    assert code == 0, err
    orders = pd.read_csv(tmp_path / "demo" / "shop" / "orders.csv", dtype=str)
    assert set(orders["currency"]) == {"CNY"}
    assert _store_currency(tmp_path / "demo" / "promopilot.duckdb") == ("CNY", 0)
    assert "CNY" in stdout  # the summary's revenue names it


def test_a_currency_setting_of_the_users_is_the_demo_stores(
    no_steps, capsys, tmp_path, monkeypatch
):
    # CNY orders beside a setting of EUR would be quarantined as another currency: left out
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    code, _, err = run(capsys, "demo", "--out", tmp_path / "demo", "--customers", 100)
    assert code == 0, err
    orders = pd.read_csv(tmp_path / "demo" / "shop" / "orders.csv", dtype=str)
    assert "currency" not in orders.columns
    assert _store_currency(tmp_path / "demo" / "promopilot.duckdb") == (None, 0)


def test_the_demo_reports_plan_line_writes_its_budget_as_money():
    """The demo report's plan section read "Budget 3,000." beside "6,746.10 CNY" (the demo
    shop, synthetic): the budget is money in the shop's currency, written as the rest is."""
    from promopilot.cli.demo import budget_words

    totals = {"n_target": 2978, "n_control": 361, "n_explore": 271}
    assert budget_words(3000.0, totals, "CNY") == (
        "Budget 3,000.00 CNY. 2,978 customers targeted, control group 361, exploration 271. "
    )
    assert budget_words(3000.0, totals, None).startswith("Budget 3,000.00. ")


def test_the_demo_reports_category_revenue_names_its_currency(no_steps, capsys, tmp_path):
    """The demo report's "Top categories by revenue" table headed its money "revenue" (the
    demo shop sells in yuan, synthetic), where the other money columns name the currency: it
    is "revenue (CNY)"."""
    import re

    code, _, err = run(capsys, "demo", "--out", tmp_path / "demo", "--customers", 100)
    assert code == 0, err
    page = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    table = page.split("Top categories by revenue", 1)[1].split("</table>", 1)[0]
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert "revenue (CNY)" in heads and "revenue" not in heads
    assert re.search(r"<td>\d[\d,]*\.\d\d</td>", table)  # the sums themselves, as before


def test_a_shop_without_a_currency_keeps_the_plain_header():
    from types import SimpleNamespace

    from promopilot.cli.demo import categories_for_report

    top = pd.DataFrame({"category": ["书"], "revenue": [12.5], "share": [1.0], "n_orders": [1]})
    shown = categories_for_report(SimpleNamespace(top_categories=top, currency=None))
    assert list(shown.columns) == ["category", "revenue", "share", "n_orders"]
    shown = categories_for_report(SimpleNamespace(top_categories=top, currency="EUR"))
    assert list(shown.columns) == ["category", "revenue (EUR)", "share", "n_orders"]

"""The shop's currency at ingest: a currency column (Shopify's Currency, 币种) is read, the
currency kept on the file's ingests record, and lines in another currency quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.currency import (
    message_sign,
    money,
    money_label,
    money_note,
    plan_currency_error,
    shop_currency,
    sign_agrees,
    stored_currency,
    with_currency,
    with_currency_column,
)
from promopilot.data.ingest import ingest
from promopilot.data.loading import FileRefused
from promopilot.exceptions import InputError
from tests.data.loads import load

HEADER = "order_id,timestamp,customer_id,product_id,quantity,unit_price"

# a Shopify orders export of a shop selling in euros: order fields on an order's first line
SHOPIFY_EUR = (
    "Name,Email,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem sku\n"
    "#1001,ann@example.com,paid,EUR,2025-01-02 10:00:00 +0100,2,Grüner Tee,10.50,TEA-1\n"
    "#1001,,,,,1,Tasse,5.00,CUP-1\n"
    "#1002,bob@example.com,paid,EUR,2025-01-03 11:00:00 +0100,1,Grüner Tee,10.50,TEA-1\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)


def test_a_shopify_export_in_euros_keeps_every_line_and_records_eur(tmp_path, store):
    f = load(store, write(tmp_path / "orders_export_1.csv", SHOPIFY_EUR)).files[0]
    # the second line of #1001 has no Currency of its own: it is its order's
    assert (f.format, f.n_read, f.n_loaded, f.n_quarantined) == ("shopify", 3, 3, 0)
    assert stored_currency(store) == shop_currency(store) == "EUR"
    assert store.scalar("SELECT currency FROM ingests WHERE \"table\" = 'orders'") == "EUR"


def test_a_chinese_currency_column_is_read_as_a_code(tmp_path, store):
    path = write(
        tmp_path / "shop" / "orders.csv",
        "订单号,下单时间,买家ID,商品ID,数量,单价,币种\n"
        "A1,2025-11-11 10:00,c1,p1,1,99.00,人民币\n"
        "A2,2025-11-11 11:00,c2,p1,2,99.00,CNY\n",
    )
    f = load(store, path.parent).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (2, 2, 0)
    assert shop_currency(store) == "CNY"
    assert any("money in CNY" in note for note in f.notes)


def test_a_mixed_file_keeps_its_most_common_currency_and_quarantines_the_rest(tmp_path, store):
    path = write(
        tmp_path / "orders.csv",
        f"{HEADER},Order Currency\n"
        "1,2025-03-01,c1,p1,1,10.00,EUR\n"
        "2,2025-03-01,c2,p1,1,12.00,usd\n"
        "3,2025-03-02,c3,p1,1,10.00,eur\n"
        "4,2025-03-02,c4,p1,1,10.00,\n",  # a blank: the shop's own currency
    )
    f = load(store, path).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (4, 3, 1)
    bad = store.query('SELECT line, "column", value, reason FROM quarantine')
    assert bad[["line", "column", "value"]].values.tolist() == [[3, "Order Currency", "USD"]]
    assert bad["reason"].iloc[0] == (
        "another currency than the shop's EUR: one currency per store (lines in EUR are kept)"
    )
    assert sorted(store.query("SELECT order_id FROM orders")["order_id"]) == ["1", "3", "4"]
    # the same file again adds nothing
    again = load(store, path).files[0]
    assert (again.n_new, again.n_loaded, again.n_quarantined) == (0, 3, 1)
    # a later file in dollars only: the store is in euros, so nothing of it is loaded
    dollars = write(
        tmp_path / "later" / "orders.csv", f"{HEADER},currency_code\n5,2025-03-05,c5,p1,1,9,USD\n"
    )
    with pytest.raises(
        FileRefused, match=r"column currency_code `USD`: another currency than the shop's EUR"
    ):
        ingest(store, dollars.parent)
    assert store.count("orders") == 3


def test_the_setting_decides_the_currency_and_must_agree_with_the_store(
    tmp_path, store, monkeypatch
):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "usd")
    path = write(
        tmp_path / "orders.csv",
        f"{HEADER},Currency\n1,2025-03-01,c1,p1,1,10,EUR\n2,2025-03-01,c2,p1,1,10,EUR\n"
        "3,2025-03-01,c3,p1,1,10,USD\n",
    )
    f = load(store, path).files[0]
    assert (f.n_loaded, f.n_quarantined) == (1, 2)
    assert stored_currency(store) == "USD"
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "GBP")
    with pytest.raises(
        InputError, match="the currency setting is GBP but the store's orders are in USD"
    ):
        ingest(store, path)


def test_without_a_currency_money_is_shown_as_before(tmp_path, store):
    load(store, write(tmp_path / "orders.csv", f"{HEADER}\n1,2025-03-01,c1,p1,1,10\n"))
    assert stored_currency(store) is None and shop_currency(store) is None
    assert with_currency("1,234.50", None) == "1,234.50" and money_note(None) == ""
    assert with_currency("1,234.50", "EUR") == "1,234.50 EUR"
    assert money_note("EUR") == "Money in EUR 金额单位：EUR"


def test_one_formatter_writes_money_with_its_currency():
    assert money(1234.5) == "1,234.50" and money(1234.5, "EUR") == "1,234.50 EUR"
    assert money(-0.004, "EUR") == "0.00 EUR"  # never -0.00
    assert money(12, "EUR", sign=True) == "+12.00 EUR" and money(-1234.5, sign=True) == "-1,234.50"
    assert money(None, "EUR") == "–" and money(float("nan")) == "–"  # missing: no currency
    assert money_label("estimate", "EUR") == "estimate (EUR)" and money_label("x", None) == "x"


def test_a_shops_currency_that_is_a_sign_is_written_before_the_amount():
    # a shop whose currency cells are "$" (not guessed as USD) read "12.00 $"
    assert money(12, "$") == "$12.00" and money(1234.5, "HK$") == "HK$1,234.50"
    assert money(-3.5, "$") == "-$3.50" and money(-3.5, "EUR") == "-3.50 EUR"
    assert money(12, "¥", sign=True) == "+¥12.00" and money(-12, "₩", sign=True) == "-₩12.00"
    assert money(-0.004, "$") == "$0.00" and money(None, "$") == "–"
    assert with_currency("-1,234.50", "£") == "-£1,234.50"
    # codes and words stay after the amount
    assert money(12, "CHF") == "12.00 CHF" and money(12, "円") == "12.00 円"
    assert money_label("revenue", "$") == "revenue ($)"


def test_a_csv_of_money_names_its_currency_only_where_it_is_known():
    import pandas as pd

    frame = pd.DataFrame({"customer_id": ["a", "b"], "expected_cost": [1.5, 0.0]})
    tagged = with_currency_column(frame, "EUR")
    assert list(tagged.columns) == ["customer_id", "expected_cost", "currency"]
    assert tagged["currency"].tolist() == ["EUR", "EUR"] and "currency" not in frame
    assert with_currency_column(frame, None) is frame and with_currency_column(frame, "") is frame
    assert list(with_currency_column(frame.iloc[:0], "EUR").columns)[-1] == "currency"


def test_a_plan_in_another_currency_than_the_stores_is_named_by_line():
    import pandas as pd

    plan = pd.DataFrame({"customer_id": ["a", "b", "c"], "Currency": ["eur", "", "USD"]})
    plan.index = pd.Index([4, 5, 6], name="line")  # below a title line, as a plan file is read
    assert plan_currency_error(plan, "EUR") == (
        "line 6, column currency: 'USD': expected EUR, the currency of the store's money "
        "(the plan was made for another shop's store?)"
    )
    assert plan_currency_error(plan.iloc[:2], "EUR") is None  # eur is EUR; a blank is unsaid
    assert plan_currency_error(plan, None) is None  # the store's currency is unknown
    assert plan_currency_error(plan.drop(columns="Currency"), "EUR") is None  # an older plan
    assert "'€'" in plan_currency_error(pd.DataFrame({"currency": ["€"]}), "GBP")
    assert plan_currency_error(pd.DataFrame({"currency": ["€"]}), "EUR") is None


def test_names_of_a_currency_are_one_currency_at_ingest(tmp_path, store, monkeypatch):
    # RMB, 人民币 and 元 are CNY, as the setting reads them: no line is another currency
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "RMB")
    path = write(
        tmp_path / "shop" / "orders.csv",
        "订单号,下单时间,买家ID,商品ID,数量,单价,币种\n"
        "A1,2025-11-11 10:00,c1,p1,1,99.00,人民币\n"
        "A2,2025-11-11 11:00,c2,p1,2,99.00,元\n"
        "A3,2025-11-11 12:00,c3,p1,1,99.00,rmb\n"
        "A4,2025-11-11 13:00,c4,p1,1,99.00,CNY\n"
        "A5,2025-11-11 14:00,c5,p1,1,99.00,US$\n",
    )
    f = load(store, path.parent).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (5, 4, 1)
    assert stored_currency(store) == shop_currency(store) == "CNY"
    reason = store.scalar("SELECT reason FROM quarantine")
    assert "another currency than the shop's CNY" in reason


def test_messages_show_the_sign_of_the_shops_currency_unless_one_is_set():
    assert [message_sign("", c) for c in ("EUR", "GBP", "USD", "CNY", "JPY", "CHF")] == [
        "€",
        "£",
        "$",
        "¥",
        "¥",
        "CHF",
    ]
    assert message_sign("£", "EUR") == "£"  # an explicit sign wins
    # no currency named by the settings or the data: no sign (before: ¥, to a UK shop too)
    assert message_sign("", None) == ""
    # none named, but the shop's files write money with $ ($59.00): theirs, not a guess
    assert message_sign("", None, "$") == "$"
    assert message_sign("", "GBP", "$") == "£"  # a code named: its sign
    assert message_sign("€", None, "$") == "€"  # the [send] setting first


def test_a_sign_agrees_with_each_name_of_its_currency():
    for sign, currency in [
        ("€", "EUR"),
        ("eur", "EUR"),
        ("£", "GBP"),
        ("US$", "USD"),
        ("$", "USD"),
        ("¥", "CNY"),
        ("¥", "JPY"),
        ("元", "CNY"),
        ("RMB", "CNY"),
        ("人民币", "CNY"),
        ("¥", None),
    ]:
        assert sign_agrees(sign, currency), (sign, currency)
    for sign, currency in [("¥", "EUR"), ("£", "USD"), ("€", "GBP"), ("RMB", "JPY")]:
        assert not sign_agrees(sign, currency), (sign, currency)


def yen_file(tmp_path: Path, header: str, cells: list[str], name: str = "orders.csv") -> Path:
    rows = "".join(
        f"A{i},2025-11-11 1{i}:00,c{i},p1,1,99.00,{cell}\n" for i, cell in enumerate(cells)
    )
    return write(tmp_path / "shop" / name, header + "\n" + rows)


def test_a_yen_sign_in_a_chinese_file_is_cny(tmp_path, store):
    path = yen_file(tmp_path, "订单号,下单时间,买家ID,商品ID,数量,单价,币种", ["￥", "¥", "¥"])
    f = load(store, path.parent).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 3, 0)
    assert stored_currency(store) == "CNY"
    assert "币种: ¥ read as CNY (the file is in Chinese)" in f.notes


def test_a_yen_sign_beside_chinese_currency_cells_is_cny(tmp_path, store):
    header = "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency"
    f = load(store, yen_file(tmp_path, header, ["¥", "人民币", "￥"]).parent).files[0]
    assert (f.n_loaded, f.n_quarantined) == (3, 0) and stored_currency(store) == "CNY"


def test_a_yen_sign_follows_the_currency_setting(tmp_path, store, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "JPY")
    header = "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency"
    f = load(store, yen_file(tmp_path, header, ["¥", "￥"]).parent).files[0]
    assert (f.n_loaded, f.n_quarantined) == (2, 0) and stored_currency(store) == "JPY"
    assert "Currency: ¥ read as JPY (the shop's currency is JPY)" in f.notes


def test_an_orders_file_reads_the_shops_currency_once(tmp_path, store, monkeypatch):
    """The setting and the store's currency are read once per file: the ¥ reading and the
    currency kept take them from the ingest (each read them again before)."""
    import promopilot.data.currency as currency

    monkeypatch.setenv("PROMOPILOT_CURRENCY", "JPY")
    reads = {"setting": 0, "store": 0}

    def counted(name, real):
        def read(*args):
            reads[name] += 1
            return real(*args)

        return read

    monkeypatch.setattr(currency, "load_settings", counted("setting", currency.load_settings))
    monkeypatch.setattr(currency, "stored_currency", counted("store", currency.stored_currency))
    header = "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency"
    f = load(store, yen_file(tmp_path, header, ["¥", "￥", "JPY"]).parent).files[0]
    assert (f.n_loaded, f.n_quarantined) == (3, 0) and stored_currency(store) == "JPY"
    assert reads == {"setting": 1, "store": 1}


def test_a_yen_sign_without_a_hint_is_not_guessed(tmp_path, store):
    header = "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency"
    f = load(store, yen_file(tmp_path, header, ["¥", "￥"]).parent).files[0]
    # kept, but no currency recorded: it was stored as the currency "¥"
    assert (f.n_loaded, f.n_quarantined) == (2, 0)
    assert stored_currency(store) is None
    assert any("¥ is written for both CNY and JPY: not guessed" in n for n in f.notes)
    # beside lines in another currency, the ¥ lines are quarantined saying why
    other = yen_file(tmp_path / "b", header, ["USD", "USD", "¥"])
    g = load(store, other.parent).files[0]
    assert (g.n_loaded, g.n_quarantined) == (2, 1)
    reason = store.scalar("SELECT reason FROM quarantine")
    assert "¥ is written for both CNY and JPY and not guessed" in reason

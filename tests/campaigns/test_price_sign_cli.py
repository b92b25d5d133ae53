"""The sign `send`'s messages write prices with, and the line `ingest` and `send` print about
it, on a tiny shop whose files write money in one sign, two, or in a currency column."""

from __future__ import annotations

import pytest

from promopilot.cli import main
from tests.campaigns.delivery_helpers import ORDERS, PRODUCTS, write_plan, write_shop


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, " ".join(out.out.split()), out.err


@pytest.fixture(autouse=True)
def _no_currency_setting(monkeypatch):
    for name in ("PROMOPILOT_CURRENCY", "PROMOPILOT_SEND_CURRENCY"):
        monkeypatch.delenv(name, raising=False)


def send(tmp_path, db, capsys, campaign="s1"):
    """send --dry-run of the helpers' plan: its words and what its messages say."""
    out = tmp_path / f"out-{campaign}"
    args = ["send", write_plan(tmp_path / "plan.csv"), "--campaign-id", campaign, "--dry-run"]
    code, words, err = run([*args, "--db", db, "--out", out], capsys)
    assert code == 0, err
    written = "".join(p.read_text("utf-8") for p in out.rglob("*") if p.is_file())
    return words, written


MIXED = (
    "prices in messages: no currency sign (the shop's files write money with both $ and €, so "
    'none is taken as the shop\'s; set the shop\'s currency code (currency = "EUR", "USD", '
    "...) under [promopilot] in promopilot.toml to show its sign)"
)


def test_files_in_dollars_and_euros_give_bare_prices_and_one_line(tmp_path, capsys):
    # products priced in $, a later month's orders in €: before, messages wrote the last
    # ingest's € and send said it was "the sign the shop's files write money with"
    folder = write_shop(tmp_path / "shop")
    PRODUCTS.assign(price=[f"${p:,.2f}" for p in PRODUCTS["price"]]).to_csv(
        folder / "products.csv", index=False
    )
    db = tmp_path / "shop.duckdb"
    code, words, err = run(["ingest", folder, "--db", db], capsys)
    assert code == 0, err
    assert "prices in messages" not in words  # one sign so far: $
    later = tmp_path / "december"
    later.mkdir()
    ORDERS.assign(order_id=["O3", "O4"], unit_price=["€59.00", "€88.00"]).to_csv(
        later / "orders.csv", index=False
    )
    code, words, err = run(["ingest", later, "--db", db], capsys)
    assert code == 0, err
    assert MIXED in words
    words, written = send(tmp_path, db, capsys)
    assert MIXED in words
    assert not set("$€¥") & set(written) and "59" in written


def test_a_currency_column_that_writes_a_sign_is_said_to_be_the_columns(tmp_path, capsys):
    # a cell $ is kept as the shop's currency (no code guessed): before, send said "the sign of
    # the shop's currency, $"
    folder = write_shop(tmp_path / "shop")
    ORDERS.assign(currency="$").to_csv(folder / "orders.csv", index=False)
    db = tmp_path / "shop.duckdb"
    code, words, err = run(["ingest", folder, "--db", db], capsys)
    assert code == 0, err
    words, written = send(tmp_path, db, capsys)
    assert (
        "prices in messages: $ (the shop's currency as its orders' currency column writes it; "
        "no code is guessed)"
    ) in words
    assert "$59" in written and "¥" not in written


def test_a_currency_code_column_gives_its_sign_whatever_the_files_write(tmp_path, capsys):
    # USD on every line, prices written $ and €: the code's $, said to come from the column
    folder = write_shop(tmp_path / "shop")
    ORDERS.assign(currency="USD", unit_price=["$59.00", "€88.00"]).to_csv(
        folder / "orders.csv", index=False
    )
    db = tmp_path / "shop.duckdb"
    code, words, err = run(["ingest", folder, "--db", db], capsys)
    assert code == 0, err
    assert "prices in messages" not in words
    words, written = send(tmp_path, db, capsys)
    assert (
        "prices in messages: $ (the sign of the shop's currency USD, from its orders' currency "
        "column)"
    ) in words
    assert "$59" in written and "€" not in written


def test_a_shop_that_names_nothing_is_told_which_setting_names_it(tmp_path, capsys):
    # no sign, no currency column (UCI Online Retail's pounds): the line names the setting
    # and its section (before: "set currency in promopilot.toml", two settings of that name)
    db = tmp_path / "shop.duckdb"
    code, words, err = run(["ingest", write_shop(tmp_path / "shop"), "--db", db], capsys)
    assert code == 0, err
    words, written = send(tmp_path, db, capsys)
    assert (
        "prices in messages: no currency sign (the shop's files and settings name no currency; "
        'set the shop\'s currency code (currency = "EUR", "USD", ...) under [promopilot] in '
        "promopilot.toml to show its sign)"
    ) in words
    assert not set("$€£¥￥") & set(written)
    # the csv channel writes the coupon file alone: no messages, no line about their prices
    args = ["send", tmp_path / "plan.csv", "--campaign-id", "c1", "--channel", "csv"]
    code, words, err = run([*args, "--dry-run", "--db", db, "--out", tmp_path / "c"], capsys)
    assert code == 0, err
    assert "wrote" in words and "prices in messages" not in words

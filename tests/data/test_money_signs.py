"""The currency sign a shop's files write money with, kept at ingest (data.money_signs): the
sign its customers' messages show where no currency code is known, never one it did not name."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.currency import message_sign, shop_currency
from promopilot.data.money_signs import SIGN_OF, ingest_note, stored_sign, stored_signs
from promopilot.data.number_text import CURRENCY_SIGNS
from tests.data.loads import load

HEADER = "order_id,timestamp,customer_id,product_id,quantity,unit_price"


@pytest.fixture(autouse=True)
def _no_currency_setting(monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)


def shop(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_shop_that_names_no_currency_has_no_sign(tmp_path, store):
    # a UK shop's orders (UCI Online Retail: pounds, written bare): no currency, no sign
    folder = shop(tmp_path, "orders.csv", f"{HEADER}\nA1,2025-11-11 10:00,c1,p1,1,59.00\n")
    f = load(store, folder).files[0]
    assert (f.n_read, f.n_loaded) == (1, 1)
    assert shop_currency(store) is None and stored_sign(store) is None
    assert message_sign("", shop_currency(store), stored_sign(store)) == ""


def test_prices_written_with_dollars_give_messages_dollars_and_no_code(tmp_path, store):
    folder = shop(
        tmp_path,
        "orders.csv",
        f"{HEADER}\nA1,2025-11-11 10:00,c1,p1,1,$59.00\n"
        'A2,2025-11-11 11:00,c2,p1,2,"$1,299.00"\nA3,2025-11-11 12:00,c3,p1,1,12.50\n',
    )
    f = load(store, folder).files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (3, 3, 0)
    assert store.scalar("SELECT sum(unit_price * quantity) FROM orders") == 59 + 2598 + 12.5
    # $ is USD, CAD, AUD, ...: no currency code is guessed, but the sign is the data's own
    assert shop_currency(store) is None
    assert stored_sign(store) == "$"
    assert message_sign("", shop_currency(store), stored_sign(store)) == "$"
    # re-ingesting the same file adds nothing and keeps the sign
    again = load(store, folder).files[0]
    assert again.n_new == 0 and stored_sign(store) == "$"


def test_a_currency_cell_that_is_a_sign_gives_that_sign(tmp_path, store):
    # a ¥ currency cell in a file that does not tell CNY from JPY: no code, but ¥ is named
    folder = shop(
        tmp_path,
        "orders.csv",
        f"{HEADER},Currency\nA1,2025-11-11 10:00,c1,p1,1,59.00,¥\n"
        "A2,2025-11-11 11:00,c2,p1,1,59.00,¥\n",
    )
    load(store, folder)
    assert shop_currency(store) is None and stored_sign(store) == "¥"
    assert message_sign("", None, stored_sign(store)) == "¥"


def test_a_dollar_currency_cell_is_kept_as_it_is_and_messages_write_it(tmp_path, store):
    folder = shop(
        tmp_path, "orders.csv", f"{HEADER},Currency\nA1,2025-11-11 10:00,c1,p1,1,59.00,$\n"
    )
    load(store, folder)
    # kept as the shop's "currency" $ (not guessed as USD): its sign is $
    assert shop_currency(store) == "$"
    assert message_sign("", shop_currency(store), stored_sign(store)) == "$"


def test_the_sign_of_product_prices_written_half_width_and_full_width(tmp_path, store):
    # a Chinese export's prices: ¥ and the full-width ￥ of GBK files are one sign
    folder = shop(
        tmp_path,
        "products.csv",
        'product_id,title,price\nTB1,羽绒服,"¥1,299.00"\nTB2,保温杯,￥89\nTB3,围巾,9\n',
    )
    f = load(store, folder / "products.csv").files[0]
    assert f.n_loaded == 3
    assert stored_sign(store) == "¥" and stored_signs(store) == ["¥"]


def test_a_file_that_writes_two_signs_gives_none(tmp_path, store):
    # two prices in ¥, one in $: which is the shop's is not guessed (before: ¥, the most common)
    folder = shop(
        tmp_path,
        "products.csv",
        'product_id,title,price\nTB1,羽绒服,"¥1,299.00"\nTB2,保温杯,￥89\nTB3,围巾,$9\n',
    )
    f = load(store, folder / "products.csv").files[0]
    assert f.n_loaded == 3
    assert store.scalar("SELECT sign FROM ingests") == "¥ $"  # most common first
    assert stored_signs(store) == ["¥", "$"] and stored_sign(store) is None
    assert message_sign("", shop_currency(store), stored_sign(store)) == ""


def test_files_that_disagree_give_no_sign_and_say_so(tmp_path, store):
    # orders in $ one month and in € the next, in two files: before, the last file's € won
    folder = shop(tmp_path, "orders.csv", f"{HEADER}\nA1,2025-10-11 10:00,c1,p1,1,$59.00\n")
    load(store, folder / "orders.csv")
    assert stored_sign(store) == "$" and ingest_note(store) == ""
    nov = tmp_path / "nov" / "orders.csv"
    nov.parent.mkdir()
    nov.write_text(f"{HEADER}\nA2,2025-11-11 10:00,c2,p1,1,€59.00\n", encoding="utf-8")
    load(store, nov)
    assert stored_signs(store) == ["$", "€"] and stored_sign(store) is None
    assert message_sign("", shop_currency(store), stored_sign(store)) == ""
    assert ingest_note(store) == (
        "prices in messages: no currency sign (the shop's files write money with both $ and €, "
        "so none is taken as the shop's; set the shop's currency code (currency = \"EUR\", "
        '"USD", ...) under [promopilot] in promopilot.toml to show its sign)'
    )
    # the currency setting names the shop's: its sign, and nothing to say
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    try:
        assert ingest_note(store) == ""
        assert message_sign("", shop_currency(store), stored_sign(store)) == "€"
    finally:
        monkeypatch.undo()


def test_files_that_agree_keep_their_sign(tmp_path, store):
    folder = shop(tmp_path, "orders.csv", f"{HEADER}\nA1,2025-10-11 10:00,c1,p1,1,$59.00\n")
    (folder / "products.csv").write_text("product_id,title,price\np1,Mug,$59\n", "utf-8")
    load(store, folder)
    assert stored_signs(store) == ["$"] and stored_sign(store) == "$"


def test_a_currency_code_column_wins_over_the_files_signs(tmp_path, store):
    # the orders name USD on every line while prices are written $ and €: messages write the
    # code's $, and ingest says nothing about the signs (the code is the shop's currency)
    folder = shop(
        tmp_path,
        "orders.csv",
        f"{HEADER},currency\nA1,2025-10-11 10:00,c1,p1,1,$59.00,USD\n"
        "A2,2025-11-11 10:00,c2,p1,1,€59.00,USD\n",
    )
    load(store, folder)
    assert shop_currency(store) == "USD" and stored_sign(store) is None
    assert message_sign("", shop_currency(store), stored_sign(store)) == "$"
    assert ingest_note(store) == ""


def test_every_sign_is_dropped_from_a_number_and_read_as_its_sign(tmp_path, store):
    # one table (money_signs.SIGN_OF): the characters number_sql drops are the ones sign_sql
    # reads, and each cell reads as before the table was shared
    assert set(CURRENCY_SIGNS) == set(SIGN_OF) and len(CURRENCY_SIGNS) == len(SIGN_OF)
    cells = ["$59.00", "¥1,299.00", "￥89", "€3.50", "£2", "89.00元", "12.5", "$¥5"]
    lines = "".join(f'A{i},2025-11-11 10:00,c{i},p1,1,"{c}"\n' for i, c in enumerate(cells))
    load(store, shop(tmp_path, "orders.csv", f"{HEADER}\n{lines}"))
    assert list(store.query("SELECT unit_price FROM orders ORDER BY order_id")["unit_price"]) == [
        59.0,
        1299.0,
        89.0,
        3.5,
        2.0,
        89.0,
        12.5,
        5.0,
    ]
    # the CASE keeps SIGN_OF's order: a cell holding $ and ¥ reads as $
    assert store.scalar("SELECT sign FROM ingests") == "$ ¥ € £ 元"


def test_a_quarantined_lines_sign_is_not_the_shops(tmp_path, store):
    folder = shop(
        tmp_path,
        "orders.csv",
        f"{HEADER}\nA1,2025-11-11 10:00,c1,p1,1,59.00\nA2,2025-11-11 10:00,c2,p1,1,€abc\n",
    )
    f = load(store, folder).files[0]
    assert (f.n_loaded, f.n_quarantined) == (1, 1)
    assert stored_sign(store) is None

"""Phone numbers and e-mail addresses in free text (a review, a delivery error, a rejected row,
a log line): every form masked whole, by the text scanner (``contact_ids.IN_TEXT``) and the
SQL that masks review texts alike; ordinary numbers kept; an address glued to Chinese text
masked without that text; and an old store's texts holding a form masked since, once."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from promopilot.data import text_migration
from promopilot.data.contact_ids import IN_TEXT, masked, masked_in_text, shown
from promopilot.data.review_text import masked_texts
from promopilot.data.store import Store

FORMS = [
    "1 555-123-4567",
    "1.555.123.4567",
    "1 555.123.4567",
    "1 555 123 4567",
    "1-555-123-4567",
    "+1 555 123 4567",
    "(555) 123-4567",
    "555.123.4567",
    "07700 900123",
    "+44 7700 900123",
    "138 1234 5678",
    "138-1234-5678",
]
# numbers that are no phone number: an order id, a price, a date, a time, a discount
ORDINARY = [
    "order 1234567, 1,234.50 元, 2024-01-05 12:30, 8折",
    "order #12345678901 qty 1 555 123",
    "v1.555.123.4567 and SKU A1-555-123-4567",
    "1 5551234567 / 1.5551234567 / 1 555 123 45678",
    "共 1 999.00 元，2024.01.05",
]


def _sql(texts: list[str]) -> list[str]:
    return masked_texts(pd.Series(texts)).tolist()


@pytest.mark.parametrize("form", FORMS)
def test_a_phone_number_in_text_is_masked_whole_by_the_scanner_and_the_sql(form):
    texts = [f"call me {form} now", f"加我{form}谢谢", f"{form}"]
    expected = ["call me *** now", "加我***谢谢", "***"]
    assert [re.sub(IN_TEXT, "***", t) for t in texts] == expected
    assert _sql(texts) == expected
    digits = re.sub("[^0-9]", "", form)[-7:]  # a delivery error shows none of its digits
    assert all(digits not in re.sub("[^0-9]", "", masked_in_text(t)) for t in texts)


def test_ordinary_numbers_are_kept_by_the_scanner_and_the_sql():
    assert [re.sub(IN_TEXT, "***", t) for t in ORDINARY] == ORDINARY
    assert _sql(ORDINARY) == ORDINARY
    assert [masked_in_text(t) for t in ORDINARY] == ORDINARY


@pytest.mark.parametrize(
    ("text", "starred", "error"),
    [
        ("邮箱ann@example.com谢谢", "邮箱***谢谢", "邮箱a***@example.com谢谢"),
        ("联系我ann@example.com", "联系我***", "联系我a***@example.com"),
        ("邮箱ann@example.com，谢谢", "邮箱***，谢谢", "邮箱a***@example.com，谢谢"),
        # an address written in Chinese characters is still one
        ("550 <张三@qq.com>: no", "550 <***>: no", "550 <张***@qq.com>: no"),
    ],
)
def test_an_address_glued_to_chinese_text_is_masked_without_that_text(text, starred, error):
    assert re.sub(IN_TEXT, "***", text) == starred  # a rejected row's reason or raw line
    assert _sql([text]) == [starred]  # a review
    assert masked_in_text(text) == error  # a delivery error


@pytest.mark.parametrize("value", ["联系我ann@example.com", "邮箱ann@example.com谢谢"])
def test_a_value_holding_an_address_glued_to_chinese_text_is_shown_with_that_text(value):
    # a bad cell a message quotes: an id reads all of it as one address
    assert shown(value) == masked(value) == masked_in_text(value)
    assert shown(value).startswith(value[:2]) and "ann@" not in shown(value)


def test_an_old_stores_texts_with_a_leading_one_number_are_masked_once_on_open(tmp_path):
    db = tmp_path / "s.duckdb"
    error = "SMS to 1.555.123.4567 failed; call 1 555 123 4567"
    reason = "too many fields (1.555.123.4567)"
    review = "很好，call 1.555.123.4567"
    with Store(db) as store:  # as an older version kept them
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', 'x1', 'sms', 'failed', 3, NULL, ?)", [error]
        )
        store.execute(
            "INSERT INTO quarantine VALUES (1, 'orders.csv', 'orders', 9, 'quantity', NULL, ?, "
            "'c1', NULL)",
            [reason],
        )
        store.execute(
            "INSERT INTO reviews (review_id, customer_id, product_id, text) VALUES "
            "('R1', 'c1', 'p1', ?), ('R2', 'c2', 'p1', 'fine')",
            [review],
        )
        new = (
            text_migration.SPACED_LEADING_ONE,
            text_migration.REJECTED_SPACED_LEADING_ONE,
            text_migration.REVIEW_SPACED_LEADING_ONE,
        )
        store.execute("DELETE FROM migrations WHERE name IN (?, ?, ?)", list(new))
    with Store(db, read_only=True) as store:  # a read-only open masks them first
        assert store.scalar("SELECT error FROM deliveries") == "SMS to *** failed; call ***"
        assert store.scalar("SELECT reason FROM quarantine") == "too many fields (***)"
        texts = store.query("SELECT text FROM reviews ORDER BY review_id")["text"].tolist()
        assert texts == ["很好，call ***", "fine"]
    with Store(db) as store:
        done = store.query(
            "SELECT name, n FROM migrations WHERE name IN (?, ?, ?) ORDER BY name", list(new)
        )
        assert done.to_dict("records") == [
            {"name": text_migration.SPACED_LEADING_ONE, "n": 0},
            {"name": text_migration.REJECTED_SPACED_LEADING_ONE, "n": 1},
            {"name": text_migration.REVIEW_SPACED_LEADING_ONE, "n": 1},
        ]
        store.execute("UPDATE reviews SET text = ? WHERE review_id = 'R1'", [review])
    with Store(db) as store:  # once: a later open leaves the texts alone
        assert store.scalar("SELECT text FROM reviews WHERE review_id = 'R1'") == review

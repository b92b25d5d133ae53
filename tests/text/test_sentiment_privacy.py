"""``promopilot sentiment`` keeps contact data out of its output, as every command does."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from promopilot.cli import app
from promopilot.data.synonyms import contact_columns, is_contact

# a Judge.me-style reviews export: contact columns beside the review
JUDGEME = pd.DataFrame(
    {
        "title": ["Lovely", "Meh"],
        "body": ["Great mug, fast delivery", "Too small, not good"],
        "rating": ["5", "2"],
        "review_date": ["2025-11-28", "2025-11-29"],
        "reviewer_name": ["Ann Smith", "Bob Jones"],
        "reviewer_email": ["ann@example.com", "bob@example.com"],
        "product_handle": ["mug", "mug"],
        "ip_address": ["203.0.113.7", "198.51.100.9"],
        "location": ["Leeds", "York"],
    }
)


def test_sentiment_leaves_contact_columns_out_and_says_which(tmp_path) -> None:
    source, target = tmp_path / "reviews.csv", tmp_path / "scored.csv"
    JUDGEME.to_csv(source, index=False)
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    written = target.read_text(encoding="utf-8-sig")
    for value in ("Ann Smith", "ann@example.com", "203.0.113.7", "Bob Jones", "198.51.100.9"):
        assert value not in written
        assert value not in result.output
    back = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(back.columns) == [
        "title",
        "body",
        "rating",
        "review_date",
        "product_handle",
        "location",
        "sentiment",
        "label",
        "sentiment_method",
    ]
    assert list(back["body"]) == list(JUDGEME["body"])  # the rest is written as read
    said = " ".join(result.output.split())  # the console may wrap a long line
    assert "contact columns left out of the output: reviewer_name, reviewer_email, ip_address" in (
        said
    )


def test_contact_columns_are_recognised_by_ingest_synonyms_and_their_words() -> None:
    header = [
        "Name",  # Shopify's order number column is named Name: still left out, to be safe
        "Email",
        "Billing Name",
        "Phone",
        "Shipping Address1",
        "手机号",
        "收货人",
        "邮箱",
        "First Name",
        "IP",
        "Lineitem name",
        "customer_id",
        "Billing Country",
        "Default Address Country Code",
        "买家会员名",
        "product_name",
    ]
    assert contact_columns(header) == header[:10]
    assert not is_contact("text") and not is_contact("评价内容")


def test_sentiment_writes_a_texts_addresses_and_numbers_masked(tmp_path) -> None:
    source, target = tmp_path / "reviews.csv", tmp_path / "scored.csv"
    pd.DataFrame(
        {
            "text": [
                "Great mug, call me 1-555-123-4567 or ann@example.com",
                "很好用，加我微信13812345678",
                "Too small, order A-1-555 on 2026-11-20, 199.00",
            ],
            "追评": ["07700 900123 回复我", "", ""],
            "rating": ["5", "4", "2"],
        }
    ).to_csv(source, index=False)
    result = CliRunner().invoke(app, ["sentiment", "--in", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    written = target.read_text(encoding="utf-8-sig")
    for value in ("1-555-123-4567", "ann@example.com", "13812345678", "07700 900123"):
        assert value not in written and value not in result.output
    back = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(back["text"]) == [
        "Great mug, call me *** or ***",
        "很好用，加我微信***",
        "Too small, order A-1-555 on 2026-11-20, 199.00",  # no phone number: as read
    ]
    assert list(back["追评"]) == ["*** 回复我", "", ""]

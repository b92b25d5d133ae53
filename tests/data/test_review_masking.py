"""Review texts with contact data in them: stored with every e-mail address and phone number
masked (``***``), at ingest and, in a store an older version wrote, once when it is opened."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from promopilot.data import contact_migration
from promopilot.data.contact_ids import IN_TEXT
from promopilot.data.ingest import ingest
from promopilot.data.review_text import masked_sql
from promopilot.data.store import Store

CONTACT = (
    "call me 1-555-123-4567 or 07700 900123 or ann@example.com; 加我微信13812345678谢谢, "
    "+86 138 0013 8000"
)
MASKED = "call me *** or *** or ***; 加我微信***谢谢, ***"
# no contact data: numbers, dates, prices and Chinese text kept byte for byte
PLAIN = "很好用，2026-11-20 买的 199.00 元，order 1-555-123-45678 #555-1234 【追评】还行"


def _shop(folder: Path) -> Path:
    folder.mkdir(parents=True)
    frame = pd.DataFrame(
        {
            "review_id": ["R1", "R2", "R3"],
            "customer_id": ["c1", "c2", "c3"],
            "product_id": ["p1", "p1", "p2"],
            "text": [CONTACT, PLAIN, "邮箱ann@example.com，谢谢"],
            "rating": [5, 4, 3],
        }
    )
    frame.to_csv(folder / "reviews.csv", index=False)
    return folder


def test_a_reviews_contact_data_is_masked_at_ingest_and_reingest_adds_nothing(tmp_path):
    shop = _shop(tmp_path / "shop")
    with Store(tmp_path / "s.duckdb") as store:
        first = ingest(store, shop / "reviews.csv")
        texts = store.query("SELECT review_id, text FROM reviews ORDER BY 1")
        assert dict(zip(texts["review_id"], texts["text"], strict=True)) == {
            "R1": MASKED,
            "R2": PLAIN,  # as written
            "R3": "邮箱***，谢谢",  # the Chinese text around an address kept
        }
        assert (first.n_read, first.n_loaded, store.count("quarantine")) == (3, 3, 0)
        again = ingest(
            store, shop / "reviews.csv"
        )  # the stored text differs from the file's: still the same
        assert again.n_new == 0 and again.n_loaded == 3
        assert store.count("reviews") == 3 and store.count("quarantine") == 0
        assert not any(re.search(IN_TEXT, t) for t in store.table("reviews")["text"])


def test_an_old_stores_review_texts_are_masked_once_on_open(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:  # as an older version stored them: as written
        store.execute(
            "INSERT INTO reviews (review_id, customer_id, product_id, text) VALUES "
            "('R1', 'c1', 'p1', ?), ('R2', 'c2', 'p1', ?)",
            [CONTACT, PLAIN],
        )
        store.execute("DELETE FROM migrations WHERE name = ?", [contact_migration.REVIEW_TEXTS])
    with Store(db, read_only=True) as store:  # a read-only open masks them first
        assert store.query("SELECT text FROM reviews ORDER BY review_id")["text"].tolist() == [
            MASKED,
            PLAIN,
        ]
    with Store(db) as store:
        done = store.query(
            "SELECT n FROM migrations WHERE name = ?", [contact_migration.REVIEW_TEXTS]
        )
        assert done["n"].tolist() == [1]  # one review rewritten
        store.execute("UPDATE reviews SET text = ? WHERE review_id = 'R1'", [CONTACT])
    with Store(db) as store:  # once: a later open leaves the table alone
        assert store.scalar("SELECT text FROM reviews WHERE review_id = 'R1'") == CONTACT


def test_the_sql_mask_leaves_nothing_the_text_scanner_finds(store):
    pieces = ["13812345678", "+1 555 123 4567", "07700 900123", "1-555-123-4567", "(555) 123-4567"]
    pieces += ["555.123.4567", "0044 7700 900123", "06 12 34 56 78", "a@b.com", "199.00"]
    # a North American number with a space or full stop after its 1, a UK one with +44, a
    # Chinese mobile written in groups
    phones = ["1 555-123-4567", "1.555.123.4567", "+44 7700 900123", "138 1234 5678"]
    pieces += [*phones, "138-1234-5678"]
    seps = [" ", ", ", "，", "很好", ". "]
    texts = [
        a + s + b + t + c
        for a in pieces
        for s in seps
        for b in pieces
        for t in seps[:2]
        for c in pieces[:3]
    ]
    frame = pd.DataFrame({"t": texts})
    with store.frame("texts", frame) as name:
        masked = store.query(f"SELECT {masked_sql('t')} AS m FROM {name}")["m"]
    left = [m for m in masked if re.search(IN_TEXT, m)]
    assert left == []
    # each number masked whole by both: none of it left ("1 ***" kept the 1 of 1 555-123-4567),
    # but where +... or 00... runs into the next number (below)
    python = [re.sub(IN_TEXT, "***", t) for t in texts]
    for out in (masked, python):
        assert not [m for m in out if re.search(r"(?<![0-9])1[ .]\*\*\*", m)]
        left = [m for t, m in zip(texts, out, strict=True) if "+" not in t and "00" not in t]
        assert not [m for m in left if re.search(r"[0-9]{4}(?![0-9.])", m)]
    # as the text scanner masks a rejected line, or more: a number the scanner runs into the
    # next one with (+1 555 123 4567 13812345678: "*** ***2345678") is masked whole; an address
    # beside Chinese text keeps that text in both (很好a@b.com: 很好***); never a digit or an @
    # more than the scanner keeps
    kept = lambda text: len(re.findall("[0-9@]", text))  # noqa: E731
    assert sum(m != p for m, p in zip(masked, python, strict=True)) < len(texts) // 10
    assert all(kept(m) <= kept(p) for m, p in zip(masked, python, strict=True))

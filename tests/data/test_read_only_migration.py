"""A store an older version left with e-mail addresses or phone numbers in it, opened
read-only (the Python API's ``Store(path, read_only=True)``; every command opens for writing):
it is migrated first, or refused in one line, never read as it is."""

from __future__ import annotations

import duckdb
import pytest

from promopilot.data import contact_ids, contact_migration, text_migration, time_migration
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.profile import build_features
from tests.data.test_contact_ids import ANN, NEEDLES, PHONE, _email_shop
from tests.data.test_contact_migration import OLD_IDS, _as_left, _old_store
from tests.data.test_privacy import _rows_mentioning

ERROR = "550 <ann@example.com>: mailbox unavailable; SMS to +86 138 0013 8000 failed"


def test_a_read_only_open_of_an_old_store_migrates_it_first(tmp_path):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "old.duckdb"
    _old_store(db, shop)
    with _as_left(db) as store:  # what a read-only open showed before
        assert "ann@example.com" in set(store.table("orders")["customer_id"])
    with Store(db, read_only=True) as store:
        assert store.notes == [contact_migration.note(len(OLD_IDS))]
        assert _rows_mentioning(store, NEEDLES, skip=("contacts",)) == {}
        features = build_features(store)  # what a notebook's profile would write out
        assert {ANN, PHONE} <= set(features["customer_id"])
        assert not features["customer_id"].str.contains("@|138", regex=True).any()
        with pytest.raises(duckdb.Error):  # still read-only
            store.execute("DELETE FROM orders")
    with Store(db, read_only=True) as store:  # once: recorded, nothing more to do
        assert store.notes == []
        assert set(store.query("SELECT name FROM migrations")["name"]) == {
            contact_migration.NAME,
            contact_migration.SPELLINGS,
            contact_migration.DELIVERY_ERRORS,
            contact_migration.LOCAL_PHONES,
            contact_migration.REJECTED_LOCAL_PHONES,
            contact_migration.LEADING_ONE,
            contact_migration.REJECTED_LEADING_ONE,
            contact_migration.REVIEW_TEXTS,
            *text_migration.DELIVERY_NAMES,
            *text_migration.REJECTED_NAMES,
            *text_migration.REVIEW_NAMES,
            contact_migration.EMAILS,
            contact_migration.PHONES,
            contact_migration.SHOPIFY_EMAILS,
            time_migration.NAME,
        }


def test_an_old_stores_delivery_errors_are_masked_before_a_read_only_read(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', 'x1', 'email', 'failed', 3, NULL, ?)", [ERROR]
        )
        store.execute("DELETE FROM migrations WHERE name LIKE 'delivery-errors-%'")
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT error FROM deliveries") == contact_ids.masked_in_text(ERROR)


def test_an_old_store_with_nothing_to_hide_is_read_as_it_is(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.execute("INSERT INTO customers (customer_id) VALUES ('17850'), ('C000123')")
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', '17850', 'email', 'failed', 3, NULL, "
            "'421 4.7.0 try again later')"
        )
        store.execute("DROP TABLE migrations")
    before = db.read_bytes()
    with Store(db, read_only=True) as store:
        assert store.notes == [] and store.count("customers") == 2
    assert db.read_bytes() == before  # not written: a read-only medium still reads it


def test_an_old_store_that_cannot_be_written_is_refused_by_a_read_only_open(tmp_path):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "old.duckdb"
    _old_store(db, shop)
    other = duckdb.connect(str(db), read_only=True)  # another reader holds it: no writing now
    try:
        with pytest.raises(InputError) as refused:
            Store(db, read_only=True)
    finally:
        other.close()
    message = str(refused.value)
    assert message == (
        f"{db}: this store was made by an older promopilot version and still holds e-mail "
        "addresses or phone numbers as customer ids or in delivery errors or review texts; "
        "opening it read-only cannot replace them because another process has it open: run "
        f"`promopilot summary --db {db}` once (it migrates the store), then open it read-only"
    )
    assert "\n" not in message
    with _as_left(db) as store:  # refused before anything changed
        assert "ann@example.com" in set(store.table("orders")["customer_id"])
    with Store(db, read_only=True) as store:  # once nothing else holds it
        assert _rows_mentioning(store, NEEDLES, skip=("contacts",)) == {}


def _without_cap_column(db) -> None:
    """A store as a version before offer caps left it: offers without max_discount."""
    with Store(db) as store:
        store.execute(
            "INSERT INTO offers (offer_id, kind, value, min_spend) "
            "VALUES ('mj', 'amount_off', 20, 150)"
        )
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE offers DROP COLUMN max_discount")
    con.close()


def test_an_old_store_without_a_newer_column_gets_it_before_a_read_only_read(tmp_path):
    # Store.table selects every column of the schema: on a store an older version made it
    # failed with DuckDB's "Referenced column max_discount not found"
    db = tmp_path / "s.duckdb"
    _without_cap_column(db)
    with Store(db, read_only=True) as store:
        offers = store.table("offers")
        assert offers["offer_id"].tolist() == ["mj"] and offers["max_discount"].isna().all()
    with Store(db, read_only=True) as store:  # added once: the file is read as it is now
        assert store.notes == []


def test_an_old_store_without_a_newer_column_that_cannot_be_written_is_refused(tmp_path):
    db = tmp_path / "s.duckdb"
    _without_cap_column(db)
    other = duckdb.connect(str(db), read_only=True)  # another reader holds it: no writing now
    try:
        with pytest.raises(InputError) as refused:
            Store(db, read_only=True)
    finally:
        other.close()
    assert str(refused.value) == (
        f"{db}: this store was made by an older promopilot version and lacks columns this "
        "version reads (offers.max_discount); opening it read-only cannot add them because "
        f"another process has it open: run `promopilot summary --db {db}` once (it migrates "
        "the store), then open it read-only"
    )

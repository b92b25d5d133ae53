"""A store built before customer ids that are e-mail addresses or phone numbers were hashed:
opened for writing, its ids are hashed once, everywhere, in one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from promopilot.data import (
    contact_ids,
    contact_migration,
    phone_text,
    text_migration,
    time_migration,
)
from promopilot.data.schema import plain_id
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_contact_ids import ANN, NEEDLES, PHONE, _email_shop
from tests.data.test_ingest import ORDERS, cli, write
from tests.data.test_privacy import _rows_mentioning

TABLES = ("customers", "orders", "events", "reviews", "campaigns", "unsubscribes", "flags")
# the distinct ids _email_shop's files name by an address or number, as an old store held them
OLD_IDS = {
    "Ann@Example.com",
    "ann@example.com",
    "ANN@EXAMPLE.COM",
    "ANN@example.com",
    "+86 138 0013 8000",
    "13800138000",
    "138-0013-8000",
    "+8613800138000",
}


def _old_store(db: Path, shop: Path, *, forget: str | None = None) -> None:
    """A store as a version before the hashing wrote it: ingest with the ids kept as written
    (and `forget` forgotten by its id as written), a row the reader could not split kept
    whole in the quarantine, and no record of the migration."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_ids, "stage_sql", lambda source, customer="t_customer_id": source)
        patch.setattr(contact_ids, "stored_customer_id", lambda v: plain_id(str(v).strip()))
        patch.setattr(phone_text, "typed_phone", lambda value: None)  # read no number either
        with Store(db) as store:
            load(store, shop)
            if forget is not None:
                store.forget(forget)
            store.execute(
                "INSERT INTO quarantine VALUES (1, 'orders.csv', 'orders', 9, NULL, "
                "'o9,2025-01-01,ann@example.com,p1', 'too many fields (+8613800138000)', NULL, "
                "'o9,2025-01-01,ann@example.com,p1,1,10,x')"
            )
            store.execute("DROP TABLE migrations")


@contextlib.contextmanager
def _as_left(db: Path) -> Iterator[Store]:
    """The store read as the old version left it (a read-only open migrates it now)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_migration, "needed", lambda store: False)
        with Store(db, read_only=True) as store:
            yield store


def _ids(store: Store) -> dict[str, list[str]]:
    return {
        t: sorted(store.query(f"SELECT customer_id FROM {t}")["customer_id"].dropna())
        for t in TABLES
    }


def test_an_old_store_s_address_ids_are_hashed_everywhere_once(tmp_path, capsys):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "old.duckdb"
    _old_store(db, shop)
    with _as_left(db) as store:
        old = {i for ids in _ids(store).values() for i in ids}
        assert old >= OLD_IDS and store.count("contacts") == 0
        assert {"orders", "events", "customers", "quarantine"} <= set(
            _rows_mentioning(store, NEEDLES)
        )
    code, out, _ = cli(["summary", "--db", str(db)], capsys)
    flat = " ".join(out.split())  # as printed, wrapped to the terminal
    assert code == 0 and contact_migration.note(len(OLD_IDS)) in flat
    assert "@example" not in out and "138" not in out

    fresh = tmp_path / "new.duckdb"
    with Store(fresh) as store:  # what this version makes of the same files
        load(store, shop)
        expected = _ids(store)
        expected_contacts = store.query("SELECT customer_id, email, phone FROM contacts ORDER BY 1")
    with Store(db) as store:
        assert store.notes == []  # once: a second open changes nothing and says nothing
        assert _rows_mentioning(store, NEEDLES, skip=("contacts",)) == {}
        assert _ids(store) == expected
        assert set(store.table("customers")["customer_id"]) == {ANN, PHONE, "17850"}
        contacts = store.query("SELECT customer_id, email, phone FROM contacts ORDER BY 1")
        assert contacts.to_dict("records") == expected_contacts.to_dict("records")
        masked = store.query("SELECT value, reason, raw FROM quarantine WHERE line = 9").iloc[0]
        assert list(masked) == [
            "o9,2025-01-01,***,p1",
            "too many fields (***)",
            "o9,2025-01-01,***,p1,1,10,x",
        ]
        counts = {t: store.count(t) for t in (*TABLES, "contacts")}
        again = load(store, shop)  # re-ingesting the same files adds nothing
        assert again.n_new == 0
        assert {t: store.count(t) for t in counts} == counts
        assert not [n for f in again.files for n in f.notes if "stored as a hash" in n]
        migrations = store.query("SELECT name, n FROM migrations ORDER BY name")
        assert migrations.to_dict("records") == [
            {"name": contact_migration.EMAILS, "n": 0},
            {"name": contact_migration.NAME, "n": len(OLD_IDS)},
            {"name": contact_migration.SPELLINGS, "n": len(OLD_IDS)},
            {"name": contact_migration.PHONES, "n": 0},
            {"name": contact_migration.LEADING_ONE, "n": 0},
            {"name": contact_migration.LOCAL_PHONES, "n": 0},
            {"name": contact_migration.DELIVERY_ERRORS, "n": 0},
            {"name": text_migration.SPACED_LEADING_ONE, "n": 0},
            # the id migration masked the rejected rows already: none left to mask
            {"name": text_migration.REJECTED_CELLS, "n": 0},
            {"name": contact_migration.REJECTED_LEADING_ONE, "n": 0},
            {"name": contact_migration.REJECTED_LOCAL_PHONES, "n": 0},
            {"name": text_migration.REJECTED_SPACED_LEADING_ONE, "n": 0},
            {"name": contact_migration.REVIEW_TEXTS, "n": 0},
            {"name": text_migration.REVIEW_SPACED_LEADING_ONE, "n": 0},
            {"name": contact_migration.SHOPIFY_EMAILS, "n": len(OLD_IDS)},
            {"name": time_migration.NAME, "n": 0},
        ]


def test_a_new_store_records_the_migration_and_says_nothing(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        assert store.notes == []
        # ids hashed (three times), delivery errors masked (four times), rejected rows' texts
        # masked (three times), contacts' e-mail cells read as addresses and phone cells as
        # numbers, review texts masked (twice), the times it records made UTC
        assert store.count("migrations") == 16


def test_an_old_stores_delivery_errors_are_masked_once(tmp_path):
    # a store from before delivery failures were masked kept the recipient's address
    path = tmp_path / "s.duckdb"
    error = "550 <ann@example.com>: mailbox unavailable; SMS to +86 138 0013 8000 failed"
    with Store(path) as store:
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', 'x1', 'email', 'failed', 3, NULL, ?), "
            "('c1', 'x2', 'email', 'sent', 1, now()::TIMESTAMP, NULL)",
            [error],
        )
        store.execute("DELETE FROM migrations WHERE name LIKE 'delivery-errors-%'")
    with Store(path) as store:
        kept = store.query("SELECT customer_id, error FROM deliveries ORDER BY 1")
        assert kept["error"].iloc[0] == contact_ids.masked_in_text(error)
        assert (
            "ann@example.com" not in kept["error"].iloc[0] and "0013" not in kept["error"].iloc[0]
        )
        assert kept["error"].isna().iloc[1]  # a delivery without an error stays as it was
        store.execute("UPDATE deliveries SET error = ? WHERE customer_id = 'x1'", [error])
    with Store(path) as store:  # once: a later open leaves the table alone
        assert store.scalar("SELECT error FROM deliveries WHERE customer_id = 'x1'") == error


def test_a_failed_migration_leaves_the_old_store_as_it_was(tmp_path, monkeypatch):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "old.duckdb"
    _old_store(db, shop)
    with _as_left(db) as store:
        before = {t: store.query(f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}

    def crash(store: Store) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(contact_migration, "_keep_contacts", crash)
    with pytest.raises(OSError, match="disk full"):
        Store(db)
    with _as_left(db) as store:
        for t in TABLES:
            assert store.query(f"SELECT * FROM {t} ORDER BY ALL").equals(before[t]), t
        assert store.count("contacts") == 0 and store.count("migrations") == 0
    monkeypatch.undo()
    with Store(db) as store:  # the next open does it
        assert store.notes and _rows_mentioning(store, NEEDLES, skip=("contacts",)) == {}


def test_a_customer_forgotten_by_address_in_an_old_store_stays_forgotten(tmp_path, capsys):
    orders = write(
        tmp_path / "shop" / "orders.csv",
        ORDERS + "o1,2025-01-01,ann@example.com,p1,1,10\no2,2025-01-01,17850,p1,1,10\n"
        "o3,2025-01-02,+86 138 0013 8000,p1,1,10\n",
    )
    # the old version took Ann@Example.com for another customer: kept when ann@ was forgotten
    write(tmp_path / "shop" / "customers.csv", "customer_id,region\nAnn@Example.com,north\n")
    db = tmp_path / "old.duckdb"
    _old_store(db, orders.parent, forget="ann@example.com")
    with _as_left(db) as store:
        assert list(store.table("customers")["customer_id"]) == ["Ann@Example.com"]
    with Store(db) as store:
        assert store.notes == [
            contact_migration.note(2),  # Ann@Example.com's and the phone number's
            "1 of them belonged to customers forgotten before by their address or number "
            "written another way: erased",
        ]
        assert set(store.table("orders")["customer_id"]) == {"17850", PHONE}
        assert store.count("customers") == 0
        again = load(store, orders.parent)  # ann's rows come again: still forgotten
        assert again.n_new == 0
        other = ORDERS + "o9,2025-01-03,ANN@example.COM,p1,1,10\n"  # in yet another case
        assert load(store, write(tmp_path / "more" / "orders.csv", other)).n_new == 0
        assert _rows_mentioning(store, [ANN, "ann@example.com"], skip=("quarantine",)) == {}
        assert store.count("contacts") == 1
    code, out, _ = cli(["forget", "ann@example.com", "--db", str(db)], capsys)
    assert code == 0 and "'a***@example.com' was already forgotten" in out


def test_an_old_stores_phone_ids_keep_the_number_as_ingest_keeps_it_now(tmp_path):
    # ids kept as written by a version before: a US 15551234567 (the shape of a Chinese
    # mobile) and 13800138000 written with and without its country; hashed as ingest hashes
    # them, the number in contacts as ingest keeps it: no +86 guessed, the one named preferred
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,15551234567,p1,1,10\no2,2025-01-01,13800138000,p1,1,10\n"
        "o3,2025-01-02,+86 138 0013 8000,p1,1,10\n",
    )
    db = tmp_path / "old.duckdb"
    _old_store(db, shop)
    with Store(db) as store:
        us = contact_ids.stored_customer_id("15551234567")
        assert set(store.table("orders")["customer_id"]) == {us, PHONE}
        phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
        assert phones["phone"].to_dict() == {us: "15551234567", PHONE: "+8613800138000"}

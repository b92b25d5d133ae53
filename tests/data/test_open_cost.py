"""What opening a store costs: the migrations for stores made by older versions scan the store
once, on the first open for writing, and record it in table ``migrations``; later opens, for
writing or read-only, only read that table (the first open of the full UCI store with nothing
recorded: 5.9-7.6 s, mostly its 135,086 quarantined rows' texts; a later one: 69-124 ms, 2-3 ms
of it the migrations' checks; docs/ingest.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data import contact_migration, text_migration, time_migration
from promopilot.data.store import Store

ERROR = "550 <ann@example.com>: mailbox unavailable"
# every migration a store of this version has recorded
NAMES = {
    *contact_migration.ID_MIGRATIONS,
    contact_migration.EMAILS,
    contact_migration.PHONES,
    text_migration.DELIVERY_ERRORS,
    text_migration.LOCAL_PHONES,
    text_migration.REJECTED_LOCAL_PHONES,
    text_migration.LEADING_ONE,
    text_migration.REJECTED_LEADING_ONE,
    text_migration.REVIEW_TEXTS,
    text_migration.SPACED_LEADING_ONE,
    text_migration.REJECTED_SPACED_LEADING_ONE,
    text_migration.REJECTED_CELLS,
    text_migration.REVIEW_SPACED_LEADING_ONE,
    time_migration.NAME,
}


def _old_store(db) -> None:
    """A store as a version before table ``migrations`` left it: an address as a customer id,
    in a delivery error and in a rejected row, and a contact's e-mail cell as written."""
    with Store(db) as store:
        store.execute("INSERT INTO customers (customer_id) VALUES ('ann@example.com'), ('17850')")
        store.execute(
            "INSERT INTO contacts VALUES ('17850', 'mailto:Bob@Example.com', NULL, NULL, "
            "now()::TIMESTAMP, NULL)"
        )
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', '17850', 'email', 'failed', 3, NULL, ?)", [ERROR]
        )
        store.execute(
            "INSERT INTO quarantine VALUES (1, 'orders.csv', 'orders', 9, NULL, "
            "'o9,2025-01-01,17850,p1', 'too many fields (07700 900123)', NULL, "
            "'o9,2025-01-01,17850,p1,1,10,x')"
        )
        store.execute("DROP TABLE migrations")


@pytest.fixture
def scans(monkeypatch) -> dict[str, int]:
    """Calls of what the migrations scan the store with: the ids that might be contact data
    (hash_contact_ids, needed), an e-mail cell read as its address (read_contact_emails, the
    respelled ids) and the texts that may hold an address or number (mask_delivery_errors,
    mask_rejected_rows)."""
    calls = {"_candidates": 0, "email_sql": 0, "_masked_rows": 0}
    for module, name in (
        (contact_migration, "_candidates"),
        (contact_migration, "email_sql"),
        (text_migration, "_masked_rows"),
    ):
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def _recorded(db) -> pd.DataFrame:
    with Store(db, read_only=True) as store:
        return store.query("SELECT name, applied_at, n FROM migrations ORDER BY name")


def test_an_old_store_is_migrated_once_and_a_later_open_scans_nothing(tmp_path, scans):
    db = tmp_path / "old.duckdb"
    _old_store(db)
    with Store(db) as store:  # made before the table existed: every migration runs
        assert store.notes == [contact_migration.note(1)]
        assert store.scalar("SELECT error FROM deliveries") != ERROR
        assert store.scalar("SELECT reason FROM quarantine") == "too many fields (***)"
        assert store.scalar("SELECT email FROM contacts WHERE customer_id = '17850'") == (
            "bob@example.com"
        )
    assert all(scans.values()), scans
    recorded = _recorded(db)
    assert set(recorded["name"]) == NAMES and len(recorded) == len(NAMES)

    for name in scans:
        scans[name] = 0
    with Store(db) as store:  # for writing: each migration reads its row, nothing more
        assert store.notes == []
    with Store(db, read_only=True) as store:
        assert store.notes == []
    assert scans == {"_candidates": 0, "email_sql": 0, "_masked_rows": 0}
    # the same rows, none added, none written again
    pd.testing.assert_frame_equal(_recorded(db), recorded)

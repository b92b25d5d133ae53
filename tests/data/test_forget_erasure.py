"""`promopilot forget` leaves no byte of the customer's data in the store file, atomically."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from promopilot.data.erase import FRESH_SUFFIX, WORK_SUFFIX, forget_for_good
from promopilot.data.records import IDEMPOTENCY_DDL
from promopilot.data.store import Store
from promopilot.exceptions import UnknownIdError
from tests.data.test_ingest import cli, load
from tests.data.test_privacy import _privacy_shop

SECRETS = (b"ann@example.com", b"+442079460001", b"Ann Smith")  # the number as kept


def _bytes(path, needle: bytes) -> int:
    return path.read_bytes().count(needle)


@pytest.fixture(scope="module")
def _db(tmp_path_factory):
    """The privacy shop's store, built once for the module."""
    tmp_path = tmp_path_factory.mktemp("forget")
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        load(store, _privacy_shop(tmp_path / "shop"))
        store.execute(IDEMPOTENCY_DDL)  # a table with a primary key
        store.execute("INSERT INTO api_idempotency VALUES ('e', 'k1', 'h', '{}', now())")
        store.scalar("SELECT nextval('ingest_seq')")
    return path


@pytest.fixture()
def db(_db, tmp_path):
    """This test's own copy of the store file, alone in its folder."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(_db, path)
    return path


def _leftovers(db) -> list[str]:
    """Files next to the store that a forget left behind (work copies, logs)."""
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name + "."))


def test_forget_leaves_no_contact_bytes_in_the_file(db, capsys):
    for secret in SECRETS:
        assert _bytes(db, secret) >= 1  # stored as plain text: a byte search finds it
    with Store(db) as store:
        seq = store.scalar("SELECT currval('ingest_seq')")
        others = store.query("SELECT * FROM contacts WHERE customer_id <> 'c1' ORDER BY 1")
    code, out, _ = cli(["forget", "c1", "--db", str(db)], capsys)
    assert code == 0 and "forgot customer c1" in out and "rewritten" in out
    assert "Files written from the store before" in " ".join(out.split())  # not reached
    for secret in SECRETS:
        assert _bytes(db, secret) == 0, secret
    assert _leftovers(db) == []
    with Store(db) as store:
        # everything else is as it was: rows, the sequence, constraints
        assert store.query("SELECT * FROM contacts ORDER BY 1").equals(others)
        assert store.count("forgotten") == 1
        assert store.scalar("SELECT nextval('ingest_seq')") == seq + 1
        with pytest.raises(duckdb.ConstraintException):
            store.execute("INSERT INTO api_idempotency VALUES ('e', 'k1', 'h', '{}', now())")


def test_an_unknown_id_changes_nothing(db):
    inode = db.stat().st_ino
    with Store(db) as store:
        with pytest.raises(UnknownIdError):
            forget_for_good(store, "nobody")
        assert store.count("forgotten") == 0 and store.count("contacts") == 3
    assert db.stat().st_ino == inode  # the file was not replaced
    assert _leftovers(db) == []


def test_a_crash_before_the_swap_leaves_the_store_as_it_was(db, monkeypatch):
    with Store(db) as store:

        def crash(src, dst):
            raise OSError("power cut")

        monkeypatch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="power cut"):
            forget_for_good(store, "c1")
        monkeypatch.undo()
        assert store.scalar("SELECT count(*) FROM contacts WHERE customer_id = 'c1'") == 1
        assert store.count("forgotten") == 0
    assert _leftovers(db) == []
    # leftovers of a killed run do not stop the next one
    (db.parent / (db.name + WORK_SUFFIX)).write_bytes(b"half a file")
    (db.parent / (db.name + FRESH_SUFFIX)).write_bytes(b"half a file")
    with Store(db) as store:
        assert forget_for_good(store, "c1")["contacts"] == 1
        assert store.count("contacts") == 2  # the store is open again, on the new file
    assert _bytes(db, b"ann@example.com") == 0
    assert _leftovers(db) == []

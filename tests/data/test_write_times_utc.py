"""The times a store records itself (computed.computed_at, ingests.started_at, updated_at,
forgotten_at, migrations.applied_at) are UTC, as every time in the store is, whatever the
shop's zone (the session's TimeZone); an older store's, written in the shop's zone, are moved
to UTC once (data.time_migration)."""

from __future__ import annotations

import pandas as pd

from promopilot.data import time_migration
from promopilot.data.ingest import ingest
from promopilot.data.queries import computed
from promopilot.data.store import Store
from tests.data.test_date_styles import write


def _hours_from_utc_now(store: Store, sql: str) -> float:
    got = pd.Timestamp(store.scalar(sql))
    return abs((got - pd.Timestamp.now("UTC").tz_localize(None)).total_seconds()) / 3600


def test_the_times_a_store_writes_are_utc_in_a_shop_east_of_utc(tmp_path):
    """Asia/Shanghai is UTC+8: the old code wrote each of these 8 hours ahead."""
    with Store(tmp_path / "s.duckdb", timezone="Asia/Shanghai") as store:
        ingest(store, write(tmp_path / "shop", "orders", ("2025-03-08 14:30",)))
        store.forget("c1")  # which drops what was computed: written after it
        computed.write(store, "quality", "k1", "0.7")
        for sql in (
            "SELECT max(computed_at) FROM computed",
            "SELECT max(started_at) FROM ingests",
            "SELECT max(applied_at) FROM migrations",
            "SELECT max(forgotten_at) FROM forgotten",
        ):
            assert _hours_from_utc_now(store, sql) < 0.5, sql


def test_an_old_stores_times_move_to_utc_once_and_keep_their_order(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db, timezone="Asia/Shanghai") as store:
        # as an older version left it: a result kept an hour ago in the shop's time
        store.execute("DELETE FROM migrations WHERE name = ?", [time_migration.NAME])
        store.execute(
            "INSERT INTO computed VALUES ('sentiment', 'old', 'x', "
            "now()::TIMESTAMP - INTERVAL 1 HOUR)"
        )
    with Store(db, timezone="Asia/Shanghai") as store:
        assert 0.5 < _hours_from_utc_now(store, "SELECT computed_at FROM computed") < 1.5
        # the result and the migrations recorded before this one
        moved = store.scalar("SELECT n FROM migrations WHERE name = ?", [time_migration.NAME])
        assert moved == store.count("migrations")
        computed.put(store, "sentiment", "new", "y", drop=[])
        assert computed.keys(store, "sentiment") == ["new", "old"]  # the new one is the latest
    with Store(db, timezone="Asia/Shanghai") as store:  # not moved again
        assert 0.5 < _hours_from_utc_now(store, "SELECT min(computed_at) FROM computed") < 1.5


def test_a_utc_shops_store_has_nothing_to_move(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.execute("DELETE FROM migrations WHERE name = ?", [time_migration.NAME])
        store.execute("INSERT INTO computed VALUES ('q', 'k', 'v', TIMESTAMP '2025-03-08 14:30')")
    with Store(db) as store:
        assert str(store.scalar("SELECT computed_at FROM computed")) == "2025-03-08 14:30:00"
        assert store.scalar("SELECT n FROM migrations WHERE name = ?", [time_migration.NAME]) == 0


def test_a_new_stores_migrations_are_recorded_in_utc_not_moved_again(tmp_path):
    """The time migration ran last on opening, so it took the other migrations' rows, just
    written in UTC, for the shop's time and moved them 8 hours early in an Asia/Shanghai shop."""
    with Store(tmp_path / "s.duckdb", timezone="Asia/Shanghai") as store:
        assert _hours_from_utc_now(store, "SELECT min(applied_at) FROM migrations") < 0.5

"""The times a store records itself (when a result was computed, a row updated, an ingest
started, a customer forgotten, a migration applied, an API key first used) kept in UTC, as
every other time of the store is.

Older versions wrote them with ``now()::TIMESTAMP`` / ``current_timestamp::TIMESTAMP``: the
session's time, which is the shop's zone (``timezone`` in promopilot.toml). They order kept
results (``computed``: the latest first) and a row's newest values (``updated_at``), so a
store whose old rows were in UTC+8 and new ones in UTC would take an 8-hour-old value for the
newest. :func:`write_times_in_utc` moves the old values from the shop's zone to UTC, once per
store, in one transaction, and records how many changed (none in a UTC shop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promopilot.data.schema import LOAD_ORDER, TABLES
from promopilot.data.sql import ident, sql_str

if TYPE_CHECKING:
    from promopilot.data.store import Store

NAME = "write-times-in-utc"


def written_times() -> list[tuple[str, str]]:
    """``(table, column)`` of every time the store records itself."""
    updated = [(name, "updated_at") for name in LOAD_ORDER if not TABLES[name].history]
    return [
        *updated,
        ("contacts", "updated_at"),
        ("computed", "computed_at"),
        ("ingests", "started_at"),
        ("forgotten", "forgotten_at"),
        ("migrations", "applied_at"),
        ("api_idempotency", "created_at"),
    ]


def write_times_in_utc(store: Store, earlier: set[str]) -> None:
    """Move the times an older version wrote in the shop's zone to UTC (see the module).
    `earlier`: the migrations recorded before this open; those the open has just recorded
    (all of them in a new store) are in UTC already and stay as they are."""
    if NAME in earlier:
        return
    tables = set(
        store.query("SELECT table_name FROM duckdb_tables() WHERE NOT temporary")["table_name"]
    )
    n = 0
    with store.transaction():
        if store.timezone != "UTC":
            zone = sql_str(store.timezone)
            for table, column in written_times():
                if table not in tables:
                    continue
                col = ident(column)
                where = f"{col} IS NOT NULL"
                if table == "migrations":  # only those an older version recorded
                    if not earlier:
                        continue
                    where += f" AND name IN ({', '.join(sql_str(m) for m in sorted(earlier))})"
                n += int(store.scalar(f"SELECT count(*) FROM {ident(table)} WHERE {where}"))
                store.execute(
                    f"UPDATE {ident(table)} SET {col} = timezone('UTC', timezone({zone}, {col})) "
                    f"WHERE {where}"
                )
        store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), ?)", [NAME, n])

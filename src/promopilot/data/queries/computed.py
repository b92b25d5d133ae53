"""Results computed from a store, kept in it under a key that names what they were computed
from (:func:`fingerprint` of the data and whatever else the caller adds): a later caller
asking with the same key gets the same result without computing it again.

The dashboard keeps its model quality here (``promopilot.serve.quality``): one value per
name, the latest (:func:`write`). The customer features keep their review sentiment scores
here (``promopilot.profile.kept_sentiment``): several values under one name, one per key, the
caller naming those to drop as it adds one (:func:`keys`, :func:`read_under`, :func:`put`). A
value is text (the caller encodes it).
"""

from __future__ import annotations

import hashlib

from promopilot.data.sql import ident
from promopilot.data.store import Store

TABLE = "computed"
#: tables a fingerprint leaves out: this one, the profile's kept segments (data.queries.segments)
#: and what no computation reads (contact data, the ingests' quarantined and flagged lines, the
#: API's idempotency keys)
NOT_FINGERPRINTED = frozenset(
    {TABLE, "profile_segments", "contacts", "quarantine", "flags", "api_idempotency"}
)


def fingerprint(store: Store) -> str:
    """A digest of every row of every table (but :data:`NOT_FINGERPRINTED`) in its place:
    any row added, removed, changed or moved gives another fingerprint. About 0.1 s for
    200,000 rows."""
    digest = hashlib.blake2b(digest_size=16)
    names = store.query(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name"
    )["table_name"]
    for name in names:
        if name in NOT_FINGERPRINTED:
            continue
        quoted = ident(str(name))
        # as text: the sum is a HUGEINT, more digits than a float holds
        summed = store.scalar(
            "SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(rowid, t)), 0)::VARCHAR "
            f"FROM {quoted} AS t"
        )
        digest.update(f"{name}\x1f{summed}\x1e".encode())
    return digest.hexdigest()


def read(store: Store, name: str, key: str) -> str | None:
    """The value kept for `name` under `key`, or None (none kept, another key, or a store
    opened read-only that has no such table)."""
    if not store.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [TABLE]
    ):
        return None
    return store.scalar(f"SELECT value FROM {TABLE} WHERE name = ? AND key = ?", [name, key])


def write(store: Store, name: str, key: str, value: str) -> None:
    """Keep `value` for `name` under `key`, in place of any value kept for `name` before."""
    with store.transaction():
        store.execute(f"DELETE FROM {TABLE} WHERE name = ?", [name])
        store.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, timezone('UTC', now()))",
            [name, key, value],
        )


def keys(store: Store, name: str) -> list[str]:
    """The keys of the values kept for `name`, the one written last first."""
    return [
        str(key)
        for key in store.query(
            f"SELECT key FROM {TABLE} WHERE name = ? ORDER BY computed_at DESC, rowid DESC",
            [name],
        )["key"]
    ]


def read_under(store: Store, name: str, prefix: str) -> str | None:
    """The value kept for `name` under a key that starts with `prefix` (the one written last),
    or None (as :func:`read`)."""
    if not store.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [TABLE]
    ):
        return None
    return store.scalar(
        f"SELECT value FROM {TABLE} WHERE name = ? AND starts_with(key, ?) "
        "ORDER BY computed_at DESC, rowid DESC LIMIT 1",
        [name, prefix],
    )


def put(store: Store, name: str, key: str, value: str, *, drop: list[str]) -> None:
    """Keep `value` for `name` under `key` beside the values kept for `name` under other keys,
    but those under `drop`, which go (in one transaction)."""
    with store.transaction():
        gone = [key, *drop]
        store.execute(
            f"DELETE FROM {TABLE} WHERE name = ? AND key IN ({', '.join('?' for _ in gone)})",
            [name, *gone],
        )
        store.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, timezone('UTC', now()))",
            [name, key, value],
        )

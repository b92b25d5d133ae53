"""Step 4 of ingest: drop repeats and find conflicts, within the file and against the store,
and keep forgotten customers out.

The same key with the same values adds nothing (re-ingesting is harmless); for history tables
the same key with other values is a conflict and is quarantined; reference tables take the
newer row.
"""

from __future__ import annotations

from promopilot.columns import CUSTOMER_ID
from promopilot.data.forgotten import FORGOTTEN
from promopilot.data.rawfile import sql_str
from promopilot.data.schema import TableSpec
from promopilot.data.staging import STAGE
from promopilot.data.store import Store


def _value_hash(spec: TableSpec, prefix: str) -> str:
    cols = [f"{prefix}{c.name}" for c in spec.stored_columns]
    return f"hash({', '.join(cols)})"


def _mark(store: Store, where: str, reason_sql: str, column: str) -> None:
    store.execute(
        f"UPDATE {STAGE} SET _err = {{'column': {sql_str(column)}, 'value': NULL, "
        f"'reason': {reason_sql}}} WHERE _err IS NULL AND ({where})"
    )


def dedupe_within_file(store: Store, spec: TableSpec) -> None:
    keys = ", ".join(f"t_{k}" for k in spec.key)
    h = _value_hash(spec, "t_")
    store.execute("DROP TABLE IF EXISTS ingest_dups")
    # hashes of keys seen more than once (cheap to group); equal hashes are then checked
    # on the keys themselves
    repeated = (
        f"SELECT h FROM (SELECT hash({keys}) AS h FROM {STAGE} WHERE _err IS NULL) "
        "GROUP BY h HAVING count(*) > 1"
    )
    store.execute(f"CREATE TEMP TABLE ingest_dups AS {repeated}")
    if not store.scalar("SELECT count(*) FROM ingest_dups"):
        return
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE ingest_dups AS SELECT _row, "
        f"{h} = first_value({h}) OVER w AS same, row_number() OVER w AS rn FROM {STAGE} "
        f"WHERE _err IS NULL AND hash({keys}) IN (SELECT h FROM ingest_dups) "
        f"WINDOW w AS (PARTITION BY {keys} ORDER BY _row)"
    )
    if not store.scalar("SELECT count(*) FROM ingest_dups"):
        return
    store.execute(
        f"UPDATE {STAGE} SET _skip = true WHERE _row IN "
        "(SELECT _row FROM ingest_dups WHERE rn > 1 AND same)"
    )
    key_text = ", ".join(spec.key)
    _mark(
        store,
        "_row IN (SELECT _row FROM ingest_dups WHERE rn > 1 AND NOT same)",
        sql_str(
            f"duplicate key ({key_text}) with other values than an earlier row of this "
            "file; the first row was kept"
        ),
        spec.key[0],
    )


def drop_forgotten(store: Store, spec: TableSpec) -> None:
    if CUSTOMER_ID not in spec.column_names or not store.scalar("SELECT count(*) FROM forgotten"):
        return
    # this reason wins over any other: a forgotten customer's rows are not kept even in
    # quarantine (their id and values are blanked there)
    store.execute(
        f"UPDATE {STAGE} SET _err = {{'column': 'customer_id', 'value': NULL, 'reason': "
        "'customer was forgotten on request; row not stored'} WHERE "
        + FORGOTTEN.format("t_customer_id")
    )
    store.execute(
        f"UPDATE {STAGE} SET t_customer_id = NULL WHERE _err.reason = "
        "'customer was forgotten on request; row not stored'"
    )


def against_store(store: Store, spec: TableSpec) -> int:
    """Compare with what is stored. Returns the number of changed reference rows (updates)."""
    join = " AND ".join(f's.t_{k} = t."{k}"' for k in spec.key)
    s_hash, t_hash = _value_hash(spec, "s.t_"), _value_hash(spec, "t.")
    store.execute("DROP TABLE IF EXISTS ingest_existing")
    store.execute(
        f"CREATE TEMP TABLE ingest_existing AS SELECT s._row, {s_hash} = {t_hash} AS same "
        f"FROM {STAGE} s JOIN {spec.name} t ON {join} WHERE s._err IS NULL AND NOT s._skip"
    )
    store.execute(
        f"UPDATE {STAGE} SET _skip = true WHERE _row IN "
        "(SELECT _row FROM ingest_existing WHERE same)"
    )
    if spec.history:
        _mark(
            store,
            "_row IN (SELECT _row FROM ingest_existing WHERE NOT same)",
            sql_str("conflicts with a stored row of the same key; history is never overwritten"),
            spec.key[0],
        )
        return 0
    changed = int(store.scalar("SELECT count(*) FROM ingest_existing WHERE NOT same"))
    if changed:
        keys = ", ".join(f'"{k}"' for k in spec.key)
        skeys = ", ".join(f"t_{k}" for k in spec.key)
        store.execute(
            f"DELETE FROM {spec.name} WHERE ({keys}) IN (SELECT ({skeys}) FROM {STAGE} WHERE "
            "_row IN (SELECT _row FROM ingest_existing WHERE NOT same))"
        )
    return changed

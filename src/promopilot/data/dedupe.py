"""Step 4 of ingest: drop repeats and find conflicts, within the file and against the store,
and keep forgotten customers out.

The same key with the same values adds nothing (re-ingesting is harmless); for history tables
the same key with other values is a conflict and is quarantined (except a review repeated with
a follow-up added, :func:`promopilot.data.followups.take_added_followups`; one repeated without
it adds nothing and one with another follow-up is quarantined saying so,
:func:`~promopilot.data.followups.settle_followups`; and the return lines
of a refund grown since, :func:`promopilot.data.partial_refunds.take_grown_refunds`); reference
tables take the newer row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from promopilot.columns import CUSTOMER_ID
from promopilot.data.followups import OTHER_FOLLOWUP, settle_followups, take_added_followups
from promopilot.data.forgotten import FORGOTTEN
from promopilot.data.partial_refunds import take_grown_refunds
from promopilot.data.rawfile import sql_str
from promopilot.data.schema import Column, TableSpec
from promopilot.data.staging import STAGE
from promopilot.data.store import Store


def _value_hash(spec: TableSpec, prefix: str) -> str:
    cols = [f"{prefix}{c.name}" for c in spec.stored_columns]
    return f"hash({', '.join(cols)})"


# a conflict's reason names the first column that differs and both values:
# "<what>: quantity is `9` in the file but `1` in the stored row; <outcome>"
_CONFLICT_DETAIL = re.compile(
    r": (\S+) is (?:`.*`|empty) in [^`]* but (?:`.*`|empty|another customer) in (.*?); "
)


# "a different follow-up (追评) for review R1 is already stored (since 2026-11-20): ..."
_FOLLOWUP_DETAIL = re.compile(
    re.escape(OTHER_FOLLOWUP) + r" for review .*? is already stored(?: \(since [0-9-]+\))?: "
)


def reason_kind(reasons: pd.Series) -> pd.Series:
    """Reasons as the ingest summary counts them: a conflict's values left out, so the
    conflicts of one column are one line (``quantity differs from the stored row``), and
    another follow-up's review and date (``a different follow-up (追评) for a stored
    review``)."""
    kinds = reasons.str.replace(
        _FOLLOWUP_DETAIL, OTHER_FOLLOWUP + " for a stored review: ", regex=True
    )
    return kinds.str.replace(_CONFLICT_DETAIL, r": \1 differs from \2; ", regex=True)


def _mark_conflicts(
    store: Store, spec: TableSpec, pairs: str, *, what: str, here: str, other: str, outcome: str
) -> None:
    """Quarantine the rows `pairs` selects (``_row``, ``n_<column>``: the row's values,
    ``o_<column>``: the values it conflicts with), naming the first column that differs, its
    value `here` and in `other`."""
    columns = [c for c in spec.stored_columns if c.name not in spec.key]

    def first_differing(value: Callable[[Column], str]) -> str:
        whens = " ".join(
            f"WHEN n_{c.name} IS DISTINCT FROM o_{c.name} THEN {value(c)}" for c in columns
        )
        return f"CASE {whens} END" if columns else "NULL"

    def shown(value: str) -> str:
        return f"coalesce('`' || {value} || '`', 'empty')"

    # the other row's customer is not named: forgetting that customer deletes the quarantine
    # rows of their id, not this row (another customer's), and no trace of them may be left
    old = f"CASE WHEN col = {sql_str(CUSTOMER_ID)} THEN 'another customer' ELSE {shown('old')} END"
    detail = (
        f"{sql_str(what + ': ')} || col || ' is ' || {shown('new')} || {sql_str(f' {here} but ')} "
        f"|| {old} || {sql_str(f' in {other}; ')}"
    )
    store.execute(
        f"UPDATE {STAGE} SET _err = {{'column': coalesce(c.col, {sql_str(spec.key[0])}), "
        f"'value': c.new, 'reason': CASE WHEN c.col IS NULL THEN {sql_str(what + '; ')} "
        f"ELSE {detail} END || {sql_str(outcome)}}} FROM (SELECT _row, "
        f"{first_differing(lambda c: sql_str(c.name))} AS col, "
        f"{first_differing(lambda c: _text(f'n_{c.name}', c.type))} AS new, "
        f"{first_differing(lambda c: _text(f'o_{c.name}', c.type))} AS old FROM ({pairs})) c "
        f"WHERE {STAGE}._row = c._row AND {STAGE}._err IS NULL"
    )


def dedupe_within_file(store: Store, spec: TableSpec) -> None:
    """Skip a row repeating an earlier one; quarantine one with the same key and other values.
    Rows skipped already (merged variant lines: :mod:`promopilot.data.variants`) take no part."""
    keys = ", ".join(f"t_{k}" for k in spec.key)
    h = _value_hash(spec, "t_")
    store.execute("DROP TABLE IF EXISTS ingest_dups")
    # hashes of keys seen more than once (cheap to group); equal hashes are then checked
    # on the keys themselves
    repeated = (
        f"SELECT h FROM (SELECT hash({keys}) AS h FROM {STAGE} WHERE _err IS NULL AND NOT _skip) "
        "GROUP BY h HAVING count(*) > 1"
    )
    store.execute(f"CREATE TEMP TABLE ingest_dups AS {repeated}")
    if not store.scalar("SELECT count(*) FROM ingest_dups"):
        return
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE ingest_dups AS SELECT _row, first_value(_row) OVER w "
        f"AS first, {h} = first_value({h}) OVER w AS same, row_number() OVER w AS rn FROM {STAGE} "
        f"WHERE _err IS NULL AND NOT _skip AND hash({keys}) IN (SELECT h FROM ingest_dups) "
        f"WINDOW w AS (PARTITION BY {keys} ORDER BY _row)"
    )
    if not store.scalar("SELECT count(*) FROM ingest_dups"):
        return
    store.execute(
        f"UPDATE {STAGE} SET _skip = true WHERE _row IN "
        "(SELECT _row FROM ingest_dups WHERE rn > 1 AND same)"
    )
    pairs = _pair_columns(spec, "s.t_{}", "f.t_{}")
    _mark_conflicts(
        store,
        spec,
        f"SELECT d._row, {pairs} FROM ingest_dups d "
        f"JOIN {STAGE} s ON s._row = d._row JOIN {STAGE} f ON f._row = d.first "
        "WHERE d.rn > 1 AND NOT d.same",
        what=f"duplicate key ({', '.join(spec.key)}) with other values than an earlier row of "
        "this file",
        here="in this row",
        other="the earlier row",
        outcome="the first row was kept",
    )


def _text(value: str, kind: str) -> str:
    """A stored value as a reason shows it: a whole number without ``.0`` (``9``, not ``9.0``)."""
    if kind == "float":
        return (
            f"CASE WHEN {value} = trunc({value}) AND abs({value}) < 1e15 "
            f"THEN CAST(CAST({value} AS BIGINT) AS VARCHAR) ELSE CAST({value} AS VARCHAR) END"
        )
    return f"CAST({value} AS VARCHAR)"


def _pair_columns(spec: TableSpec, new: str, old: str) -> str:
    """``n_<column>`` and ``o_<column>`` (`new`, `old`: templates of the column's name) of every
    stored column that is not the key."""
    return ", ".join(
        f"{new.format(c)} AS n_{c}, {old.format(c)} AS o_{c}"
        for c in (c.name for c in spec.stored_columns)
        if c not in spec.key
    )


def drop_forgotten(store: Store, spec: TableSpec) -> None:
    if CUSTOMER_ID not in spec.column_names or not store.scalar("SELECT count(*) FROM forgotten"):
        return
    # this reason wins over any other: a forgotten customer's rows are not kept even in
    # quarantine (their id and values are blanked there)
    forgotten = FORGOTTEN.format("t_customer_id")
    if "_id_text" in store.columns(STAGE):  # forgotten by an address stored as the id (old)
        for written in ("_id_text", "_id_email", "_id_phone"):  # as written, as ingest reads it
            forgotten += f" OR ({written} IS NOT NULL AND {FORGOTTEN.format(written)})"
    store.execute(
        f"UPDATE {STAGE} SET _err = {{'column': 'customer_id', 'value': NULL, 'reason': "
        "'customer was forgotten on request; row not stored'} WHERE " + forgotten
    )
    store.execute(
        f"UPDATE {STAGE} SET t_customer_id = NULL WHERE _err.reason = "
        "'customer was forgotten on request; row not stored'"
    )


# how the reason of a row in conflict with a stored row of the same key begins
CONFLICT = "conflicts with a stored row of the same key"


def against_store(store: Store, spec: TableSpec) -> int:
    """Compare with what is stored. Returns the number of changed reference rows (updates)."""
    join = " AND ".join(f's.t_{k} = t."{k}"' for k in spec.key)
    s_hash, t_hash = _value_hash(spec, "s.t_"), _value_hash(spec, "t.")
    store.execute("DROP TABLE IF EXISTS ingest_existing")
    keys = ", ".join(f"s.t_{k}" for k in spec.key)
    store.execute(
        f"CREATE TEMP TABLE ingest_existing AS SELECT s._row, {keys}, {s_hash} = {t_hash} AS same "
        f"FROM {STAGE} s JOIN {spec.name} t ON {join} WHERE s._err IS NULL AND NOT s._skip"
    )
    # the row that is stored already, not the return line staged from it (same _row): a line
    # refunded since an earlier export gets its return line though its sale adds nothing
    matched = " AND ".join(f"{STAGE}.t_{k} = e.t_{k}" for k in spec.key)
    store.execute(
        f"UPDATE {STAGE} SET _skip = true FROM ingest_existing e "
        f"WHERE e.same AND {STAGE}._row = e._row AND {matched}"
    )
    if spec.history:
        added = 0
        if spec.name == "reviews":  # a later export with a 追评 added: the stored row updated
            columns = [c.name for c in spec.stored_columns]
            added = take_added_followups(store, STAGE, spec.name, columns)
            settle_followups(store, STAGE, spec.name, columns)  # one 追评 per review
        if spec.name == "orders":  # a later export's refund grown: its return lines updated
            added = take_grown_refunds(store, STAGE)
        pairs = _pair_columns(spec, "s.t_{}", 't."{}"')
        _mark_conflicts(
            store,
            spec,
            f"SELECT s._row, {pairs} FROM {STAGE} s "
            f"JOIN {spec.name} t ON {join} "
            "WHERE s._row IN (SELECT _row FROM ingest_existing WHERE NOT same)",
            what=CONFLICT,
            here="in the file",
            other="the stored row",
            outcome="history is never overwritten",
        )
        return added
    changed = int(store.scalar("SELECT count(*) FROM ingest_existing WHERE NOT same"))
    if changed:
        keys = ", ".join(f'"{k}"' for k in spec.key)
        skeys = ", ".join(f"t_{k}" for k in spec.key)
        store.execute(
            f"DELETE FROM {spec.name} WHERE ({keys}) IN (SELECT ({skeys}) FROM {STAGE} WHERE "
            "_row IN (SELECT _row FROM ingest_existing WHERE NOT same))"
        )
    return changed

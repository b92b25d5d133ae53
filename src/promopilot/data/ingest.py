"""Ingest: files in, typed store tables out, and nothing lost on the way.

Every file goes through the same steps, all inside DuckDB (streamed, columnar):

1. read as text (all columns VARCHAR) into a staging table; rows DuckDB cannot split into the
   header's columns are kept by DuckDB's reject store with their line;
2. map the file's columns to a shop table (an *adapter* may compute them: UCI, Shopify, ...);
3. type and check every value in SQL; the first problem of a row becomes its quarantine reason;
4. drop repeats: the same key with the same values adds nothing (re-ingesting is harmless);
   for history tables the same key with other values is a conflict and is quarantined;
5. insert good rows, quarantine bad ones with file, line, column, value and reason.

For every file ``n_loaded + n_quarantined == n_read``. A whole ``ingest`` call is one
transaction: if the process dies half way, the store is as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from promopilot.data.schema import OFFER_KINDS, TABLES, TableSpec
from promopilot.data.store import Store
from promopilot.data.textfile import PreparedText, prepare_text
from promopilot.exceptions import InputError

RAW = "ingest_raw"
STAGE = "ingest_stage"
MAX_FLAG_EXAMPLES = 1000
TS_MIN, TS_MAX = "1970-01-01", "2100-01-01"
# values stored when a file leaves an optional column empty (applied after the checks)
DEFAULTS = {
    ("orders", "discount"): "coalesce(t_{0}, 0.0)",
    ("orders", "is_return"): "coalesce(t_{0}, false)",
    ("offers", "send_cost"): "coalesce(t_{0}, 0.0)",
    ("offers", "min_spend"): "coalesce(t_{0}, 0.0)",
}


@dataclass
class FileReport:
    """What happened to one file. ``n_loaded + n_quarantined == n_read`` always holds."""

    file: str
    table: str
    format: str
    n_read: int = 0
    n_loaded: int = 0  # accepted rows: new, updated or already stored
    n_new: int = 0  # rows that changed the store
    n_quarantined: int = 0
    n_flagged: int = 0  # kept, but referencing an unknown customer or product
    reasons: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        return sum(f.n_read for f in self.files)

    @property
    def n_loaded(self) -> int:
        return sum(f.n_loaded for f in self.files)

    @property
    def n_new(self) -> int:
        return sum(f.n_new for f in self.files)

    @property
    def n_quarantined(self) -> int:
        return sum(f.n_quarantined for f in self.files)

    @property
    def n_flagged(self) -> int:
        return sum(f.n_flagged for f in self.files)


# ---------------------------------------------------------------------------------------
# 1. reading raw text
# ---------------------------------------------------------------------------------------
@dataclass
class RawFile:
    """A file staged as text in table ``RAW``; knows how to turn staged rows into lines."""

    label: str
    columns: list[str]
    n_rows: int
    rejects: pd.DataFrame  # line, column, value, reason of rows DuckDB could not split
    header_lines: int = 1
    _nl_rows: np.ndarray | None = None  # staged rows that contain line breaks
    _nl_counts: np.ndarray | None = None
    # DuckDB numbers rejected rows by record (a quoted line break does not count): keep those
    # numbers and the line breaks inside each rejected row, to turn them into file lines
    _reject_records: np.ndarray | None = None
    _reject_nl: np.ndarray | None = None
    is_parquet: bool = False
    # What staging reads: the ``RAW`` table, or (lazy) a ``read_csv(...)`` call read once, straight
    # into the stage. A lazy file learns its row count and rejects when it is staged.
    source: str = RAW
    _prepared: PreparedText | None = None
    _csv_options: dict | None = None

    @property
    def lazy(self) -> bool:
        return self.source != RAW

    def close(self) -> None:
        """Remove the temporary UTF-8 copy a lazy file may still need (idempotent)."""
        if self._prepared is not None:
            self._prepared.cleanup()
            self._prepared = None

    def _records(self, rows: np.ndarray) -> np.ndarray:
        """DuckDB's record number (header = 1) of each staged row index."""
        records = rows + self.header_lines + 1
        if self._reject_records is not None and len(self._reject_records):
            slots = self._reject_records - np.arange(len(self._reject_records))
            records = records + np.searchsorted(slots, records, side="right")
        return records

    def _file_lines(self, records: np.ndarray) -> np.ndarray:
        """File line of each record number: add the line breaks held by earlier records."""
        starts: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        if self._nl_rows is not None and len(self._nl_rows):
            starts.append(self._records(self._nl_rows))
            counts.append(self._nl_counts)
        if self._reject_nl is not None and self._reject_nl.any():
            held = self._reject_nl > 0
            starts.append(self._reject_records[held])
            counts.append(self._reject_nl[held])
        if not starts:
            return records
        at, n = np.concatenate(starts), np.concatenate(counts)
        order = np.argsort(at, kind="stable")
        cumulative = np.concatenate([[0], np.cumsum(n[order])])
        return records + cumulative[np.searchsorted(at[order], records, side="left")]

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """File line number (1-based, header = line 1) of each staged row index."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.is_parquet:
            return rows + 1
        return self._file_lines(self._records(rows))


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_source(path: Path, *, delimiter: str, header: bool, names: list[str] | None,
                quote: str, rejects: str) -> str:
    """A ``read_csv`` call reading every column as text; unsplittable rows go to `rejects`."""
    options = [
        "all_varchar=true",
        f"delim={_sql_str(delimiter)}",
        f"header={'true' if header else 'false'}",
        "store_rejects=true",
        f"rejects_table='{rejects}'",
        f"rejects_scan='{rejects}_scan'",
        "max_line_size=10000000",
    ]
    if quote:
        options += [f"quote={_sql_str(quote)}", f"escape={_sql_str(quote)}"]
    else:
        options += ["quote=''", "escape=''"]
    if names:
        options.append("names=[" + ", ".join(_sql_str(n) for n in names) + "]")
    return f"read_csv({_sql_str(str(path))}, {', '.join(options)})"


def read_raw(
    store: Store,
    path: str | Path,
    *,
    delimiter: str = ",",
    header: bool = True,
    names: list[str] | None = None,
    quote: str = '"',
    encoding: str | None = None,
    lazy: bool = False,
) -> RawFile:
    """Stage a CSV or Parquet file as text in the ``RAW`` temporary table.

    With ``lazy=True`` a CSV is not copied into ``RAW``: only its header is read now, and
    :func:`load_table` reads the file once, straight into the stage (half the memory and a
    pass less for big files). The caller must :meth:`RawFile.close` it.
    """
    path = Path(path)
    store.execute(f"DROP TABLE IF EXISTS {RAW}")
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            store.execute(
                f"CREATE TEMP TABLE {RAW} AS SELECT COLUMNS(*)::VARCHAR "
                f"FROM read_parquet({_sql_str(str(path))})"
            )
        except Exception as error:  # duckdb raises several types for unreadable parquet
            raise InputError(f"{path}: cannot read as Parquet: {_first_line(error)}") from None
        columns = [r[0] for r in store.con.execute(f"DESCRIBE {RAW}").fetchall()]
        n_rows = int(store.scalar(f"SELECT count(*) FROM {RAW}"))
        empty = pd.DataFrame({"line": [], "column": [], "value": [], "reason": []})
        return RawFile(path.name, columns, n_rows, empty, is_parquet=True)

    prepared = prepare_text(path, encoding=encoding)
    options = dict(delimiter=delimiter, header=header, names=names, quote=quote)
    try:
        store.execute("DROP TABLE IF EXISTS ingest_rejects")
        store.execute("DROP TABLE IF EXISTS ingest_rejects_scan")
        source = _csv_source(prepared.path, rejects="ingest_rejects", **options)
        try:
            if lazy:
                columns = [r[0] for r in
                           store.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
            else:
                store.execute(f"CREATE TEMP TABLE {RAW} AS SELECT * FROM {source}")
                columns = [r[0] for r in store.con.execute(f"DESCRIBE {RAW}").fetchall()]
        except Exception as error:
            raise InputError(f"{path}: cannot read as a table: {_first_line(error)}") from None
        empty = pd.DataFrame({"line": [], "column": [], "value": [], "reason": []})
        raw = RawFile(path.name, columns, 0, empty, header_lines=1 if header else 0,
                      source=source if lazy else RAW, _prepared=prepared, _csv_options=options)
        if not lazy:
            raw.n_rows = int(store.scalar(f"SELECT count(*) FROM {RAW}"))
            _locate_rows(store, raw)
    except BaseException:
        prepared.cleanup()
        raise
    if not lazy:
        raw.close()
    return raw


def _locate_rows(store: Store, raw: RawFile) -> None:
    """After the file was read (``raw.n_rows`` known): collect the rows DuckDB rejected, and
    find rows whose quoted fields hold line breaks, to give every row its file line."""
    prepared = raw._prepared
    assert prepared is not None and raw._csv_options is not None
    # DuckDB may report several errors for one row (one per missing column): keep the first
    rejects = store.query(
        "SELECT DISTINCT ON (line) line, column_name AS \"column\", csv_line AS value, "
        "error_message AS reason, length(csv_line) - length(replace(csv_line, chr(10), '')) "
        "AS n_nl FROM ingest_rejects ORDER BY line, byte_position"
    )
    rejects["reason"] = rejects["reason"].map(_reject_reason)
    raw.rejects = rejects
    raw._reject_records = rejects["line"].to_numpy(dtype=np.int64)
    raw._reject_nl = rejects.pop("n_nl").fillna(0).to_numpy(dtype=np.int64)
    records = raw.n_rows + len(rejects) + raw.header_lines
    expected_newlines = records - (0 if prepared.ends_with_newline else 1)
    if prepared.n_newlines > expected_newlines:  # quoted fields hold line breaks
        text = " || ".join(f'coalesce("{c}", \'\')' for c in raw.columns)
        if raw.lazy:  # read the file again (rare: only files with quoted line breaks)
            store.execute("DROP TABLE IF EXISTS ingest_rejects_nl")
            store.execute("DROP TABLE IF EXISTS ingest_rejects_nl_scan")
            source = _csv_source(prepared.path, rejects="ingest_rejects_nl", **raw._csv_options)
            row = "row_number() OVER () - 1"
        else:
            source = RAW
            row = f"rowid - {int(store.scalar(f'SELECT coalesce(min(rowid), 0) FROM {RAW}'))}"
        nl = store.query(
            f"SELECT r, n FROM (SELECT {row} AS r, "
            f"length({text}) - length(replace({text}, chr(10), '')) AS n FROM {source}) "
            "WHERE n > 0 ORDER BY r"
        )
        raw._nl_rows = nl["r"].to_numpy(dtype=np.int64)
        raw._nl_counts = nl["n"].to_numpy(dtype=np.int64)
    raw.rejects["line"] = raw._file_lines(raw._reject_records)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _reject_reason(message: str) -> str:
    text = str(message).strip().splitlines()[0] if message else "unreadable row"
    return f"malformed CSV row: {text}"


# ---------------------------------------------------------------------------------------
# 2-3. mapping and typing
# ---------------------------------------------------------------------------------------
def match_columns(raw_columns: list[str], spec: TableSpec, label: str) -> dict[str, str]:
    """Map each spec column to a SQL expression over the raw file's columns (names are
    matched case-insensitively, surrounding spaces ignored). Missing required columns raise."""
    by_lower = {c.strip().lower(): c for c in raw_columns}
    mapping = {c.name: f'"{by_lower[c.name]}"' for c in spec.columns if c.name in by_lower}
    missing = [c for c in spec.required if c not in mapping]
    if spec.name == "reviews" and "review_id" in missing:
        missing.remove("review_id")
    if missing:
        found = ", ".join(raw_columns[:12]) + (" ..." if len(raw_columns) > 12 else "")
        raise InputError(
            f"{label}: missing required column(s) {', '.join(missing)} for table "
            f"'{spec.name}' (found: {found})"
        )
    return mapping


def _typed(kind: str, raw: str, timezone: str = "UTC") -> str:
    if kind == "float":
        return f"TRY_CAST({raw} AS DOUBLE)"
    if kind == "timestamp":
        # "2025-01-02 10:00:00 -0500" (Shopify's exports): DuckDB wants no space before a zone
        zoned = f"regexp_replace({raw}, '\\s+([+-]\\d\\d(:?\\d\\d)?|Z)$', '\\1')"
        with_zone = f"timezone('UTC', TRY_CAST({zoned} AS TIMESTAMPTZ))"
        if timezone != "UTC":  # naive text is read in the shop's zone (the session's TimeZone)
            return with_zone
        # A zone (Z, +08:00, -0500, UTC, Asia/Shanghai) can only follow the date: text without
        # a letter, + or - after it is naive, and the plain TIMESTAMP cast (5x faster) reads it
        # as UTC. TIMESTAMP ignores a zone, so text that may hold one takes the zone-aware cast.
        return (f"CASE WHEN regexp_matches(substr({raw}, 12), '[A-Za-z+-]') THEN {with_zone} "
                f"ELSE TRY_CAST({raw} AS TIMESTAMP) END")
    if kind == "bool":
        return (
            f"CASE WHEN lower({raw}) IN ('1','true','t','yes','y') THEN true "
            f"WHEN lower({raw}) IN ('0','false','f','no','n') THEN false END"
        )
    return raw


EXPECTED = {
    "float": "expected a number",
    "timestamp": "expected an ISO 8601 timestamp or date (e.g. 2026-08-28T14:03:00)",
    "bool": "expected true/false",
}


def _text(spec: TableSpec, name: str) -> str:
    """The staged column holding a column's trimmed text: ``r_<col>``, or for text columns,
    whose typed value is their text, ``t_<col>`` (staged once, not twice)."""
    return f"t_{name}" if spec.column(name).type == "str" else f"r_{name}"


def _checks(spec: TableSpec, present: set[str]) -> list[tuple[str, str, str]]:
    """(column, SQL condition that is true when the row is bad, reason) in priority order.
    Conditions refer to ``r_<col>`` (trimmed text) and ``t_<col>`` (typed value)."""
    checks: list[tuple[str, str, str]] = []
    for col in spec.columns:
        n = col.name
        if col.required and not (spec.name == "reviews" and n == "review_id"):
            checks.append((n, f"{_text(spec, n)} IS NULL",
                           f"missing value in required column {n}"))
        if n not in present:
            continue
        if col.type != "str":
            checks.append((n, f"r_{n} IS NOT NULL AND t_{n} IS NULL",
                           f"{EXPECTED[col.type]}"))
        if col.type == "timestamp":
            checks.append((n, f"t_{n} < TIMESTAMP '{TS_MIN}' OR t_{n} >= TIMESTAMP '{TS_MAX}'",
                           f"impossible timestamp: expected a date between {TS_MIN[:4]} and "
                           f"{TS_MAX[:4]}"))
        if col.type == "float":
            checks.append((n, f"isnan(t_{n}) OR isinf(t_{n})", "expected a finite number"))
        if col.nonneg:
            cond = f"t_{n} < 0"
            reason = f"negative {n}: expected a value >= 0"
            if spec.name == "orders" and n == "quantity":
                cond += " AND NOT coalesce(t_is_return, false)"
                reason = "negative quantity on a line that is not a return"
            checks.append((n, cond, reason))
    if spec.name == "offers":
        kinds = ", ".join(_sql_str(k) for k in OFFER_KINDS)
        checks.append(("kind", f"t_kind NOT IN ({kinds})",
                       "unknown offer kind: expected percent_off, amount_off or free_shipping"))
        checks.append(("value", "t_kind = 'percent_off' AND (t_value <= 0 OR t_value >= 1)",
                       "percent_off value must be a fraction between 0 and 1 (0.1 = 10% off)"))
    if spec.name == "reviews" and "rating" in present:
        checks.append(("rating", "t_rating < 1 OR t_rating > 5", "rating must be between 1 and 5"))
    if spec.name == "campaigns" and "propensity" in present:
        checks.append(("propensity", "t_propensity <= 0 OR t_propensity > 1",
                       "propensity must be a probability in (0, 1]"))
    if spec.name == "orders" and "is_return" in present:
        checks.append(("quantity", "coalesce(t_is_return, false) AND t_quantity > 0",
                       "a return line must have a negative quantity"))
    return checks


def _stage(store: Store, raw: RawFile, spec: TableSpec, mapping: Mapping[str, str]) -> None:
    """Create ``STAGE``: one row per staged raw row with typed columns and its first problem."""
    present = set(mapping)
    if raw.lazy:  # read in file order (insertion order is preserved)
        parts = ["row_number() OVER () - 1 AS _row"]
    else:
        # rowids of a table created inside a transaction do not start at 0: count from the first
        base = int(store.scalar(f"SELECT coalesce(min(rowid), 0) FROM {RAW}"))
        parts = [f"rowid - {base} AS _row"]
    for col in spec.columns:
        expr = mapping.get(col.name)
        if expr:
            x = f"CAST({expr} AS VARCHAR)"
            # trim only values that need it: checking the ends is twice as fast as trim()
            r = (f"CASE WHEN {x} LIKE ' %' OR {x} LIKE '% ' THEN NULLIF(trim({x}), '') "
                 f"ELSE NULLIF({x}, '') END")
        else:
            r = "CAST(NULL AS VARCHAR)"
        parts.append(f"{r} AS {_text(spec, col.name)}")
    inner = f"SELECT {', '.join(parts)} FROM {raw.source}"
    typed = ", ".join(f"{_typed(c.type, f'r_{c.name}', store.timezone)} AS t_{c.name}"
                      for c in spec.columns if c.type != "str")
    checks = _checks(spec, present)
    case = " ".join(
        f"WHEN {cond} THEN {{'column': {_sql_str(col)}, 'value': {_text(spec, col)}, "
        f"'reason': {_sql_str(reason)}}}"
        for col, cond, reason in checks
    )
    store.execute(f"DROP TABLE IF EXISTS {STAGE}")
    replaced = [f"{expr.format(col)} AS t_{col}" for (table, col), expr in DEFAULTS.items()
                if table == spec.name]
    # the text of a typed column is kept only where typing failed (for the quarantine; the
    # checks above see all of it): a whole column of timestamp text is a lot of memory
    replaced += [f"CASE WHEN t_{c.name} IS NULL THEN r_{c.name} END AS r_{c.name}"
                 for c in spec.columns if c.type != "str"]
    replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
    sql = (f"CREATE TEMP TABLE {STAGE} AS SELECT *{replace}, CASE {case} END AS _err, "
           f"false AS _skip FROM (SELECT *{', ' + typed if typed else ''} FROM ({inner}))")
    if raw.lazy:
        try:
            store.execute(sql)
        except duckdb.Error as error:
            raise InputError(f"{raw.label}: cannot read as a table: {_first_line(error)}"
                             ) from None
        raw.n_rows = int(store.scalar(f"SELECT count(*) FROM {STAGE}"))
        _locate_rows(store, raw)
        raw.close()
    else:
        store.execute(sql)
    if spec.name == "reviews":  # review_id, else derived from (customer, product, timestamp)
        store.execute(
            f"UPDATE {STAGE} SET t_review_id = 'r-' || md5(concat_ws('|', t_customer_id, "
            f"t_product_id, coalesce(CAST(t_timestamp AS VARCHAR), ''))) WHERE t_review_id IS NULL"
        )


# ---------------------------------------------------------------------------------------
# 4-5. de-duplication, conflicts, writing
# ---------------------------------------------------------------------------------------
def _value_hash(spec: TableSpec, prefix: str) -> str:
    cols = [f"{prefix}{c.name}" for c in spec.stored_columns]
    return f"hash({', '.join(cols)})"


def _mark(store: Store, where: str, reason_sql: str, column: str) -> None:
    store.execute(
        f"UPDATE {STAGE} SET _err = {{'column': {_sql_str(column)}, 'value': NULL, "
        f"'reason': {reason_sql}}} WHERE _err IS NULL AND ({where})"
    )


def _dedupe_within_file(store: Store, spec: TableSpec) -> None:
    keys = ", ".join(f"t_{k}" for k in spec.key)
    h = _value_hash(spec, "t_")
    store.execute("DROP TABLE IF EXISTS ingest_dups")
    # hashes of keys seen more than once (cheap to group); equal hashes are then checked
    # on the keys themselves
    repeated = (f"SELECT h FROM (SELECT hash({keys}) AS h FROM {STAGE} WHERE _err IS NULL) "
                "GROUP BY h HAVING count(*) > 1")
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
    _mark(store, "_row IN (SELECT _row FROM ingest_dups WHERE rn > 1 AND NOT same)",
          _sql_str(f"duplicate key ({key_text}) with other values than an earlier row of this "
                   "file; the first row was kept"), spec.key[0])


FORGOTTEN = "sha256('promopilot:' || {0}) IN (SELECT customer_hash FROM forgotten)"


def _forgotten(store: Store, spec: TableSpec) -> None:
    if "customer_id" not in spec.column_names or not store.scalar("SELECT count(*) FROM forgotten"):
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


def _against_store(store: Store, spec: TableSpec) -> int:
    """Compare with what is stored. Returns the number of changed reference rows (updates)."""
    join = " AND ".join(f's.t_{k} = t."{k}"' for k in spec.key)
    s_hash, t_hash = _value_hash(spec, "s.t_"), _value_hash(spec, 't.')
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
        _mark(store, "_row IN (SELECT _row FROM ingest_existing WHERE NOT same)",
              _sql_str("conflicts with a stored row of the same key; history is never "
                       "overwritten"), spec.key[0])
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


def _flag_unknown(store: Store, spec: TableSpec, raw: RawFile, ingest_id: int) -> int:
    refs = [("customer_id", "customers"), ("product_id", "products")]
    total = 0
    for col, ref in refs:
        if col not in spec.column_names or spec.name == ref:
            continue
        if not store.scalar(f"SELECT count(*) FROM {ref}"):
            continue  # the shop gave no such table: nothing to check against
        where = (f"_err IS NULL AND t_{col} IS NOT NULL AND t_{col} NOT IN "
                 f"(SELECT {col} FROM {ref})")
        n = int(store.scalar(f"SELECT count(*) FROM {STAGE} WHERE {where}"))
        if not n:
            continue
        total += n
        sample = store.query(
            f"SELECT _row, t_{col} AS value, t_customer_id AS customer_id FROM {STAGE} "
            f"WHERE {where} ORDER BY _row LIMIT {MAX_FLAG_EXAMPLES}"
        ) if "customer_id" in spec.column_names else store.query(
            f"SELECT _row, t_{col} AS value, NULL AS customer_id FROM {STAGE} WHERE {where} "
            f"ORDER BY _row LIMIT {MAX_FLAG_EXAMPLES}"
        )
        sample["line"] = raw.lines(sample["_row"].to_numpy())
        reason = f"unknown {col.removesuffix('_id')}: not in {ref}; row kept"
        flags = pd.DataFrame({
            "ingest_id": ingest_id, "file": raw.label, "table": spec.name,
            "line": sample["line"], "column": col, "value": sample["value"], "reason": reason,
            "customer_id": sample["customer_id"],
        })
        store.con.register("ingest_flags_df", flags)
        store.execute("INSERT INTO flags SELECT * FROM ingest_flags_df")
        store.con.unregister("ingest_flags_df")
    return total


def _write_quarantine(store: Store, spec: TableSpec, raw: RawFile, ingest_id: int
                      ) -> pd.Series:
    """Write the quarantined rows; return the reason of each staged one (rejects excluded)."""
    stored = [c.name for c in spec.columns if not c.contact]
    raw_json = "to_json({" + ", ".join(
        f"'{c}': {_text(spec, c)}" if spec.column(c).type == "str"
        else f"'{c}': coalesce(r_{c}, CAST(t_{c} AS VARCHAR))" for c in stored) + "})"
    bad = store.query(
        f"SELECT _row, _err.column AS \"column\", _err.value AS value, _err.reason AS reason, "
        f"t_customer_id AS customer_id, {raw_json} AS raw FROM {STAGE} WHERE _err IS NOT NULL "
        "ORDER BY _row"
    ) if "customer_id" in spec.column_names else store.query(
        f"SELECT _row, _err.column AS \"column\", _err.value AS value, _err.reason AS reason, "
        f"NULL AS customer_id, {raw_json} AS raw FROM {STAGE} WHERE _err IS NOT NULL ORDER BY _row"
    )
    contact = {c.name for c in spec.contact_columns}
    bad.loc[bad["column"].isin(contact), "value"] = None  # never keep contact data here
    forgotten = bad["reason"].str.startswith("customer was forgotten")
    bad.loc[forgotten, ["value", "raw"]] = None
    frames = [pd.DataFrame({
        "ingest_id": ingest_id, "file": raw.label, "table": spec.name,
        "line": raw.lines(bad["_row"].to_numpy()), "column": bad["column"], "value": bad["value"],
        "reason": bad["reason"], "customer_id": bad["customer_id"], "raw": bad["raw"],
    })]
    if len(raw.rejects):
        rej = raw.rejects
        # an unsplittable row's value is its whole text: drop it where the file has contact
        # data (a shop table with contact columns, or an export with e-mails or phones)
        has_contacts = bool(contact) or any(
            word in c.strip().lower() for c in raw.columns for word in ("email", "e-mail", "phone")
        )
        frames.append(pd.DataFrame({
            "ingest_id": ingest_id, "file": raw.label, "table": spec.name, "line": rej["line"],
            "column": rej["column"], "value": None if has_contacts else rej["value"],
            "reason": rej["reason"], "customer_id": None, "raw": None,
        }))
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else None
    if out is None:
        return bad["reason"]
    store.con.register("ingest_quarantine_df", out)
    store.execute(
        'INSERT INTO quarantine SELECT ingest_id, file, "table", CAST(line AS BIGINT), "column", '
        "CAST(value AS VARCHAR), reason, CAST(customer_id AS VARCHAR), CAST(raw AS VARCHAR) "
        "FROM ingest_quarantine_df"
    )
    store.con.unregister("ingest_quarantine_df")
    return bad["reason"]


def load_table(
    store: Store,
    raw: RawFile,
    spec: TableSpec,
    mapping: Mapping[str, str],
    *,
    ingest_id: int,
    fmt: str,
) -> FileReport:
    """Validate the staged raw file as `spec` and write it. Runs inside the caller's transaction."""
    report = FileReport(raw.label, spec.name, fmt)
    _stage(store, raw, spec, mapping)
    _forgotten(store, spec)
    _dedupe_within_file(store, spec)
    updated = _against_store(store, spec)
    report.n_flagged = _flag_unknown(store, spec, raw, ingest_id)
    bad_reasons = _write_quarantine(store, spec, raw, ingest_id)

    cols = ", ".join(f'"{c.name}"' for c in spec.stored_columns)
    values = ", ".join(f"t_{c.name}" for c in spec.stored_columns)
    extra_cols = "" if spec.history else ", updated_at"
    extra_vals = "" if spec.history else ", now()::TIMESTAMP"
    good = f"FROM {STAGE} WHERE _err IS NULL AND NOT _skip"
    # in file order without a sort: the stage is in _row order and insertion order is kept
    report.n_new = int(store.scalar(  # an INSERT's result is the number of rows inserted
        f"INSERT INTO {spec.name} ({cols}{extra_cols}, ingest_id) "
        f"SELECT {values}{extra_vals}, {ingest_id} {good}"
    ))
    if spec.contact_columns and any(c.name in mapping for c in spec.contact_columns):
        latest = (f"FROM {STAGE} WHERE _err IS NULL QUALIFY row_number() OVER "
                  "(PARTITION BY t_customer_id ORDER BY _row DESC) = 1")
        store.execute(f"DELETE FROM contacts WHERE customer_id IN (SELECT t_customer_id {latest})")
        store.execute(
            f"INSERT INTO contacts SELECT t_customer_id, t_email, t_phone, t_name, "
            f"now()::TIMESTAMP, {ingest_id} {latest}"
        )
    report.n_read = raw.n_rows + len(raw.rejects)
    report.n_quarantined = len(bad_reasons) + len(raw.rejects)
    report.n_loaded = report.n_read - report.n_quarantined
    if updated:
        report.notes.append(f"{updated} stored row(s) updated with newer values")
    report.reasons = {str(r): int(n) for r, n in bad_reasons.value_counts().items()}
    for reason, n in raw.rejects["reason"].value_counts().items():
        report.reasons[reason] = report.reasons.get(reason, 0) + int(n)
    store.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)",
        [ingest_id, raw.label, spec.name, fmt, report.n_read, report.n_loaded, report.n_new,
         report.n_quarantined, report.n_flagged],
    )
    store.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return report


def next_ingest_id(store: Store) -> int:
    return int(store.scalar("SELECT nextval('ingest_seq')"))


# ---------------------------------------------------------------------------------------
# shop folder
# ---------------------------------------------------------------------------------------
TABLE_FILE_SUFFIXES = (".csv", ".parquet", ".pq", ".tsv", ".txt")


def shop_table_for(path: Path) -> str | None:
    """The shop table a file of a shop folder holds, from its name (``orders.csv``)."""
    stem = path.name.lower()
    for suffix in TABLE_FILE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem if stem in TABLES else None


def ingest_shop_file(store: Store, path: Path, table: str, *, fmt: str = "shop") -> FileReport:
    """One file of a shop folder into its table (inside the caller's transaction)."""
    spec = TABLES[table]
    raw = read_raw(store, path, delimiter="\t" if path.suffix.lower() == ".tsv" else ",",
                   lazy=True)
    try:
        raw.label = str(path)
        mapping = match_columns(raw.columns, spec, str(path))
        return load_table(store, raw, spec, mapping, ingest_id=next_ingest_id(store), fmt=fmt)
    finally:
        raw.close()


Adapter = Callable[[Store, Path], list[FileReport]]


def ingest(
    store: Store,
    path: str | Path,
    *,
    format: str = "auto",
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest a shop folder, one shop file, or an export in a known layout.

    Parameters
    ----------
    store : Store
    path : a file or folder
    format : ``auto`` (detect), ``shop`` (shop folder or one of its files), or an importer's
        name: ``uci``, ``shopify``, ``movielens``.
    progress : called with each file's name before it is read.

    The whole call is one transaction: either every file is in, or none is.
    """
    from promopilot.data.importers import IMPORTERS, detect_format

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in IMPORTERS:
        raise InputError(
            f"unknown format {fmt!r}: expected auto, {', '.join(sorted(IMPORTERS))}"
        )
    report = IngestReport()
    with store.transaction():
        report.files.extend(IMPORTERS[fmt](store, path, progress))
    return report

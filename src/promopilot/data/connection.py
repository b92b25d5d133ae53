"""Opening the store's DuckDB file: the connection with the store's settings and tables, and
the refusal of a file that `promopilot serve` holds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb

from promopilot.data.schema import DDL, TABLES
from promopilot.data.sql import sql_str
from promopilot.exceptions import InputError, PromopilotError

# `promopilot serve` writes `<db>.serve` (pid, url) while it is the store's one writer
SERVE_MARKER_SUFFIX = ".serve"


def connect(
    path: str, timezone: str, tmp: str, options: dict[str, Any]
) -> duckdb.DuckDBPyConnection:
    """A connection to the database file `path` (or ``":memory:"``) with the store's resource
    `options` (memory_limit, threads, read_only), its temporary folder `tmp` and the shop's
    `timezone`; opened for writing, it has every table of the schema."""
    try:
        con = duckdb.connect(path, read_only=options["read_only"])
    except duckdb.Error as error:
        raise InputError(f"{path}: cannot open the store: {error}") from None
    con.execute(f"SET memory_limit='{options['memory_limit']}'")
    con.execute(f"SET threads={int(options['threads'])}")
    con.execute(f"SET temp_directory='{tmp}'")
    con.execute("SET preserve_insertion_order=true")
    # naive timestamps in files are read in the shop's zone; the store keeps UTC
    try:
        con.execute(f"SET TimeZone={sql_str(timezone)}")
    except duckdb.Error:
        con.close()
        raise InputError(
            f"timezone {timezone!r} (the timezone setting) is not a time zone name: "
            "expected one such as 'Asia/Shanghai', 'Europe/Berlin' or 'UTC'"
        ) from None
    if not options["read_only"]:
        for statement in DDL:
            con.execute(statement)
    return con


def missing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The shop tables' columns (``offers.max_discount``, ``campaigns.group``,
    ``campaigns.coupon_code``) a store an older version made does not have yet: opening it for
    writing adds them (:data:`DDL`); a read-only open cannot (the store opens it for writing
    first), so no query needs to ask whether a column is there."""
    have: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    return [
        f"{name}.{c.name}"
        for name, spec in TABLES.items()
        if name in have
        for c in spec.stored_columns
        if c.name not in have[name]
    ]


def refuse_if_served(path: str) -> None:
    """One line naming the running server instead of DuckDB's lock error."""
    try:
        marker = json.loads(Path(path + SERVE_MARKER_SUFFIX).read_text(encoding="utf-8"))
        pid = int(marker["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # no marker (or an unreadable one)
    if pid == os.getpid():
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return  # a stale marker: the server is gone
    except PermissionError:
        pass  # alive, run by another user
    raise PromopilotError(
        f"{path} is in use by `promopilot serve` (pid {pid}, {marker.get('url', '?')}): "
        "post data through its API, or stop it first"
    )

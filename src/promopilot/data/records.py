"""JSON records posted to the HTTP API (``/v1/events``, ``/v1/orders``) into the store.

A batch goes through the same checks as a shop file: the records are written to a temporary
Parquet file of text columns and loaded by the ingest path (:func:`ingest_shop_file`), so typing,
range checks, repeats, conflicts with stored history and forgotten customers are handled exactly
as for files. Items the ingest quarantines come back as ``{"index", "field", "reason"}``; good
items are stored even when others in the batch are rejected.

An ``Idempotency-Key`` makes a retry safe: the key, a hash of the body and the answer are stored
in the same transaction as the records, and a retry with the same key gets the same answer
without storing anything twice.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from promopilot.config import load_settings
from promopilot.data.ingest import ingest_shop_file
from promopilot.data.schema import TABLES
from promopilot.data.store import Store
from promopilot.exceptions import InputError, PromopilotError

POSTABLE = ("events", "orders")
THOUSANDS_SHAPE = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{3})+")
MAX_KEY_LENGTH = 200
IDEMPOTENCY_DDL = """CREATE TABLE IF NOT EXISTS api_idempotency (
    endpoint VARCHAR, key VARCHAR, body_hash VARCHAR, response VARCHAR, created_at TIMESTAMP,
    PRIMARY KEY (endpoint, key))"""


class IdempotencyConflictError(PromopilotError):
    """An ``Idempotency-Key`` was used again with a different body."""


@dataclass
class RecordsResult:
    """What happened to a posted batch."""

    accepted: int
    rejected: list[dict[str, Any]] = field(default_factory=list)
    replayed: bool = False  # True when an earlier answer was returned for the same key

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": self.rejected}


def _text(value: Any) -> str | None:
    """A JSON scalar as the text a shop file would hold (None stays empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # refused by the typed checks ("nan", "inf")
    text = str(value)
    if isinstance(value, float) and THOUSANDS_SHAPE.fullmatch(text):
        # a JSON number is a number: 1.299 must not read as 1,299 in a batch whose text values
        # write decimal commas ("39,90"), as it would in such a file; 1.2990 reads as 1.299
        text += "0"
    return text


def _prechecks(table: str, items: list[dict[str, Any]]) -> tuple[list[int], list[dict]]:
    """Items that can be staged, and rejections the ingest cannot express (a value that is not
    a JSON scalar, a required field that is absent)."""
    spec = TABLES[table]
    required = spec.required
    keep: list[int] = []
    rejected: list[dict] = []
    for index, item in enumerate(items):
        nested = next((k for k, v in item.items() if isinstance(v, dict | list)), None)
        missing = next((c for c in required if item.get(c) in (None, "")), None)
        if nested is not None:
            rejected.append(
                {
                    "index": index,
                    "field": str(nested),
                    "reason": "expected a single value, got a list or object",
                }
            )
        elif missing is not None:
            rejected.append({"index": index, "field": missing, "reason": "required"})
        else:
            keep.append(index)
    return keep, rejected


def _body_hash(table: str, items: list[dict[str, Any]]) -> str:
    text = json.dumps([table, items], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stage_file(table: str, items: list[dict[str, Any]], keep: list[int], folder: Path) -> Path:
    """The kept items as a Parquet file of text columns named as in the shop folder."""
    spec = TABLES[table]
    columns = {
        c.name: pa.array([_text(items[i].get(c.name)) for i in keep], type=pa.string())
        for c in spec.columns
    }
    path = folder / f"{table}.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def store_records(
    store: Store, table: str, items: list[dict[str, Any]], *, idempotency_key: str | None = None
) -> RecordsResult:
    """Validate `items` as rows of shop table `table` and store the good ones.

    Parameters
    ----------
    store : a writable store.
    table : ``"events"`` or ``"orders"``.
    items : JSON objects with the shop-folder columns of `table` (unknown fields are ignored).
    idempotency_key : optional; the same key with the same items returns the first answer and
        stores nothing again; with other items it raises :class:`IdempotencyConflictError`.

    Returns
    -------
    RecordsResult with ``accepted`` (items stored or already stored) and ``rejected``
    (``{"index", "field", "reason"}`` per refused item, in item order).
    """
    if table not in POSTABLE:
        raise InputError(f"records can be posted to {', '.join(POSTABLE)}, not {table!r}")
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise InputError(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    body_hash = _body_hash(table, items)
    store.execute(IDEMPOTENCY_DDL)
    with store.transaction():
        if idempotency_key is not None:
            seen = store.query(
                "SELECT body_hash, response FROM api_idempotency WHERE endpoint = ? AND key = ?",
                [table, idempotency_key],
            )
            if len(seen):
                if seen["body_hash"].iloc[0] != body_hash:
                    raise IdempotencyConflictError(
                        "this Idempotency-Key was already used with a different body"
                    )
                answer = json.loads(seen["response"].iloc[0])
                return RecordsResult(answer["accepted"], answer["rejected"], replayed=True)
        result = _load(store, table, items)
        if idempotency_key is not None:
            store.execute(
                "INSERT INTO api_idempotency VALUES (?, ?, ?, ?, timezone('UTC', now()))",
                [
                    table,
                    idempotency_key,
                    body_hash,
                    json.dumps(result.to_dict(), ensure_ascii=False),
                ],
            )
    return result


def _load(store: Store, table: str, items: list[dict[str, Any]]) -> RecordsResult:
    keep, rejected = _prechecks(table, items)
    if keep:
        with tempfile.TemporaryDirectory(prefix="promopilot-records-") as folder:
            path = _stage_file(table, items, keep, Path(folder))
            # timestamps are read as a file's are (the batch's format detected from its
            # values; day-first or month-first decided by the date_format setting)
            previous = store.date_format_setting
            store.date_format_setting = load_settings().date_format or None
            try:
                ingest_shop_file(store, path, table, fmt="api")
            except InputError as error:  # e.g. dates that could be day-first or month-first
                message = (
                    str(error)
                    .replace(str(path), f"the posted {table}")
                    .replace(", or set date_format in promopilot.toml", "")
                    .replace(
                        "pass --date-format ",
                        "send ISO 8601, or set date_format in promopilot.toml to ",
                    )
                )
                raise InputError(message) from None
            finally:
                store.date_format_setting = previous
            # quarantined rows carry the staged file's line: Parquet line = row + 1
            bad = store.query(
                'SELECT line, "column", reason FROM quarantine WHERE file = ? ORDER BY line',
                [str(path)],
            )
        for line, column, reason in bad.itertuples(index=False):
            rejected.append(
                {
                    "index": keep[int(line) - 1],
                    "field": column or "",
                    "reason": str(reason).replace("this file", "this batch"),
                }
            )
    rejected.sort(key=lambda r: r["index"])
    return RecordsResult(len(items) - len(rejected), rejected)

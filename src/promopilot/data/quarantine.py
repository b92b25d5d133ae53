"""Step 5 of ingest, the bad side: quarantine rows with file, line, column, value and reason,
and flag kept rows that reference unknown customers or products. Contact data never goes in.
A row already recorded for the same file (re-ingested) is not recorded again: the same file,
table, line, column and value, whatever its reason says (:data:`SAME_ROW`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from promopilot.columns import CUSTOMER_ID, PRODUCT_ID
from promopilot.data import contact_ids, review_text, synonyms
from promopilot.data.rawfile import RawFile
from promopilot.data.row_checks import text_column
from promopilot.data.schema import TableSpec
from promopilot.data.staging import STAGE
from promopilot.data.store import Store

MAX_FLAG_EXAMPLES = 1000
# a row already recorded for the same file and table is not recorded again (re-ingesting adds
# nothing): the same cell (line and column) holding the same value. Not its reason, which is
# wording: a workbook's reasons end with the cell as Excel names it ('; at row 6, column F
# (Qty)') where an older version wrote the reason alone, and a store it wrote got every
# quarantined and flagged row again. NULL values match NULL values
SAME_ROW = ("file", "table", "line", "column", "value")
_SAME_ROW = " AND ".join(f'old."{c}" IS NOT DISTINCT FROM new."{c}"' for c in SAME_ROW)


def _insert_new(store: Store, table: str, frame: pd.DataFrame, select: str) -> None:
    """Insert ``select`` (over ``frame``, seen as ``new``) into `table`, less the rows `table`
    already holds for the same file, table, line, column and value (:data:`SAME_ROW`): a row
    recorded before keeps its first reason."""
    with store.frame("ingest_bad_rows_df", frame):
        store.execute(
            f"INSERT INTO {table} SELECT * FROM (SELECT {select} FROM ingest_bad_rows_df) AS new "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS old WHERE {_SAME_ROW})"
        )


def at_cell(raw: RawFile, lines, columns, reasons: pd.Series) -> pd.Series:
    """The reasons of rows of a workbook, each ending with its cell as Excel names it
    (``...; at row 7, column C (Qty)``); a text file's as they are (its line is the row's)."""
    if not raw.cells.workbook or not len(reasons):
        return reasons
    cells = [
        raw.where(int(line), None if pd.isna(column) else str(column))
        for line, column in zip(lines, columns, strict=True)
    ]
    return reasons.astype(str) + "; at " + pd.Series(cells, index=reasons.index)


def stored_file(label: str) -> str:
    """The file as recorded in ``quarantine`` and ``flags``: its absolute path where it is a
    path, so the same file given as ``./shop`` or ``/home/me/shop`` is one file (re-ingesting
    it records nothing again)."""
    path = Path(label)
    return str(path.resolve()) if path.exists() else label


def flag_unknown(store: Store, spec: TableSpec, raw: RawFile, ingest_id: int) -> int:
    refs = [(CUSTOMER_ID, "customers"), (PRODUCT_ID, "products")]
    total = 0
    for col, ref in refs:
        if col not in spec.column_names or spec.name == ref:
            continue
        if not store.scalar(f"SELECT count(*) FROM {ref}"):
            continue  # the shop gave no such table: nothing to check against
        where = f"_err IS NULL AND t_{col} IS NOT NULL AND t_{col} NOT IN (SELECT {col} FROM {ref})"
        n = int(store.scalar(f"SELECT count(*) FROM {STAGE} WHERE {where}"))
        if not n:
            continue
        total += n
        sample = (
            store.query(
                f"SELECT _row, t_{col} AS value, t_customer_id AS customer_id FROM {STAGE} "
                f"WHERE {where} ORDER BY _row LIMIT {MAX_FLAG_EXAMPLES}"
            )
            if CUSTOMER_ID in spec.column_names
            else store.query(
                f"SELECT _row, t_{col} AS value, NULL AS customer_id FROM {STAGE} WHERE {where} "
                f"ORDER BY _row LIMIT {MAX_FLAG_EXAMPLES}"
            )
        )
        sample["line"] = raw.lines(sample["_row"].to_numpy())
        reason = f"unknown {col.removesuffix('_id')}: not in {ref}; row kept"
        reasons = pd.Series(reason, index=sample.index)
        flags = pd.DataFrame(
            {
                "ingest_id": ingest_id,
                "file": stored_file(raw.label),
                "table": spec.name,
                "line": sample["line"],
                "column": col,
                "value": sample["value"],
                "reason": at_cell(raw, sample["line"], [col] * len(sample), reasons),
                CUSTOMER_ID: sample[CUSTOMER_ID],
            }
        )
        _insert_new(store, "flags", flags, "*")
    return total


def masked_value(value: str, column: str) -> str:
    """SQL: a rejected row's value (`value`, of the column named by `column`) as the quarantine
    keeps it: an e-mail address or phone number in it written ``***``
    (:func:`promopilot.data.review_text.masked_sql`, a bad date ``call 138 0013 8000`` as
    ``call ***``); an id (:data:`promopilot.data.contact_ids.ID_COLUMNS`) as it is, as ingest
    stores it, but ``***`` where ingest reads it as an address or number (the migration of
    older stores' rows, :func:`promopilot.data.text_migration.rejected_changes`, writes them
    alike)."""
    text = f"trim({value})"
    contact = (
        f"{contact_ids.email_sql(text)} IS NOT NULL OR {contact_ids.phone_sql(text)} IS NOT NULL"
    )
    ids = ", ".join(f"'{c}'" for c in contact_ids.ID_COLUMNS)
    return (
        f"CASE WHEN {column} IN ({ids}) THEN CASE WHEN {contact} THEN '***' ELSE {value} END "
        f"ELSE {review_text.masked_sql(value)} END"
    )


def write_quarantine(store: Store, spec: TableSpec, raw: RawFile, ingest_id: int) -> pd.Series:
    """Write the quarantined rows; return the reason of each staged one (rejects excluded).
    Contact data never goes in: a contact column's value is left empty, and an e-mail address
    or phone number anywhere else in a row (a bad date's cell, a note or description in its raw
    row, a conflict's reason quoting a value) is written ``***`` (:func:`masked_value`,
    :func:`promopilot.data.review_text.masked_sql`), so the owner finds the row by its file,
    line, column and reason."""
    stored = [c.name for c in spec.columns if not c.contact]
    raw_json = (
        "to_json({"
        + ", ".join(
            f"'{c}': {text_column(spec, c)}"
            if spec.column(c).type == "str"
            else f"'{c}': coalesce(r_{c}, CAST(t_{c} AS VARCHAR))"
            for c in stored
        )
        + "})"
    )
    customer = "t_customer_id" if CUSTOMER_ID in spec.column_names else "NULL"
    rejected = (
        f'SELECT _row, _err.column AS "column", _err.value AS value, _err.reason AS reason, '
        f"{customer} AS customer_id, CAST({raw_json} AS VARCHAR) AS raw FROM {STAGE} "
        "WHERE _err IS NOT NULL"
    )
    value = masked_value("value", '"column"')
    bad = store.query(
        f'SELECT _row, "column", {value} AS value, {review_text.masked_sql("reason")} AS reason, '
        f"customer_id, {review_text.masked_sql('raw')} AS raw FROM ({rejected}) ORDER BY _row"
    )
    contact = {c.name for c in spec.contact_columns}
    bad.loc[bad["column"].isin(contact), "value"] = None  # never keep contact data here
    forgotten = bad["reason"].str.startswith("customer was forgotten")
    bad.loc[forgotten, ["value", "raw"]] = None
    lines = raw.lines(bad["_row"].to_numpy())
    frames = [
        pd.DataFrame(
            {
                "ingest_id": ingest_id,
                "file": stored_file(raw.label),
                "table": spec.name,
                "line": lines,
                "column": bad["column"],
                "value": bad["value"],
                "reason": at_cell(raw, lines, bad["column"], bad["reason"]),
                CUSTOMER_ID: bad[CUSTOMER_ID],
                "raw": bad["raw"],
            }
        )
    ]
    if len(raw.rejects):
        rej = raw.rejects
        # an unsplittable row's value is its whole text: drop it where the file has contact
        # data (a shop table with contact columns, or a column such as Email, Billing Name,
        # 手机号 or reviewer_name in any file: synonyms.contact_columns)
        has_contacts = bool(contact) or bool(synonyms.contact_columns(list(raw.columns)))
        # and wherever its text holds an e-mail address or phone number (one used as the id)
        value = rej["value"].where(~rej["value"].fillna("").str.contains(contact_ids.IN_TEXT))
        frames.append(
            pd.DataFrame(
                {
                    "ingest_id": ingest_id,
                    "file": stored_file(raw.label),
                    "table": spec.name,
                    "line": rej["line"],
                    "column": rej["column"],
                    "value": None if has_contacts else value,
                    "reason": rej["reason"],
                    CUSTOMER_ID: None,
                    "raw": None,
                }
            )
        )
    out = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else None
    )
    if out is None:
        return bad["reason"]
    _insert_new(
        store,
        "quarantine",
        out,
        'ingest_id, file, "table", CAST(line AS BIGINT) AS line, "column", '
        "CAST(value AS VARCHAR) AS value, reason, CAST(customer_id AS VARCHAR) AS customer_id, "
        "CAST(raw AS VARCHAR) AS raw",
    )
    return bad["reason"]

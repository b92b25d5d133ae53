"""One staged file into its shop table: every step of ingest in order, and the reports.

For every file ``n_loaded + n_quarantined == n_read``. :func:`load_table` runs inside the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from promopilot.data import contact_ids, order_columns, phone_text, synonyms
from promopilot.data.cells import mapped_headers
from promopilot.data.column_map import header_fits, match_columns
from promopilot.data.currency import staged_currency
from promopilot.data.dedupe import (
    CONFLICT,
    against_store,
    dedupe_within_file,
    drop_forgotten,
    reason_kind,
)
from promopilot.data.money_signs import staged_signs
from promopilot.data.order_products import add_named_products
from promopilot.data.partial_refunds import partial_lines
from promopilot.data.quarantine import flag_unknown, write_quarantine
from promopilot.data.rawfile import RawFile, read_raw
from promopilot.data.schema import TABLES, TableSpec
from promopilot.data.sql import ident
from promopilot.data.staging import STAGE, stage
from promopilot.data.store import Store, sql_str
from promopilot.data.variants import has_variants, merge_lines, merged_into_store
from promopilot.data.words import counted
from promopilot.exceptions import InputError


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
    error: str | None = None  # set when the file was refused (nothing of it loaded)


class FileRefused(InputError):
    """One file loads nothing (no rows, or every row rejected). In a shop folder the other files
    are still loaded; :func:`promopilot.data.ingest.ingest` raises this at the end with the
    report of what was loaded (``.report``). Raised for the file itself, ``.report`` holds the
    file's own report: its rows read, all of them rejected (none written to ``quarantine``)."""

    def __init__(self, message: str, report: IngestReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def refused(self) -> list[str]:
        """The one-line reason of every refused file."""
        return [f.error for f in self.files if f.error]

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


def _refund_lines(store: Store, raw: RawFile, spec: TableSpec, good: str) -> int:
    """How many of the rows about to be stored are return lines staging made from a refund
    or order status or a refunded amount equal to what was paid
    (:func:`promopilot.data.staging.stage`)."""
    if spec.name != "orders" or not (
        order_columns.refund_column(raw.columns)
        or order_columns.order_status_column(raw.columns)
        or order_columns.refund_amount_column(raw.columns)
    ):
        return 0
    suffix = sql_str("%" + order_columns.REFUND_SUFFIX)
    return int(
        store.scalar(
            f"SELECT count(*) {good} AND _refunded AND t_is_return AND t_order_id LIKE {suffix}"
        )
    )


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
    report = FileReport(raw.label, spec.name, fmt, notes=list(raw.notes))
    raw.column_headers = mapped_headers(mapping, raw.columns)  # a workbook's cells by letter
    twice = [n for n in raw.duplicated if ident(n) in mapping.values()]
    if twice:
        raise InputError(
            f"{raw.label}: column {twice[0]!r} appears more than once in the header: "
            "keep one of them (which one holds the data cannot be told)"
        )
    # a posted batch (``api``) is read as a shop file is: its timestamps in any format ingest
    # detects (2025年11月30日 10:00:00, 30.11.2025 10:00, ...); importers hand over ISO 8601
    report.notes += stage(store, raw, spec, mapping, detect_dates=fmt in ("shop", "api"))
    drop_forgotten(store, spec)
    if spec.name == "orders":  # a product listed twice in an order: one line (data.variants)
        variants = has_variants(raw.columns, spec)
        merge_lines(store, spec, variants=variants)
    dedupe_within_file(store, spec)
    if fmt != "api":  # a posted batch reports its rejected items one by one instead
        refuse_if_nothing_loads(store, raw, spec, fmt)  # before anything of the file is written
    updated = against_store(store, spec)
    if fmt != "api" and not updated:  # every row in conflict with a stored one: refused too
        refuse_if_nothing_loads(store, raw, spec, fmt)
    report.n_flagged = flag_unknown(store, spec, raw, ingest_id)
    bad_reasons = write_quarantine(store, spec, raw, ingest_id)

    cols = ", ".join(f'"{c.name}"' for c in spec.stored_columns)
    values = ", ".join(f"t_{c.name}" for c in spec.stored_columns)
    extra_cols = "" if spec.history else ", updated_at"
    extra_vals = "" if spec.history else ", timezone('UTC', now())"
    good = f"FROM {STAGE} WHERE _err IS NULL AND NOT _skip"
    made = _refund_lines(store, raw, spec, good)
    if made:
        report.notes.append(
            f"{counted(made, 'return line')} added for lines refunded in full (refund or order "
            "status): counted as new rows, not as rows read"
        )
    if spec.name == "orders" and "_share" in store.columns(STAGE):
        made = partial_lines(store, good)
        if made:
            report.notes.append(
                f"{counted(made, 'return line')} added for partial refunds (refunded amount, "
                "spread "
                "over the order's lines by what was paid): counted as new rows, not as rows read"
            )
    if spec.name == "orders":  # lines merged into a line stored now (not the same file again)
        merged = merged_into_store(store)
        if merged and not variants:
            report.notes.append(
                f"{counted(merged, 'line')} repeating a product of their order with another "
                f"quantity or price {'was' if merged == 1 else 'were'} added to its first line "
                "(quantities added, the unit price their mean weighted by quantity)"
            )
    # customers keyed by an e-mail address or phone number that the file adds: counted before
    # its rows are stored
    contact_ids_added = contact_ids.added_contact_ids(store, STAGE)
    # in file order without a sort: the stage is in _row order and insertion order is kept
    report.n_new = int(
        store.scalar(  # an INSERT's result is the number of rows inserted
            f"INSERT INTO {spec.name} ({cols}{extra_cols}, ingest_id) "
            f"SELECT {values}{extra_vals}, {ingest_id} {good}"
        )
    )
    if spec.contact_columns and any(c.name in mapping for c in spec.contact_columns):
        latest = (
            f"FROM {STAGE} WHERE _err IS NULL QUALIFY row_number() OVER "
            "(PARTITION BY t_customer_id ORDER BY _row DESC) = 1"
        )
        store.execute(f"DELETE FROM contacts WHERE customer_id IN (SELECT t_customer_id {latest})")
        store.execute(
            f"INSERT INTO contacts SELECT t_customer_id, {contact_ids.address_sql('t_email')}, "
            f"{phone_text.kept_phone_sql('t_phone')}, t_name, "
            f"timezone('UTC', now()), {ingest_id} {latest}"
        )
    if contact_ids_added is not None:
        phone_text.keep_contacts(store, STAGE, ingest_id)
        report.notes += contact_ids.added_notes(contact_ids_added)
    report.n_read = raw.n_rows + len(raw.rejects)
    report.n_quarantined = len(bad_reasons) + len(raw.rejects)
    report.n_loaded = report.n_read - report.n_quarantined
    if updated:
        report.notes.append(f"{counted(updated, 'stored row')} updated with newer values")
    report.reasons = {str(r): int(n) for r, n in reason_kind(bad_reasons).value_counts().items()}
    for reason, n in raw.rejects["reason"].value_counts().items():
        report.reasons[reason] = report.reasons.get(reason, 0) + int(n)
    store.execute(
        "INSERT INTO ingests VALUES (?, ?, ?, ?, timezone('UTC', now()), ?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id,
            raw.label,
            spec.name,
            fmt,
            report.n_read,
            report.n_loaded,
            report.n_new,
            report.n_quarantined,
            report.n_flagged,
            staged_currency(store, STAGE),
            staged_signs(store, STAGE),
        ],
    )
    if spec.name == "orders" and "_title" in store.columns(STAGE):
        added = add_named_products(store)
        if added:
            report.notes.append(
                f"{counted(added, 'product')} named in the orders added to products"
            )
    store.execute(f"DROP TABLE IF EXISTS {STAGE}")
    return report


def refuse_if_nothing_loads(store: Store, raw: RawFile, spec: TableSpec, fmt: str) -> None:
    """A file with no rows, or whose every row is rejected, is an error naming the likely
    cause (a wrong date format, a wrong delimiter, rows in conflict with stored ones, ...): it
    almost never is what the user meant. Called before and after the rows are compared with
    the store: a row stored already with the same values (a file ingested again) is not
    rejected. Rows of forgotten customers do not count as rejected. The error's report is the
    file's."""
    n_read = raw.n_rows + len(raw.rejects)

    def refused(message: str) -> FileRefused:
        report = FileReport(raw.label, spec.name, fmt, n_read=n_read, n_quarantined=n_read)
        report.error = message
        return FileRefused(message, IngestReport([report]))

    if n_read == 0:
        raise refused(f"{raw.label}: no rows (a header only): fill it or leave it out")
    bad = store.query(
        f'SELECT _row, _err.column AS "column", _err.value AS value, _err.reason AS reason '
        f"FROM {STAGE} WHERE _err IS NOT NULL AND NOT starts_with(_err.reason, "
        "'customer was forgotten') ORDER BY _row LIMIT 1"
    )
    n_ok = int(
        store.scalar(
            f"SELECT count(*) FROM {STAGE} WHERE _err IS NULL OR "
            "starts_with(_err.reason, 'customer was forgotten')"
        )
    )
    if n_ok:
        return
    if len(bad):
        row = bad.iloc[0]
        line = int(raw.lines([int(row["_row"])])[0])
        reason, column, value = row["reason"], row["column"], row["value"]
    else:  # every row was one DuckDB could not split
        line, column, value = int(raw.rejects["line"].iloc[0]), None, None
        reason = raw.rejects["reason"].iloc[0]
    where = raw.where(line, column)  # a workbook's row and column letter
    if value is not None:  # a contact column's value never; an e-mail address or phone masked
        value = None if synonyms.is_contact(column or "") else contact_ids.shown(str(value))
    reason = contact_ids.masked_in_text(str(reason))  # a conflict's quotes its values
    shown = f" `{value}`" if value is not None else ""
    hint = ""
    if str(reason).startswith(CONFLICT):
        hint = (
            ": the file's keys are stored already with other values (another shop's file in "
            "this store, or the same export read another way: another --rating-scale, "
            "--date-format or currency?)"
        )
    elif (
        given := getattr(store, "date_format", None) or getattr(store, "date_format_setting", None)
    ) and str(reason).startswith(f"expected a timestamp in the format {given} "):
        hint = (
            f": its dates are not in the format '{given}' (--date-format / date_format): give "
            "the strptime format they are written in, or leave it out to have it detected"
        )
    elif "timestamp" in str(reason) and "future" not in str(reason):
        hint = ": pass --date-format with the strptime format of its dates (e.g. '%d/%m/%Y %H:%M')"
    elif "future" in str(reason):
        hint = ": is the file's clock or time zone right?"
    elif str(reason).startswith("malformed CSV row"):
        hint = ": check the delimiter and quoting"
    raise refused(
        f"{raw.label}: all {counted(n_read, 'row')} rejected, nothing loaded; first at "
        f"{where}{shown}: "
        f"{reason}{hint}"
    )


def next_ingest_id(store: Store) -> int:
    return int(store.scalar("SELECT nextval('ingest_seq')"))


# ---------------------------------------------------------------------------------------
# shop folder
# ---------------------------------------------------------------------------------------
TABLE_FILE_SUFFIXES = (".csv", ".parquet", ".pq", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")


def shop_table_for(path: Path) -> str | None:
    """The shop table a file of a shop folder holds, from its name (``orders.csv``)."""
    stem = path.name.lower()
    for suffix in TABLE_FILE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem if stem in TABLES else None


def ingest_shop_file(store: Store, path: Path, table: str, *, fmt: str = "shop") -> FileReport:
    """One file of a shop folder into its table (inside the caller's transaction)."""
    spec = TABLES[table]
    # the delimiter is detected from the header, found below a title where there is one
    raw = read_raw(store, path, lazy=True, header_fits=header_fits(spec))
    try:
        raw.label = str(path)
        mapping = match_columns(raw.columns, spec, str(path))
        return load_table(store, raw, spec, mapping, ingest_id=next_ingest_id(store), fmt=fmt)
    finally:
        raw.close()

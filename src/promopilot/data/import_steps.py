"""What the importers share: progress, a cheap look at a file's header, a folder's table files,
and reference rows (products, customers) derived from a staged export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from promopilot.columns import CUSTOMER_ID
from promopilot.data import headers
from promopilot.data.dedupe import FORGOTTEN
from promopilot.data.loading import TABLE_FILE_SUFFIXES
from promopilot.data.rawfile import EXCEL_SUFFIXES
from promopilot.data.schema import TABLES
from promopilot.data.store import Store
from promopilot.data.textfile import utf16_encoding
from promopilot.data.workbook import workbook_rows

Progress = Callable[[str], None] | None


def tell(progress: Progress, name: str) -> None:
    if progress is not None:
        progress(name)


def read_header(
    path: Path,
    fits: Callable[[list[str]], bool] | None = None,
    rows: list[list[str]] | None = None,
) -> list[str]:
    """The column names of a file's header as :func:`~promopilot.data.headers.name_key` reads
    them (lower-cased, no surrounding spaces or quotes: a cheap look, for detection): its first
    line, or with `fits` (whether lower-cased names are the header looked for) the first of its
    first six lines that fits, as ingest and the importers find it below a title
    (:func:`promopilot.data.headers.find_header`). `rows`: the file's :func:`leading_rows`
    where the caller read them already (detection tests several layouts on one reading)."""
    rows = leading_rows(path) if rows is None else rows
    if not rows:
        return []
    above = 0
    if fits is not None:
        above = headers.find_header(rows, headers.lowered(fits))
    return [headers.name_key(c) for c in rows[above]]


def leading_rows(path: Path) -> list[list[str]]:
    """The cells of a file's first lines (a workbook's first rows), in UTF-8, GBK, Latin-1 or
    UTF-16 (:func:`~promopilot.data.textfile.utf16_encoding`): what :func:`read_header` looks
    at."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        import pandas as pd

        try:
            return workbook_rows(pd.read_excel(path, nrows=headers.MAX_ABOVE))
        except Exception:  # not a readable workbook: read_raw says so later, by name
            return []
    first = headers.file_head(path).data  # read once per ingest: staging reads it again
    wide = utf16_encoding(first)  # with its BOM, or without one told by its NULs
    if wide is not None:  # b"\n" ends no UTF-16 line: twice as many bytes, decoded
        return headers.split_lines(first.decode(wide, errors="replace").split("\n"))
    for encoding in ("utf-8-sig", "gb18030", "latin-1"):
        try:
            text = first.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return headers.split_lines(text.split("\n"))


def table_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_FILE_SUFFIXES
    )


def derive(store: Store, table: str, select_sql: str) -> int:
    """Insert reference rows (products, customers) derived from the staged raw file that the
    store does not have yet, never a forgotten customer. Returns how many were added."""
    key = TABLES[table].key[0]
    not_forgotten = f" AND NOT {FORGOTTEN.format(f'd.{key}')}" if key == CUSTOMER_ID else ""
    before = store.count(table)
    store.execute(
        f"INSERT INTO {table} BY NAME SELECT d.*, timezone('UTC', now()) AS updated_at FROM "
        f"({select_sql}) d WHERE d.{key} IS NOT NULL AND d.{key} NOT IN "
        f"(SELECT {key} FROM {table}){not_forgotten}"
    )
    return store.count(table) - before

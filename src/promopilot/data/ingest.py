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

from collections.abc import Callable
from pathlib import Path

from promopilot.config import load_settings
from promopilot.data import headers, ratings
from promopilot.data.column_map import match_columns
from promopilot.data.datasets import DATASET_IMPORTERS, is_cdnow, is_hillstrom
from promopilot.data.import_steps import leading_rows, read_header
from promopilot.data.importers import IMPORTERS, data_folder, detect_format
from promopilot.data.loading import (
    FileRefused,
    FileReport,
    IngestReport,
    ingest_shop_file,
    load_table,
    next_ingest_id,
    shop_table_for,
)
from promopilot.data.rawfile import RawFile, read_raw
from promopilot.data.store import Store
from promopilot.data.textfile import refuse_old_excel
from promopilot.data.words import counted
from promopilot.exceptions import InputError

__all__ = [
    "FileRefused",
    "FileReport",
    "IngestReport",
    "RawFile",
    "ingest",
    "ingest_shop_file",
    "load_table",
    "match_columns",
    "next_ingest_id",
    "read_raw",
    "shop_table_for",
]


def ingest(
    store: Store,
    path: str | Path,
    *,
    format: str = "auto",
    progress: Callable[[str], None] | None = None,
    date_format: str | None = None,
    rating_scale: tuple[float, float] | None = None,
) -> IngestReport:
    """Ingest a shop folder, one shop file, or an export in a known layout.

    Parameters
    ----------
    store : Store
    path : a file or folder
    format : ``auto`` (detect), ``shop`` (shop folder or one of its files), or an importer's
        name: ``uci``, ``shopify``, ``movielens``, ``cdnow``, ``hillstrom``.
    progress : called with each file's name before it is read.
    date_format : strptime format of the timestamps that are not ISO 8601, used for every
        timestamp column (a row it does not read is quarantined naming it); default: the
        store's ``date_format``, else detected from each column's values, the ``date_format``
        setting (``PROMOPILOT_DATE_FORMAT``) deciding when day-first and month-first read
        them equally well (and used where it reads at least half of a column's sample).
    rating_scale : (lowest, highest) of the reviews' ratings, e.g. (1, 10), stored as 1-5
        stars; default: the store's ``rating_scale``, else the ``[reviews] rating_scale``
        setting, else 1-5 stars (a column of numbers up to 10 or 100 is then refused).

    The whole call is one transaction: either every file is in, or none is; except that a
    shop-folder file that loads nothing (no rows, every row rejected) is left out and the
    others loaded, and then :class:`FileRefused` is raised (its ``report`` says what loaded).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    with headers.read_once():  # a file's first lines read once: by detection, then staging
        return _ingest(store, data_folder(path), format, progress, date_format, rating_scale)


def _ingest(
    store: Store,
    path: Path,
    format: str,
    progress: Callable[[str], None] | None,
    date_format: str | None,
    rating_scale: tuple[float, float] | None,
) -> IngestReport:
    """:func:`ingest` of an existing `path` (its data folder)."""
    refuse_old_excel(path)  # a file: before its layout is guessed from its first bytes
    if path.is_dir():  # a download folder holding one research file (and its notes)
        files = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt")]
        if len(files) == 1 and _detect_file(files[0]):
            path = files[0]
    importers = {**IMPORTERS, **DATASET_IMPORTERS}
    fmt = _detect(path) if format == "auto" else format
    if fmt not in importers:
        raise InputError(f"unknown format {fmt!r}: expected auto, {', '.join(sorted(importers))}")
    if fmt in DATASET_IMPORTERS and not path.is_file():
        raise InputError(f"{path}: the {fmt} layout is one file: give the file, not a folder")
    if date_format is None:
        date_format = store.date_format
    # a named format (--date-format, this call's or the store's) is the one used; the setting
    # only where it reads half a column, or decides between day-first and month-first
    setting = None if date_format else load_settings().date_format or None
    report = IngestReport()
    previous = store.date_format, store.date_format_setting
    store.date_format, store.date_format_setting = date_format, setting
    if rating_scale is not None:
        rating_scale = ratings.given_scale(rating_scale)
    scale, store.rating_scale = store.rating_scale, rating_scale or store.rating_scale
    try:
        with store.transaction():
            report.files.extend(importers[fmt](store, path, progress))
    finally:
        (store.date_format, store.date_format_setting), store.rating_scale = previous, scale
    refused = report.refused
    if refused:
        loaded = [f for f in report.files if not f.error]
        more = (
            f" (and {counted(len(refused) - 1, 'more file')} refused)" if len(refused) > 1 else ""
        )
        rest = (
            f"; the other {counted(len(loaded), 'file')} {'was' if len(loaded) == 1 else 'were'} "
            "loaded"
            if loaded
            else ""
        )
        raise FileRefused(refused[0] + more + rest, report)
    return report


def _detect(path: Path) -> str:
    """The layout of `path`: the public research layouts (CDNOW, Hillstrom) by their content,
    else :func:`promopilot.data.importers.detect_format`. A file's first lines are read once
    for every layout's test."""
    rows = leading_rows(path) if path.is_file() else None
    return _detect_file(path, rows) or detect_format(path, rows)


def _detect_file(path: Path, rows: list[list[str]] | None = None) -> str | None:
    if not path.is_file():
        return None
    rows = leading_rows(path) if rows is None else rows
    if is_cdnow(path, rows):
        return "cdnow"
    if is_hillstrom(read_header(path, is_hillstrom, rows)):  # its header, below a title or not
        return "hillstrom"
    return None

"""Step 1 of ingest: read a file as text into a staging table, and know each row's file line.

Every column is read as VARCHAR; rows DuckDB cannot split into the header's columns are kept
by DuckDB's reject store with their line and reported as quarantined.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.data import headers
from promopilot.data.cells import TEXT_FILE, Cells
from promopilot.data.csv_errors import MAX_LINE_BYTES, first_line, reject_reason, unreadable
from promopilot.data.sql import ident
from promopilot.data.store import Store, sql_str
from promopilot.data.textfile import PreparedText, prepare_text, refuse_old_excel
from promopilot.data.workbook import (
    HeaderFits,
    long_numbers_as_excel_shows_them,
    workbook_below_title,
)
from promopilot.exceptions import InputError

RAW = "ingest_raw"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


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
    # records that are no row at all (an empty line, a line of spaces): not read, but numbered
    _blank_records: np.ndarray | None = None
    is_parquet: bool = False  # rows are not text lines (Parquet, Excel): line = row + first_line
    first_line: int = 1
    # What staging reads: the ``RAW`` table, or (lazy) a ``read_csv(...)`` call read once, straight
    # into the stage. A lazy file learns its row count and rejects when it is staged.
    source: str = RAW
    _prepared: PreparedText | None = None
    _csv_options: dict | None = None
    # rows an importer derived from the file (several tables from one file): each row's line
    row_lines: np.ndarray | None = None
    # header names that appear more than once (DuckDB renames the later ones `name_1`, ...)
    duplicated: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)  # how the file was read (lines skipped)
    cells: Cells = TEXT_FILE  # how a message names a cell: a text file's line, a workbook's row
    # the file header each table column is read from (load_table sets it from the mapping)
    column_headers: dict[str, str] = field(default_factory=dict)

    @property
    def lazy(self) -> bool:
        return self.source != RAW

    @property
    def second_look(self) -> str:
        """What a look at the rows before staging reads: ``RAW``, or for a lazy file the file
        itself again, skipping what it cannot split (staging's read keeps those rejects)."""
        if not self.lazy:
            return self.source
        assert self._prepared is not None and self._csv_options is not None
        return csv_source(self._prepared.path, rejects=None, **self._csv_options)

    def where(self, line: int, column: str | None = None) -> str:
        """How a message names a row's cell of table `column`: ``line 7, column quantity``, in
        a workbook ``row 7, column C (Qty)`` (:class:`promopilot.data.cells.Cells`)."""
        return self.cells.at(line, column, self.column_headers.get(column or ""))

    def close(self) -> None:
        """Remove the temporary UTF-8 copy a lazy file may still need (idempotent)."""
        if self._prepared is not None:
            self._prepared.cleanup()
            self._prepared = None

    def _records(self, rows: np.ndarray) -> np.ndarray:
        """DuckDB's record number (header = 1) of each staged row index."""
        records = rows + self.header_lines + 1
        skipped = [a for a in (self._reject_records, self._blank_records) if a is not None]
        if skipped and sum(map(len, skipped)):
            unstaged = np.sort(np.concatenate(skipped))
            slots = unstaged - np.arange(len(unstaged))
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
        if self.row_lines is not None:
            return self.row_lines[rows]
        if self.is_parquet:
            return rows + self.first_line
        return self._file_lines(self._records(rows))


def csv_source(
    path: Path,
    *,
    delimiter: str,
    header: bool,
    names: list[str] | None,
    quote: str,
    rejects: str | None,
    skip: int = 0,
) -> str:
    """A ``read_csv`` call reading every column as text; unsplittable rows go to `rejects`
    (``None``: they are skipped)."""
    options = [
        "all_varchar=true",
        f"delim={sql_str(delimiter)}",
        f"header={'true' if header else 'false'}",
        f"max_line_size={MAX_LINE_BYTES}",
    ]
    if skip:  # lines above the header (a title): DuckDB still numbers rejects by file line
        options.append(f"skip={int(skip)}")
    if rejects is None:
        options.append("ignore_errors=true")
    else:
        options += [
            "store_rejects=true",
            f"rejects_table='{rejects}'",
            f"rejects_scan='{rejects}_scan'",
        ]
    if quote:
        options += [f"quote={sql_str(quote)}", f"escape={sql_str(quote)}"]
    else:
        options += ["quote=''", "escape=''"]
    if names:
        options.append("names=[" + ", ".join(sql_str(n) for n in names) + "]")
    return f"read_csv({sql_str(str(path))}, {', '.join(options)})"


def column_lookup(columns: list[str]) -> dict[str, str]:
    """A staged file's columns by name, stripped and lower-cased, each as the quoted SQL name
    of its column (``{"invoiceno": '"InvoiceNo "'}``): how the layouts' importers (UCI,
    Shopify, Hillstrom) find the columns they read; a name in quotes (``"Description"``) is
    the name, as :func:`.synonyms.normalize` reads it. Of two names alike but for case, the
    later one."""
    return {headers.name_key(c): ident(c) for c in columns}


def _read_excel(store: Store, path: Path, header_fits: HeaderFits = None) -> RawFile:
    """The first sheet of an Excel workbook, every cell as text (dates as ISO 8601); its header
    in the first row, or below a title (:mod:`promopilot.data.headers`)."""
    frame, above, notes = workbook_below_title(path, header_fits)
    text = long_numbers_as_excel_shows_them(frame).astype("string")  # datetimes: ISO text
    with store.frame("ingest_excel_df", text):
        store.execute(f"CREATE TEMP TABLE {RAW} AS SELECT COLUMNS(*)::VARCHAR FROM ingest_excel_df")
    empty = pd.DataFrame({"line": [], "column": [], "value": [], "reason": []})
    raw = RawFile(
        path.name, list(frame.columns), len(frame), empty, is_parquet=True, first_line=2 + above
    )
    raw.cells = Cells(workbook=True, headers=tuple(raw.columns), first_line=raw.first_line)
    raw.notes += notes
    return raw


def read_raw(
    store: Store,
    path: str | Path,
    *,
    delimiter: str | None = None,
    header: bool = True,
    names: list[str] | None = None,
    quote: str = '"',
    encoding: str | None = None,
    lazy: bool = False,
    header_fits: HeaderFits = None,
) -> RawFile:
    """Stage a CSV or Parquet file as text in the ``RAW`` temporary table.

    With ``lazy=True`` a CSV is not copied into ``RAW``: only its header is read now, and
    :func:`load_table` reads the file once, straight into the stage (half the memory and a
    pass less for big files). The caller must :meth:`RawFile.close` it. ``delimiter=None``
    detects it from the header (``, ; TAB |``). An Excel workbook (``.xlsx``) is read whole
    (its first sheet); an old ``.xls`` one is refused by name, under any name
    (:func:`promopilot.data.textfile.refuse_old_excel`). With `header_fits` (whether a
    line's cells are the header the caller needs) a header below up to five lines of titles is
    found and the lines above it skipped, with a note (:mod:`promopilot.data.headers`); in a
    file without a header (``header=False``) `header_fits` finds its first row so.
    """
    path = Path(path)
    refuse_old_excel(path)  # by its name, or its first bytes under another name
    store.execute(f"DROP TABLE IF EXISTS {RAW}")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(store, path, header_fits)
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            store.execute(
                f"CREATE TEMP TABLE {RAW} AS SELECT COLUMNS(*)::VARCHAR "
                f"FROM read_parquet({sql_str(str(path))})"
            )
        except Exception as error:  # duckdb raises several types for unreadable parquet
            raise InputError(f"{path}: cannot read as Parquet: {first_line(error)}") from None
        columns = store.columns(RAW)
        n_rows = int(store.scalar(f"SELECT count(*) FROM {RAW}"))
        empty = pd.DataFrame({"line": [], "column": [], "value": [], "reason": []})
        return RawFile(path.name, columns, n_rows, empty, is_parquet=True)

    prepared = prepare_text(path, encoding=encoding)
    # the first lines are read once: the header is found among them (below a title with
    # `header_fits`), and its line gives the delimiter and the names written twice; within an
    # ingest, from the bytes its layout detection read (headers.read_once)
    lines = headers.file_head(path).lines(prepared.encoding)
    if lines is None:  # a line longer than the head holds: from the copy, as before
        lines = headers.leading_lines(prepared.path)
    rows = headers.split_lines(lines) if header_fits is not None else []
    above = headers.find_header(rows, header_fits) if rows else 0
    first = lines[above] if len(lines) > above else ""
    if delimiter is None:
        delimiter = headers.header_delimiter(first)
    below = "the header" if header else "the first row"
    options = {"delimiter": delimiter, "header": header, "names": names, "quote": quote}
    if above:
        options["skip"] = above
    try:
        store.execute("DROP TABLE IF EXISTS ingest_rejects")
        store.execute("DROP TABLE IF EXISTS ingest_rejects_scan")
        source = csv_source(prepared.path, rejects="ingest_rejects", **options)
        try:
            if lazy:
                columns = store.columns(f"SELECT * FROM {source}")
            else:
                store.execute(f"CREATE TEMP TABLE {RAW} AS SELECT * FROM {source}")
                columns = store.columns(RAW)
        except Exception as error:
            reason = unreadable(error, prepared.path, delimiter, quote, above)
            raise InputError(f"{path}: {reason}") from None
        empty = pd.DataFrame({"line": [], "column": [], "value": [], "reason": []})
        raw = RawFile(
            path.name,
            columns,
            0,
            empty,
            header_lines=above + (1 if header else 0),
            source=source if lazy else RAW,
            _prepared=prepared,
            _csv_options=options,
            duplicated=headers.duplicates(first, delimiter) if header else (),
            notes=[headers.skipped_note(rows[:above], below)] if above else [],
        )
        if not lazy:
            raw.n_rows = int(store.scalar(f"SELECT count(*) FROM {RAW}"))
            locate_rows(store, raw)
    except BaseException:
        prepared.cleanup()
        raise
    if not lazy:
        raw.close()
    return raw


def locate_rows(store: Store, raw: RawFile) -> None:
    """After the file was read (``raw.n_rows`` known): collect the rows DuckDB rejected, and
    find rows whose quoted fields hold line breaks, to give every row its file line."""
    prepared = raw._prepared
    assert prepared is not None and raw._csv_options is not None
    # DuckDB may report several errors for one row (one per missing column): keep the first
    # in a CRLF file DuckDB's csv_line may start with the LF of the line before: trim it
    text = "trim(csv_line, chr(13) || chr(10))"
    rejects = store.query(
        f'SELECT DISTINCT ON (line) line, column_name AS "column", {text} AS value, '
        f"error_message AS reason, length({text}) - length(replace({text}, chr(10), '')) "
        "AS n_nl FROM ingest_rejects ORDER BY line, byte_position"
    )
    rejects["reason"] = rejects["reason"].map(reject_reason)
    records = raw.n_rows + len(rejects) + raw.header_lines
    # a line of spaces is a blank row like an empty line, not a malformed one
    blank = rejects["value"].fillna("").str.strip() == ""
    blanks = [rejects.loc[blank, "line"].to_numpy(dtype=np.int64)]
    rejects = rejects[~blank].reset_index(drop=True)
    raw.rejects = rejects
    raw._reject_records = rejects["line"].to_numpy(dtype=np.int64)
    raw._reject_nl = rejects.pop("n_nl").fillna(0).to_numpy(dtype=np.int64)
    expected_newlines = records - (0 if prepared.ends_with_newline else 1)
    if prepared.n_newlines > expected_newlines:  # quoted fields hold line breaks, or empty lines
        text = " || ".join(f"coalesce({ident(c)}, '')" for c in raw.columns)
        if raw.lazy:  # read the file again (rare: only files with quoted line breaks)
            store.execute("DROP TABLE IF EXISTS ingest_rejects_nl")
            store.execute("DROP TABLE IF EXISTS ingest_rejects_nl_scan")
            source = csv_source(prepared.path, rejects="ingest_rejects_nl", **raw._csv_options)
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
        held = int(raw._nl_counts.sum() + raw._reject_nl.sum())
        if prepared.n_newlines > expected_newlines + held:  # DuckDB skipped empty lines
            blanks.append(_empty_records(prepared.path, raw._csv_options))
    raw._blank_records = np.sort(np.concatenate(blanks))
    raw.rejects["line"] = raw._file_lines(raw._reject_records)


def _empty_records(path: Path, options: dict) -> np.ndarray:
    """The record numbers (header = 1, as DuckDB counts) of the empty lines DuckDB skipped.
    Read with the csv module: only for files that hold empty lines."""
    quote = options["quote"]
    dialect = {"quotechar": quote} if quote else {"quoting": csv.QUOTE_NONE}
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=options["delimiter"], **dialect)
        above = options.get("skip", 0)  # blank lines above the header are not rows
        empty = [k for k, record in enumerate(reader, start=1) if not record and k > above + 1]
    return np.asarray(empty, dtype=np.int64)

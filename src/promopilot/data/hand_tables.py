"""A table a person hands over whole: a plan (``promopilot send``, ``serve --plan``) or a
policy (``promopilot evaluate-policy``), as ``promopilot plan`` wrote it or saved again by
Excel. One reader for all of them: every cell as text, the customer ids as the store holds
them, and each row's line in the file as the index (:data:`LINE`), for errors to name.

Read as written: a CSV in UTF-8, GBK or UTF-16 (with a BOM as Excel saves "Unicode Text", or
without one where its NUL bytes leave no doubt) with any
delimiter ingest reads, or the first sheet of
an Excel workbook (``.xlsx``, ``.xlsm``); the header found below up to five title or blank
lines as ingest finds it (:mod:`promopilot.data.headers`). A blank line (or an empty row of a
sheet) is no row, and the rows after it keep their own line: the line as the file numbers it,
line breaks inside quoted cells counted; in a workbook, the row as Excel numbers it. An old
``.xls`` workbook or another file that is no text table is refused by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.data import headers
from promopilot.data.cells import CELLS, Cells, cells_of, record_starts
from promopilot.data.contact_ids import file_customer_ids, masked
from promopilot.data.csv_errors import unreadable
from promopilot.data.headers import has_columns
from promopilot.data.rawfile import EXCEL_SUFFIXES
from promopilot.data.textfile import (
    BINARY,
    UTF16_ADVICE,
    nul_reason,
    prepare_text,
    refuse_old_excel,
    utf16_encoding,
)
from promopilot.data.words import counted, noun_for
from promopilot.data.workbook import long_numbers_as_excel_shows_them, workbook_below_title
from promopilot.exceptions import InputError

LINE = "line"  # the index's name: each row's line in the file (a workbook's row number)
SAVE_AS = "save it as CSV or as an Excel .xlsx workbook"
# what a file is by its first bytes, where it is no text table
MAGIC = {
    b"PK\x03\x04": "a zip archive (an .ods, .numbers or renamed workbook?)",
    b"PAR1": "a Parquet file",
    b"%PDF": "a PDF",
}


def read_hand_table(
    path: str | Path, required: tuple[str, ...], *, what: str, once: str
) -> pd.DataFrame:
    """The table in `path` (a `what`: ``plan``, ``policy``) with the `required` columns (their
    names stripped and lower-cased), every cell as text, indexed by each row's line in the
    file (:data:`LINE`). Its ``customer_id`` column holds the ids as ingest stores them
    (``17850.0`` is ``17850``, an e-mail address or phone number its hash); an empty id or a
    customer named twice (`once` says what was expected) is refused naming the file, line and
    value (an address masked; in a workbook the cell by its row and column letter, ``row 9,
    column D (propensity)``: :func:`promopilot.data.cells.cells_of`). Anything unreadable is
    one :class:`InputError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file")
    refuse_old_excel(path)  # by its name, or its first bytes under another name
    fits = has_columns(*required)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = _workbook(path, fits)
    else:
        frame = _text_table(path, fits, what)
    written = [str(c).strip() for c in frame.columns]
    frame.columns = [c.lower() for c in written]
    twice = [c for c in required if frame.columns.tolist().count(c) > 1]
    if twice:  # "Group" and "group": which one holds the plan's groups?
        names = [repr(w) for w in written if w.lower() == twice[0]]
        raise InputError(
            f"{path}: the header names column {twice[0]} {len(names)} times "
            f"({', '.join(names)}): keep one"
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing {noun_for(len(missing), 'column')} {', '.join(missing)}: a {what} "
            f"needs {', '.join(required)} (found: {', '.join(map(masked, frame.columns))})"
        )
    empty = (frame["customer_id"].str.strip() == "").to_numpy(dtype=bool)
    if empty.any():
        line = int(frame.index[int(empty.argmax())])
        raise InputError(f"{path}: {cells_of(frame).at(line, 'customer_id')}: '': a customer id")
    frame["customer_id"] = file_customer_ids(
        frame["customer_id"],
        str(path),
        expected=once,
        lines=frame.index.to_numpy(),
        cells=cells_of(frame),
    )
    return frame


def _refuse_binary(path: Path, what: str) -> None:
    """A file that is no text table, named by what it is (an .xls workbook saved as plan.csv)."""
    with open(path, "rb") as handle:
        head = handle.read(65536)
    kind = next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)
    advice = SAVE_AS
    if kind is None and b"\x00" in head and utf16_encoding(head) is None:
        kind = nul_reason(head)
        advice = SAVE_AS if kind == BINARY else UTF16_ADVICE  # UTF-16 without its BOM, maybe
    if kind is not None:
        raise InputError(f"{path}: cannot read as a {what}: {kind}; {advice}")


def _text_table(path: Path, fits, what: str) -> pd.DataFrame:
    """A delimited text file, every cell as text, indexed by line; a row with no cell filled (a
    blank line, a line of spaces or delimiters only, as Excel saves an empty row) is no row."""
    _refuse_binary(path, what)
    prepared = prepare_text(path)
    try:
        leading = headers.leading_lines(prepared.path)
        rows = headers.split_lines(leading)
        above = headers.find_header(rows, fits) if rows else 0
        sep = headers.header_delimiter(leading[above] if leading else "")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                # blank lines kept as rows, to be numbered (pandas drops them unnumbered, and
                # every later row was named a line too early); the first column is no index
                frame = pd.read_csv(
                    prepared.path,
                    sep=sep,
                    skiprows=above,
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig",
                    skip_blank_lines=False,
                    index_col=False,
                )
        except ValueError as error:  # pandas' ParserError and EmptyDataError
            reason = unreadable(error, prepared.path, sep, '"', above)  # the line at fault
            reason = reason.removeprefix("cannot read as a table: ")
            raise InputError(f"{path}: cannot read as a CSV {what}: {reason}") from None
        lines = np.arange(len(frame), dtype=np.int64) + above + 2
        one_line_each = len(frame) + above + (1 if prepared.ends_with_newline else 0)
        extra = any(issubclass(w.category, pd.errors.ParserWarning) for w in caught)
        if extra or prepared.n_newlines != one_line_each:  # line breaks in cells, or CR ends
            lines = _record_lines(prepared.path, sep, above, len(frame), lines, path, what)
    finally:
        prepared.cleanup()
    frame.index = pd.Index(lines, name=LINE)
    empty = (frame.apply(lambda cells: cells.str.strip()) == "").all(axis=1)
    return frame[~empty.to_numpy(dtype=bool)]


def _record_lines(
    path: Path, sep: str, above: int, n_rows: int, lines: np.ndarray, label: Path, what: str
) -> np.ndarray:
    """The file line each record below the header starts on (read with the csv module), or
    `lines` where the csv module splits the file otherwise than pandas did. A record with a
    filled cell beyond the header's (pandas drops it) is refused naming its line."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = record_starts(handle, sep, above)
        try:
            width = len(next(records, (0, []))[1])
            starts = []
            for start, record in records:
                starts.append(start)
                if any(cell.strip() for cell in record[width:]):
                    raise InputError(
                        f"{label}: cannot read as a CSV {what}: line {start}: "
                        f"{counted(len(record), 'field')} where the header has {width}: check the "
                        "delimiter and quoting"
                    )
        except csv.Error:
            return lines
    return np.asarray(starts, dtype=np.int64) if len(starts) == n_rows else lines


def _cell_text(value: object) -> str:
    """A workbook cell as text, as Excel shows it: a whole number without ``.0``, a date as
    ``YYYY-MM-DD`` (with its time where it has one), an empty cell as ``""``."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.15G}"  # Excel's 15 significant digits: 0.1 is 0.1, 17850.0 is 17850
    return str(value)


def _workbook(path: Path, fits) -> pd.DataFrame:
    """A workbook's first sheet, every cell as text, indexed by its row in Excel."""
    frame, above, _ = workbook_below_title(path, fits)
    frame = long_numbers_as_excel_shows_them(frame)  # 18-digit ids as Excel shows them
    text = frame.map(_cell_text) if len(frame.columns) else frame.astype(str)
    text.index = pd.Index(np.arange(len(frame)) + above + 2, name=LINE)  # header: row above+1
    # errors name a cell as Excel does: row and column letter (the header cells from column A)
    text.attrs[CELLS] = Cells(workbook=True, headers=tuple(frame.columns), first_line=above + 2)
    empty = (text.apply(lambda cells: cells.str.strip()) == "").all(axis=1)
    return text[~empty.to_numpy(dtype=bool)]  # an empty row is no row

"""How a message names a cell of a file the user handed over: ``line 7, column quantity`` in a
text file (its line as the file numbers it), ``row 7, column C (Qty)`` in an Excel workbook: the
row number and column letter Excel shows, and the header as the sheet writes it.

Every reader that names a bad cell (ingest's refusals and quarantine, a plan or policy, the
ratings of ``promopilot sentiment --in``) names it through :class:`Cells`; a table read from a
file carries its own in ``frame.attrs`` (:func:`cells_of`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np

from promopilot.data.line_ends import has_lone_cr

CELLS = "promopilot_cells"  # the key of a frame's Cells in ``frame.attrs``
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')


def excel_letter(position: int) -> str:
    """Excel's letter of the column at 0-based `position`: A ... Z, AA, AB, ... AZ, BA ...
    (openpyxl's, imported here: only a workbook's error names a cell, and openpyxl takes
    about 0.4 s to import)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


@dataclass(frozen=True)
class Cells:
    """How a file's cells are named. ``workbook``: the file is an Excel sheet, its `headers` the
    header row's cells from column A on (the empty ones included, as pandas names them:
    ``Unnamed: 0``), `first_line` the line (a sheet's row) of a table's first row where a
    table knows its rows by position only; `lines`, where a text file's rows are not one line
    each (a quoted cell holding line breaks, a blank line skipped), the line each row starts on
    (:func:`record_lines`)."""

    workbook: bool = False
    headers: tuple[str, ...] = ()
    first_line: int = 2
    lines: np.ndarray | None = field(default=None, compare=False, repr=False)

    def line(self, at: int) -> int:
        """The line (a sheet's row) of a table's row at 0-based position `at`."""
        return int(self.lines[at]) if self.lines is not None else at + self.first_line

    def at(self, line: int, column: str | None = None, header: str | None = None) -> str:
        """``line 7, column quantity`` in a text file; in a workbook ``row 7, column C (Qty)``
        with the letter of `header` (the file's name of `column`, `column` itself by default;
        case and surrounding spaces ignored), ``row 7, column quantity`` where the header is
        not one of the sheet's (a value computed from several columns)."""
        if not self.workbook:
            return f"line {line}" + (f", column {column}" if column else "")
        if not column:
            return f"row {line}"
        position = self.position(header or column)
        if position is None:
            return f"row {line}, column {column}"
        return f"row {line}, column {excel_letter(position)} ({self.headers[position]})"

    def row(self, line: int) -> str:
        """``line 7`` or ``row 7``: a line or row alone."""
        return f"{'row' if self.workbook else 'line'} {line}"

    def position(self, header: str) -> int | None:
        """The 0-based column of `header` among the sheet's headers (exact first, then with
        case and surrounding spaces ignored); None if it is not one of them."""
        if header in self.headers:
            return self.headers.index(header)
        key = header.strip().lower()
        keys = [h.strip().lower() for h in self.headers]
        return keys.index(key) if key in keys else None


TEXT_FILE = Cells()


def record_lines(text: str, delimiter: str, above: int, n_rows: int) -> np.ndarray | None:
    """The file line each of the `n_rows` rows below a text table's header starts on (the
    header on line ``above + 1``), as pandas reads `text` with its blank lines (empty or spaces
    only) skipped: read with the csv module where a quoted cell holds line breaks, a blank line
    was skipped or lines end in a lone CR. None where each row is one line (row i on line
    ``above + 2 + i``), or where the csv module splits the text into other rows than pandas."""
    lone_cr = has_lone_cr(text)
    one_each = above + 1 + n_rows - (0 if text.endswith("\n") else 1)
    if not lone_cr and text.count("\n") == one_each:
        return None
    records = record_starts(io.StringIO(text, newline=""), delimiter, above)
    try:
        next(records, None)  # the header
        starts = [
            start
            for start, record in records
            if any(cell.strip() for cell in record) or len(record) > 1
        ]
    except csv.Error:
        return None
    return np.asarray(starts, dtype=np.int64) if len(starts) == n_rows else None


def record_starts(handle: TextIO, delimiter: str, above: int) -> Iterator[tuple[int, list[str]]]:
    """Each record of a text table read with the csv module from `handle` (opened with
    ``newline=""``), the header first, with the file line it starts on (the header on line
    ``above + 1``, below `above` lines of titles): a quoted cell's line breaks are part of its
    record. May raise :class:`csv.Error`."""
    for _ in range(above):
        handle.readline()
    reader = csv.reader(handle, delimiter=delimiter)
    end = 0
    for record in reader:
        yield above + end + 1, record
        end = reader.line_num


def cells_of(frame) -> Cells:
    """The :class:`Cells` of a table read from a file (``frame.attrs``); a text file's by
    default."""
    found = getattr(frame, "attrs", {}).get(CELLS)
    return found if isinstance(found, Cells) else TEXT_FILE


def mapped_headers(mapping: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """The file header each table column is read from, where its SQL expression in `mapping`
    reads one of the file's `columns` only (``"Qty"``, ``trim("CustomerID")``); a column
    computed from several (a price from a line total and a quantity) has none."""
    names = set(columns)
    found = {}
    for column, expression in mapping.items():
        used = {m.replace('""', '"') for m in _QUOTED.findall(str(expression))} & names
        if len(used) == 1:
            found[column] = used.pop()
    return found

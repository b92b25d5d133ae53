"""Excel workbooks as ingest and ``promopilot sentiment`` read them: the first sheet, its
header in the first row or below a title, long numbers as Excel shows them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from promopilot.data import headers
from promopilot.data.csv_errors import first_line
from promopilot.exceptions import InputError

# whether a row of cells is the header a table needs (headers.find_header); None: the first row
HeaderFits = Callable[[list[str]], bool] | None

# a workbook's number is a double, and Excel keeps 15 significant digits: from 16 digits on,
# the last ones are lost (an 18-digit order number reads as a neighbour's)
EXACT_DIGITS = 1e15


def long_numbers_as_excel_shows_them(frame: pd.DataFrame) -> pd.DataFrame:
    """Number cells of 16 digits or more written as Excel shows them (``2.50000000000123E+17``),
    so an id among them is quarantined as one in scientific notation instead of read as the
    digits of another; text cells are left as they are. (The cells are Python objects already:
    openpyxl made each one.)"""
    for column in frame.columns:
        cells = frame[column]
        kind = pd.api.types.infer_dtype(cells, skipna=True)  # in C: text columns skip the rest
        if kind in ("integer", "floating", "mixed-integer-float"):
            numbers = cells.notna()
        elif kind in ("mixed", "mixed-integer"):  # numbers and text in one column: cell by cell
            numbers = cells.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        else:
            continue
        values = pd.to_numeric(cells[numbers], errors="coerce")
        long = values[values.abs() >= EXACT_DIGITS]
        if len(long):
            frame[column] = cells.astype(object)
            frame.loc[long.index, column] = [f"{v:.15G}" for v in long]
    return frame


def read_workbook(
    path: Path, dtype: type = object, header: int = 0, nrows: int | None = None
) -> pd.DataFrame:
    """The first sheet of an Excel workbook (cells as `dtype`, column names as text, the names
    in row ``header + 1``); a workbook that cannot be read is one :class:`InputError` naming it
    (ingest and ``promopilot sentiment`` read workbooks through this)."""
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=dtype, header=header, nrows=nrows)
    except ImportError:
        raise InputError(f"{path}: reading Excel needs openpyxl: save it as CSV") from None
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise InputError(
            f"{path}: cannot read as an Excel workbook ({first_line(error)}): save it as CSV"
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame


def workbook_rows(frame: pd.DataFrame) -> list[list[str]]:
    """The first rows of a sheet read with its first row as the header (its names, then its
    first cells as text): the candidates for the header, as :func:`headers.leading_rows`."""
    named = ["" if str(c).startswith("Unnamed: ") else str(c) for c in frame.columns]
    cells = frame.head(headers.MAX_ABOVE).astype(object).where(frame.notna(), "")
    return [named] + [[str(v) for v in row] for row in cells.itertuples(index=False)]


def workbook_below_title(
    path: Path, header_fits: HeaderFits, dtype: type = object
) -> tuple[pd.DataFrame, int, list[str]]:
    """A workbook's first sheet read below its header: in the first row, or (with
    `header_fits`) the first of the first six rows that fits. Returns the frame, how many rows
    were above the header and the note saying they were skipped (ingest and ``promopilot
    sentiment`` read workbooks through this)."""
    if header_fits is None:
        return read_workbook(path, dtype=dtype), 0, []
    # the header is looked for in the first rows only: the whole sheet is read once, below it
    rows = workbook_rows(read_workbook(path, dtype=dtype, nrows=headers.MAX_ABOVE))
    above = headers.find_header(rows, header_fits) if rows[0] else 0
    frame = read_workbook(path, dtype=dtype, header=above)
    return frame, above, [headers.skipped_note(rows[:above])] if above else []

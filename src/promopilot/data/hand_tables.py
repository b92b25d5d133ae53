"""A table a person hands over whole: a plan (``promopilot send``, ``serve --plan``) or a
policy (``promopilot evaluate-policy``), as ``promopilot plan`` wrote it or saved again by
Excel. One reader for all of them: every cell as text, the customer ids as the store holds
them, and each row's line in the file as the index (:data:`LINE`), for errors to name.

Read as written: a CSV in UTF-8 or GBK with any delimiter ingest reads; the header found
below up to five title or blank lines as ingest finds it (:mod:`promopilot.data.headers`). A
blank line is no row, and the rows after it keep their own line: the line as the file numbers
it, line breaks inside quoted cells counted.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.data import headers
from promopilot.data.contact_ids import file_customer_ids, masked
from promopilot.data.csv_errors import first_line
from promopilot.data.headers import has_columns
from promopilot.data.textfile import prepare_text
from promopilot.exceptions import InputError

LINE = "line"  # the index's name: each row's line in the file


def read_hand_table(
    path: str | Path, required: tuple[str, ...], *, what: str, once: str
) -> pd.DataFrame:
    """The table in `path` (a `what`: ``plan``, ``policy``) with the `required` columns (their
    names stripped and lower-cased), every cell as text, indexed by each row's line in the
    file (:data:`LINE`). Its ``customer_id`` column holds the ids as ingest stores them
    (``17850.0`` is ``17850``, an e-mail address or phone number its hash); an empty id or a
    customer named twice (`once` says what was expected) is refused naming the file, line and
    value (an address masked). Anything unreadable is one :class:`InputError` naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file")
    fits = has_columns(*required)
    frame = _text_table(path, fits, what)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}: a {what} needs "
            f"{', '.join(required)} (found: {', '.join(map(masked, frame.columns))})"
        )
    empty = (frame["customer_id"].str.strip() == "").to_numpy(dtype=bool)
    if empty.any():
        line = int(frame.index[int(empty.argmax())])
        raise InputError(f"{path}: line {line}, column customer_id: '': a customer id")
    frame["customer_id"] = file_customer_ids(
        frame["customer_id"], str(path), expected=once, lines=frame.index.to_numpy()
    )
    return frame


def _text_table(path: Path, fits, what: str) -> pd.DataFrame:
    """A delimited text file, every cell as text, indexed by line."""
    prepared = prepare_text(path)
    try:
        lines = headers.leading_lines(prepared.path)
        rows = headers.split_lines(lines)
        above = headers.find_header(rows, fits) if rows else 0
        sep = headers.header_delimiter(lines[above] if lines else "")
        options = {"sep": sep, "skiprows": above, "dtype": str, "keep_default_na": False}
        try:
            # blank lines kept as rows, to be numbered and dropped here (pandas drops them
            # unnumbered, and every later row was named a line too early)
            frame = pd.read_csv(
                prepared.path, encoding="utf-8-sig", skip_blank_lines=False, **options
            )
            starts, blank = _record_lines(prepared.path, sep, above)
            if len(starts) != len(frame):  # the csv module splits it otherwise: as before
                frame = pd.read_csv(prepared.path, encoding="utf-8-sig", **options)
                starts, blank = np.arange(len(frame)) + above + 2, np.zeros(len(frame), bool)
        except (ValueError, csv.Error) as error:  # pandas' ParserError and EmptyDataError
            raise InputError(f"{path}: cannot read as a CSV {what}: {first_line(error)}") from None
    finally:
        prepared.cleanup()
    frame.index = pd.Index(starts, name=LINE)
    return frame[~blank]


def _record_lines(path: Path, sep: str, above: int) -> tuple[np.ndarray, np.ndarray]:
    """The file line each record below the header starts on, and whether it is blank (an
    empty line or one of spaces, which pandas reads as a row of empty cells)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for _ in range(above):
            handle.readline()
        reader = csv.reader(handle, delimiter=sep)
        next(reader, None)
        starts, blank = [], []
        end = reader.line_num
        for record in reader:
            starts.append(above + end + 1)
            blank.append(not record or (len(record) == 1 and not record[0].strip()))
            end = reader.line_num
    return np.asarray(starts, dtype=np.int64), np.asarray(blank, dtype=bool)

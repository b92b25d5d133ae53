"""Why DuckDB cannot read a delimited file (or a row of it), in words a shop owner can act on:
the first record with the wrong number of fields, or a quoted field never closed, by line."""

from __future__ import annotations

import csv
from pathlib import Path

from promopilot.data.words import counted

MAX_LINE_BYTES = 10_000_000


def unreadable(error: BaseException, path: Path, delimiter: str, quote: str, above: int = 0) -> str:
    """Why DuckDB cannot read a delimited file, in words a shop owner can act on."""
    if "Maximum line size" in str(error):
        return (
            f"a line is longer than {MAX_LINE_BYTES:,} bytes: is it a CSV file, "
            "or does a quoted field miss its closing quote?"
        )
    return _first_bad_record(path, delimiter, quote, above) or (
        f"cannot read as a table: {first_line(error)}"
    )


def _first_bad_record(path: Path, delimiter: str, quote: str, above: int = 0) -> str | None:
    """Where a file DuckDB refuses as a whole goes wrong: the first record whose number of
    fields is not the header's (read with the csv module; only on this error path; `above`
    lines above the header skipped)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for _ in range(above):
            handle.readline()
        options = {"quotechar": quote, "strict": True} if quote else {"quoting": csv.QUOTE_NONE}
        reader = csv.reader(handle, delimiter=delimiter, **options)
        try:
            header = next(reader, None)
            if header is None:
                return None
            start = reader.line_num + above + 1
            for record in reader:
                spans = reader.line_num + above - start + 1
                if record and len(record) != len(header):
                    if spans > 1 and quote:
                        return (
                            f"line {start}: a quoted field opened on this line is not closed "
                            f"(the record runs over {spans:,} lines): check the quoting"
                        )
                    return (
                        f"line {start}: {counted(len(record), 'field')} where the header has "
                        f"{len(header)}: check the delimiter and quoting"
                    )
                start = reader.line_num + above + 1
        except csv.Error as error:
            if "end of data" in str(error):
                return (
                    f"line {start}: a quoted field opened here is never closed: check the quoting"
                )
            return f"line {start}: {error}: check the quoting"
    return None


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def reject_reason(message: str) -> str:
    text = str(message).strip().splitlines()[0] if message else "unreadable row"
    return f"malformed CSV row: {text}"

"""Where a delimited file's header is, and its delimiter.

The header is line 1, except in exports that write up to :data:`MAX_ABOVE` lines above it (a
report title, a date range, a blank line), as Chinese shop back offices and Excel reports do:
then it is the first of the file's first ``MAX_ABOVE + 1`` lines whose columns are the ones
the table needs (the caller says which, ``fits``), and the lines above it are skipped with a
note. A file whose first lines hold no such header is read from line 1, as before, and refused
by the column check naming what it expected.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from promopilot.data.textfile import utf16_encoding

DELIMITERS = (",", ";", "\t", "|")
MAX_ABOVE = 5  # lines above the header that are skipped (a title, a date range, a blank line)
LINE_BYTES = 65536  # the most of one line read for a file's head


@dataclass(frozen=True)
class Head:
    """A file's first bytes: its first ``MAX_ABOVE + 1`` LF-ended lines (each cut at
    :data:`LINE_BYTES`), twice as many bytes where they are UTF-16 (a LF byte ends no UTF-16
    line); `whole` when they are the whole file."""

    data: bytes
    whole: bool

    def lines(self, encoding: str) -> list[str] | None:
        """The first ``MAX_ABOVE + 1`` lines in `encoding`, as :func:`leading_lines` reads
        them from the file decoded (LF, CR or CRLF ends; line ends and the BOM of line 1
        removed); None where the bytes hold fewer whole lines (a line longer than
        :data:`LINE_BYTES`) or do not decode: the caller reads the file itself."""
        try:
            text = codecs.getincrementaldecoder(encoding)("strict").decode(self.data, self.whole)
        except (UnicodeDecodeError, LookupError):
            return None
        parts = io.StringIO(text, newline="").readlines()
        if not self.whole and parts and not parts[-1].endswith(("\n", "\r")):
            parts.pop()  # cut short: not a whole line
        if not self.whole and len(parts) < MAX_ABOVE + 1:
            return None
        lines = [line.rstrip("\r\n") for line in parts[: MAX_ABOVE + 1]]
        if lines:
            lines[0] = lines[0].lstrip("\ufeff")
        return lines


# the heads read during one ingest (:func:`read_once`), by file: detection and staging share one
_HEADS: ContextVar[dict[tuple, Head] | None] = ContextVar("promopilot_heads", default=None)


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within it, :func:`file_head` reads each file's head once (an ingest: its layout
    detection looks at a file's first lines, then staging does)."""
    token = _HEADS.set({})
    try:
        yield
    finally:
        _HEADS.reset(token)


def file_head(path: Path) -> Head:
    """The :class:`Head` of a file, read once within :func:`read_once` (known by its path as
    given, size and modification time: resolving the path would cost as much as reading)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    heads = _HEADS.get()
    if heads is not None and key in heads:
        return heads[key]
    with open(path, "rb") as handle:
        data = b"".join(handle.readline(LINE_BYTES) for _ in range(MAX_ABOVE + 1))
        if utf16_encoding(data) is not None:  # with its BOM, or without one told by its NULs
            handle.seek(0)
            data = handle.read(len(data) * 2)
    head = Head(data, len(data) >= stat.st_size)
    if heads is not None:
        heads[key] = head
    return head


def header_delimiter(header: str) -> str:
    """The delimiter of ``, ; TAB |`` that splits this header line (read with the csv module,
    quotes respected) into the most fields, ties going to the earlier one; ``,`` for a
    one-column line."""
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] > 1 else ","


def duplicates(header: str, delimiter: str) -> tuple[str, ...]:
    """Names that appear more than once in a header line (compared without surrounding
    spaces)."""
    names = [n.strip() for n in next(csv.reader([header], delimiter=delimiter), [])]
    seen: set[str] = set()
    return tuple(dict.fromkeys(n for n in names if n and (n in seen or seen.add(n))))


def leading_lines(path: Path) -> list[str]:
    """The text of the file's first ``MAX_ABOVE + 1`` lines (UTF-8), without line ends or the
    BOM of line 1: the candidates for the header, read once (:func:`split_lines` gives their
    cells; the header found among them gives the delimiter and the duplicated names)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        lines = [line.rstrip("\r\n") for line in islice(handle, MAX_ABOVE + 1)]
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return lines


def leading_rows(path: Path) -> list[list[str]]:
    """The cells of the file's first ``MAX_ABOVE + 1`` lines (UTF-8), each line split by the
    delimiter that splits it best: the candidates for the header."""
    return split_lines(leading_lines(path))


def split_lines(lines: list[str]) -> list[list[str]]:
    """The cells of a file's first lines (text, line ends and the BOM of line 1 removed), each
    split by the delimiter that splits it best."""
    lines = [line.rstrip("\r\n") for line in lines[: MAX_ABOVE + 1]]
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return [_cells(line) for line in lines]


def _cells(line: str) -> list[str]:
    """A line's cells; a line the csv module cannot split (a field over its size limit: no
    header) is one cell."""
    try:
        return next(csv.reader([line], delimiter=header_delimiter(line)), [])
    except csv.Error:
        return [line]


def is_blank(cells: list[str]) -> bool:
    return all(not str(c).strip() for c in cells)


def find_header(rows: list[list[str]], fits: Callable[[list[str]], bool]) -> int:
    """How many of `rows` (a file's first lines, as cells) are above its header: 0 when the
    first row fits (the usual file) or when none of the first ``MAX_ABOVE + 1`` does."""
    for above, cells in enumerate(rows[: MAX_ABOVE + 1]):
        if not is_blank(cells) and fits([str(c).strip() for c in cells]):
            return above
    return 0


def name_key(name: object) -> str:
    """A header name as the layouts' detectors and importers compare it: without surrounding
    spaces and double quotes, lower-cased (``' "InvoiceNo" '`` -> ``invoiceno``), as
    :func:`.synonyms.normalize` reads a name in quotes."""
    return str(name).strip().strip('"').lower()


def lowered(test: Callable[[list[str]], bool]) -> Callable[[list[str]], bool]:
    """A `fits` for :func:`find_header` from a test of lower-cased names (as the layouts'
    detectors take a header): the line's cells, as :func:`name_key` reads them, pass `test`."""
    return lambda cells: test([name_key(c) for c in cells])


def has_columns(*names: str) -> Callable[[list[str]], bool]:
    """A `fits` for :func:`find_header`: the line names all of `names` (case and surrounding
    spaces ignored), as a hand-edited plan's header does."""
    wanted = {n.lower() for n in names}
    return lowered(lambda cells: wanted <= set(cells))


def skipped_note(above: list[list[str]], below: str = "the header") -> str:
    """The note for the lines skipped above the header: ``line 1 skipped: a title above the
    header (line 2)`` (`below`: what they are above, ``the first row`` in a file without a
    header). Their text is not repeated (a title may name the shop or a person)."""
    n = len(above)
    blanks = sum(is_blank(cells) for cells in above)
    titles = n - blanks
    parts = []
    if titles:
        parts.append("a title" if titles == 1 else f"{titles} title lines")
    if blanks:
        parts.append("a blank line" if blanks == 1 else f"{blanks} blank lines")
    lines = "line 1" if n == 1 else f"lines 1-{n}"
    return f"{lines} skipped: {' and '.join(parts)} above {below} (line {n + 1})"

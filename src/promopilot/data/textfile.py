"""Make a text table readable: detect its encoding and line endings, streaming, never whole.

DuckDB reads UTF-8 (with or without BOM) with uniform LF or CR line endings. Anything else
(GBK/GB18030 from Chinese spreadsheet tools, mixed CRLF/LF endings) is rewritten once, chunk
by chunk, into a UTF-8 temporary file with LF endings.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from promopilot.exceptions import InputError

CHUNK = 16 * 1024 * 1024
ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class PreparedText:
    """What :func:`prepare_text` found and where the readable copy is."""

    source: Path
    path: Path  # the file DuckDB should read (the source itself or a temporary copy)
    encoding: str
    n_newlines: int  # LF count in the readable file
    rewritten: bool
    ends_with_newline: bool

    def cleanup(self) -> None:
        if self.rewritten:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


def _scan(path: Path, encoding: str) -> tuple[int, int, int, bool]:
    """Decode the whole file in chunks.

    Returns (CR count, LF count, CRLF count, ends with newline)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    n_cr = 0
    n_lf = 0
    n_crlf = 0
    last = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            decoder.decode(chunk)
            n_cr += chunk.count(b"\r")
            n_lf += chunk.count(b"\n")
            n_crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            last = chunk[-1:]
    decoder.decode(b"", final=True)
    return n_cr, n_lf, n_crlf, last in (b"\n", b"\r")


def _rewrite(path: Path, encoding: str) -> tuple[Path, int]:
    """Stream `path` into a UTF-8 temporary file with LF line endings."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    fd, name = tempfile.mkstemp(prefix="promopilot-", suffix=".csv")
    n_lf = 0
    pending_cr = False
    first = True
    with open(path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            if pending_cr:
                text = "\r" + text
                pending_cr = False
            if chunk and text.endswith("\r"):
                text, pending_cr = text[:-1], True
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            n_lf += text.count("\n")
            dst.write(text)
            if not chunk:
                break
    return Path(name), n_lf


def prepare_text(path: str | Path, *, encoding: str | None = None) -> PreparedText:
    """Check that `path` is a readable text table and return a UTF-8/LF view of it.

    Raises
    ------
    encoding : a known encoding; skips detection and always rewrites to UTF-8.

    Raises
    ------
    InputError
        The file is missing, empty, or in an encoding that is neither UTF-8 nor GBK/GB18030.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (no header row)")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if b"\x00" in head:
        raise InputError(f"{path}: not a text table (binary content); expected CSV or Parquet")
    if encoding is not None:  # the caller knows (e.g. MovieLens' Latin-1 item file)
        new_path, n_lf = _rewrite(path, encoding)
        return PreparedText(path, new_path, encoding, n_lf, True, True)
    for encoding in ENCODINGS:
        try:
            n_cr, n_lf, n_crlf, ends_nl = _scan(path, encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and (n_cr == 0 or n_cr == n_lf == n_crlf):
            # UTF-8 with uniform LF or CRLF endings: DuckDB reads it as it is (equal CR and LF
            # counts alone are not enough: a mix of lone CRs and lone LFs can balance out)
            return PreparedText(path, path, encoding, n_lf, False, ends_nl)
        new_path, n_lf = _rewrite(path, encoding)
        return PreparedText(path, new_path, encoding, n_lf, True, ends_nl)
    raise InputError(
        f"{path}: unknown text encoding: expected UTF-8 (with or without BOM) or GBK/GB18030"
    )

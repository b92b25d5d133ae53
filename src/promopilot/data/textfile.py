"""Make a text table readable: detect its encoding and line endings, streaming, never whole.

DuckDB reads UTF-8 (with or without BOM) with uniform LF or CR line endings. Anything else
(GBK/GB18030 from Chinese spreadsheet tools, UTF-16 with a BOM as Excel saves "Unicode Text"
or without one where its NUL bytes leave no doubt, mixed CRLF/LF endings) is rewritten once,
chunk by chunk, into a UTF-8 temporary file with LF endings; a line of the copy is the line of
the file it was made from.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from promopilot.data.line_ends import LfLineEnds
from promopilot.exceptions import InputError

# the CSV files people open (a profile, recommendations, a plan, scored reviews): UTF-8 with a
# BOM, without which Excel reads them in the computer's code page (GBK on a Chinese Windows)
# and garbles every Chinese cell; every reader here, pandas and DuckDB skip the BOM
EXCEL_CSV = "utf-8-sig"
CHUNK = 16 * 1024 * 1024
# cp1252 (Windows' Western European, a superset of Latin-1's letters) is tried last: nearly
# any bytes decode as GB18030, so a file that does only because its accented letters pair up
# with the next ASCII byte is taken for what it is (see _looks_like_gbk)
ENCODINGS = ("utf-8", "gb18030", "cp1252")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
# a GB18030 four-byte code (characters outside GBK: 𠮷)
_GB_FOUR = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]")
# UTF-16 as Excel's "Unicode Text (*.txt)" saves it (little-endian, tab-delimited) or big-endian,
# told by its byte order mark; Python's "utf-16" codec reads the mark and drops it
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16 = "utf-16"
BINARY = "not a text table (binary content)"
UTF16_ADVICE = "save it as UTF-8, or as UTF-16 with its BOM (Excel's Unicode Text)"


# UTF-32's marks: the little-endian one starts with UTF-16 LE's, and its text would read as
# UTF-16 with a NUL after every character
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"


# the first bytes of an Office 97-2003 compound file: an old Excel .xls workbook
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_EXCEL = (
    "an old Excel .xls workbook (Excel 97-2003) is not read: open it in Excel and save it as "
    "an Excel Workbook (.xlsx) or as CSV UTF-8"
)


def refuse_old_excel(path: str | Path) -> None:
    """Refuse an old Excel ``.xls`` workbook by name, in one wording for every reader (ingest,
    a plan or policy, ``promopilot sentiment --in``): a file named ``.xls``, or one of
    another name whose first bytes are an ``.xls`` workbook's (saved as ``orders.csv``). A
    file that does not exist is left to the caller to name."""
    path = Path(path)
    if not path.is_file():
        return
    old = path.suffix.lower() == ".xls"
    if not old:
        with open(path, "rb") as handle:
            old = handle.read(len(OLD_EXCEL_MAGIC)) == OLD_EXCEL_MAGIC
    if old:
        raise InputError(f"{path}: {OLD_EXCEL}")


def has_utf16_bom(head: bytes) -> bool:
    """Whether a file's first bytes are a UTF-16 byte order mark (LE or BE), not UTF-32's."""
    return head.startswith(UTF16_BOMS) and not head.startswith(UTF32_BOMS)


# how far a file is looked at for NUL bytes and, without a BOM, for UTF-16's pattern
SNIFF = 64 * 1024
UTF16_LE, UTF16_BE = "utf-16-le", "utf-16-be"
# characters no text table holds: controls other than TAB, LF and CR (U+0000 included),
# unassigned code points, private use and lone surrogates
_NOT_TEXT = frozenset({"Cc", "Cn", "Co", "Cs"})


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 codec of a file whose first bytes are `head` (up to :data:`SNIFF` of them):
    ``"utf-16"`` after its byte order mark, :data:`UTF16_LE` or :data:`UTF16_BE` for text
    without one whose NUL bytes leave no doubt; None for anything else.

    Without a BOM, an ASCII character (a letter, digit, tab, line end) is a two-byte unit with
    a NUL after it in little-endian, before it in big-endian; Chinese characters hold no NUL,
    except a few such as 一 (U+4E00, ``00 4E`` in little-endian) that put theirs on the other
    side. So the line ends decide: the file is little-endian when its LF and CR bytes
    paired with a NUL come as ``0A 00`` / ``0D 00`` (at least one, and at most one in 20 the
    other way round) and no LF or CR byte sits where a character's high byte is (U+0A00 and
    U+0D00 are Indic scripts: in a UTF-8 file with stray NULs the line ends fall on both
    sides); big-endian the mirror image. No unit may be two NULs (U+0000, in no text), and
    the units must read as text: no control character other than TAB, LF and CR, nothing
    unassigned, private or a lone surrogate (at most 1 %, for characters newer than this
    Python's Unicode tables). Binary content (zip, Parquet, .xls) fails these."""
    if has_utf16_bom(head):
        return UTF16
    head = head[:SNIFF]
    head = head[: len(head) // 2 * 2]
    if b"\x00" not in head or head.startswith(UTF32_BOMS):
        return None
    ends = {0x0A, 0x0D}
    low, high = head[0::2], head[1::2]
    if any(a == 0 and b == 0 for a, b in zip(low, high, strict=True)):
        return None  # U+0000
    n_le = sum(a in ends and b == 0 for a, b in zip(low, high, strict=True))
    n_be = sum(a == 0 and b in ends for a, b in zip(low, high, strict=True))
    many, few = max(n_le, n_be), min(n_le, n_be)
    if not many or few * 20 > many:
        return None
    encoding, leads = (UTF16_LE, high) if n_le > n_be else (UTF16_BE, low)
    if sum(leads.count(end) for end in ends):  # a line end as a character's high byte
        return None
    text = codecs.getincrementaldecoder(encoding)("replace").decode(head)
    return encoding if _odd_characters(text) * 100 <= len(text) else None


def _odd_characters(text: str) -> int:
    """How many characters of `text` no text table holds (:data:`_NOT_TEXT`, U+FFFD)."""
    return sum(
        (unicodedata.category(c) in _NOT_TEXT and c not in "\t\n\r") or c == "\ufffd" for c in text
    )


def may_be_utf16(head: bytes) -> bool:
    """Whether NUL bytes that leave :func:`utf16_encoding` in doubt still fit UTF-16 text
    without its BOM: in one byte order the units hold a line end (U+000A or U+000D), no LF or
    CR byte stands where a character's high byte is, and at most one character in ten is one
    no text holds. A short, mostly Chinese file (few ASCII characters, so few NULs) with one
    private-use icon or a character newer than this Python's Unicode tables among its first
    50 characters is such a file; binary content, and UTF-8 text with stray NULs (its LF bytes
    on both sides of a unit, and never beside a NUL), are not."""
    head = head[: len(head) // 2 * 2]
    for encoding, leads in ((UTF16_LE, head[1::2]), (UTF16_BE, head[0::2])):
        if b"\n" in leads or b"\r" in leads:  # U+0A00, U+0D00: Indic, or no UTF-16
            continue
        text = codecs.getincrementaldecoder(encoding)("replace").decode(head)
        if ("\n" in text or "\r" in text) and _odd_characters(text) * 10 <= len(text):
            return True
    return False


def nul_reason(head: bytes) -> str:
    """Why a file whose first bytes (`head`) hold NUL bytes is not read: binary content, or
    likely UTF-16 text without a byte order mark where the NULs fill every other byte (the high
    bytes of ASCII letters, digits, tabs and line ends; a few characters such as 一, U+4E00,
    put one on the other side), or possibly such text where its NULs fit it though they are
    too few or the text too odd to be sure (:func:`may_be_utf16`: mostly Chinese text)."""
    head = head[: len(head) // 2 * 2]
    for parity in (0, 1):
        on, off = head[parity::2].count(0), head[1 - parity :: 2].count(0)
        if on * 4 >= len(head) and off * 20 <= on:
            return (
                f"{BINARY}: NUL bytes in every other position, likely UTF-16 text without its "
                "byte order mark (BOM)"
            )
    if may_be_utf16(head):
        return (
            f"{BINARY}: its NUL bytes fit UTF-16 text without its byte order mark (BOM), which "
            "it may be"
        )
    return BINARY


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


def _rewrite(path: Path, encoding: str) -> tuple[Path, int, bool]:
    """Stream `path` into a UTF-8 temporary file with LF line endings.

    Returns (the copy, its LF count, whether it ends with a line end)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    fd, name = tempfile.mkstemp(prefix="promopilot-", suffix=".csv")
    n_lf = 0
    ends = LfLineEnds()
    first = True
    ends_nl = False
    try:
        with open(path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            while True:
                chunk = src.read(CHUNK)
                text = decoder.decode(chunk, final=not chunk)
                if first:
                    text = text.removeprefix("\ufeff")
                    first = False
                text = ends.feed(text, final=not chunk)
                n_lf += text.count("\n")
                ends_nl = text.endswith("\n") if text else ends_nl
                dst.write(text)
                if not chunk:
                    break
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), n_lf, ends_nl


def prepare_text(path: str | Path, *, encoding: str | None = None) -> PreparedText:
    """Check that `path` is a readable text table and return a UTF-8/LF view of it.

    Raises
    ------
    encoding : a known encoding; skips detection and always rewrites to UTF-8.

    Raises
    ------
    InputError
        The file is missing, empty, binary (UTF-16 without its BOM whose NULs leave a doubt
        said so), or in an encoding that is not UTF-8, UTF-16 (with a BOM, or without one
        told by :func:`utf16_encoding`), GBK/GB18030 or Windows-1252.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (no header row)")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF)
    whole = path.stat().st_size <= len(head)
    if head.startswith(UTF32_BOMS):
        raise InputError(f"{path}: UTF-32 text is not read; {UTF16_ADVICE}")
    if whole and head == UTF8_BOM:  # the BOM alone
        raise InputError(f"{path}: the file is empty (no header row)")
    wide = utf16_encoding(head)  # with its BOM, or without one where the NULs leave no doubt
    if wide is not None:
        encoding = wide
        if whole and len(head) == 2 and wide == UTF16:  # the BOM alone
            raise InputError(f"{path}: the file is empty (no header row)")
        if whole and not head.decode(wide, "replace").strip():
            raise InputError(f"{path}: the file holds only blank lines (no header row)")
    elif not head.removeprefix(UTF8_BOM).strip() and whole:
        raise InputError(f"{path}: the file holds only blank lines (no header row)")
    elif b"\x00" in head:
        reason = nul_reason(head)
        advice = "expected CSV or Parquet" if reason == BINARY else UTF16_ADVICE
        raise InputError(f"{path}: {reason}; {advice}")
    if encoding is not None:  # the caller knows (e.g. MovieLens' Latin-1 item file) or a BOM
        try:
            new_path, n_lf, ends_nl = _rewrite(path, encoding)
        except UnicodeDecodeError as error:
            raise InputError(
                f"{path}: cannot read as {encoding.upper()} text ({error.reason}); save it as UTF-8"
            ) from None
        return PreparedText(path, new_path, encoding, n_lf, True, ends_nl)
    for encoding in ENCODINGS:
        try:
            n_cr, n_lf, n_crlf, ends_nl = _scan(path, encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _looks_like_gbk(path):
            continue
        if encoding == "cp1252" and not _looks_western(path):
            continue
        if encoding == "utf-8" and (n_cr == 0 or n_cr == n_lf == n_crlf):
            # UTF-8 with uniform LF or CRLF endings: DuckDB reads it as it is (equal CR and LF
            # counts alone are not enough: a mix of lone CRs and lone LFs can balance out)
            return PreparedText(path, path, encoding, n_lf, False, ends_nl)
        new_path, n_lf, _ = _rewrite(path, encoding)
        return PreparedText(path, new_path, encoding, n_lf, True, ends_nl)
    raise InputError(
        f"{path}: unknown text encoding: expected UTF-8 (with or without BOM), UTF-16 with a "
        "BOM, GBK/GB18030 or Windows-1252 (Latin-1): save it as UTF-8"
    )


def _looks_like_gbk(path: Path) -> bool:
    """Whether text that decodes as GB18030 is likely Chinese rather than Windows-1252.

    Each run of bytes above 0x7F is read both ways. Evidence for Chinese: a two-byte character
    from GB2312's first level (lead 0xB0-0xD7: the 3,755 common characters) or its punctuation
    rows (lead 0xA1-0xA3: ``，`` ``。`` ``（``), both bytes above 0xA0. Evidence for Western
    text: a run of odd length (its last byte pairs with the ASCII byte after it, which GB2312
    never does: ``é`` + ``e``), or a two-byte run of Windows-1252 letters inside a word: with
    an ASCII letter beside it when it is no common character (``Größe`` is ``Gr`` + ``鲞``, a
    rare second-level character, + ``e`` in GBK), with ASCII letters on both sides when it is
    one (``GRÖßE``: ``GR`` + ``诌`` + ``E``; a Chinese character seldom sits inside a Latin
    word). GB18030's four-byte codes and runs that are neither (``枸杞``: second-level, but
    not inside a Latin word) count for neither side; ties stay GBK."""
    with open(path, "rb") as handle:
        head = _GB_FOUR.sub(b" ", handle.read(1024 * 1024))
    n_chinese = n_western = 0
    for match in _HIGH_RUN.finditer(head):
        run = match.group()
        if len(run) % 2:
            n_western += 1
            continue
        n_common = sum(_is_common_gb2312(run[i], run[i + 1]) for i in range(0, len(run), 2))
        if len(run) == 2 and run.decode("cp1252", "replace").isalpha():
            n_letters = (
                head[match.start() - 1 : match.start()].isalpha()
                + head[match.end() : match.end() + 1].isalpha()
            )
            if n_letters == 2 or (n_letters and not n_common):
                n_western += 1
                continue
        n_chinese += n_common
    return n_chinese >= n_western


def _is_common_gb2312(lead: int, trail: int) -> bool:
    """A GB2312 first-level character or Chinese punctuation (both bytes 0xA1-0xFE)."""
    return (0xB0 <= lead <= 0xD7 or 0xA1 <= lead <= 0xA3) and 0xA1 <= trail <= 0xFE


def _looks_western(path: Path) -> bool:
    """Whether text that decodes as Windows-1252 is likely Western European: its non-ASCII
    bytes are single accented letters or signs (``é``, ``£``), rarely three or more in a row
    as in Chinese or Japanese text in another encoding."""
    with open(path, "rb") as handle:
        head = handle.read(1024 * 1024)
    runs = _HIGH_RUN.findall(head)
    return sum(len(r) >= 3 for r in runs) * 10 <= len(runs)

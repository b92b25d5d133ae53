"""CSV in, CSV out: what ``promopilot sentiment`` runs."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.columns import RATING, TEXT
from promopilot.data import headers, synonyms
from promopilot.data.cells import CELLS, TEXT_FILE, Cells, cells_of, record_lines
from promopilot.data.followups import followup_columns, with_followups
from promopilot.data.line_ends import has_lone_cr, lf_line_ends
from promopilot.data.ratings import other_scale, other_scale_refusal, read_stars
from promopilot.data.review_text import masked_texts
from promopilot.data.textfile import (
    EXCEL_CSV,
    SNIFF,
    UTF16_ADVICE,
    nul_reason,
    refuse_old_excel,
    utf16_encoding,
)
from promopilot.data.workbook import workbook_below_title
from promopilot.exceptions import InputError
from promopilot.text.labels import (
    LABEL,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SENTIMENT,
    SENTIMENT_METHOD,
    STARS_MAX,
    STARS_MIN,
    checked_scale,
    scale_text,
)
from promopilot.text.reviews import review_sentiment


@dataclass(frozen=True)
class SentimentRun:
    """What :func:`score_csv` did."""

    n_rows: int
    method: str
    n_rated: int
    n_trained: int
    encoding: str
    label_counts: dict[str, int] = field(default_factory=dict)
    method_counts: dict[str, int] = field(default_factory=dict)
    text_column: str = TEXT
    label_column: str = LABEL
    left_out: tuple[str, ...] = ()
    followup_column: str | None = None
    rating_column: str | None = None
    notes: tuple[str, ...] = ()  # how the file was read (lines above the header skipped)


def read_text_csv(
    path: str | Path, text_column: str | None = None, notes: list[str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Read a CSV (or an ``.xlsx`` workbook's first sheet) as text cells (nothing converted),
    in UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one where its NUL bytes
    leave no doubt: :func:`~promopilot.data.textfile.utf16_encoding`) or GBK/GB18030, its
    delimiter (``,`` ``;`` TAB ``|``) found from the header as ingest finds it. The header is
    line 1, or the first of the first six lines with a review text column (`text_column`, or
    one :func:`find_text_column` takes), as ingest finds it below a title
    (:mod:`promopilot.data.headers`); the note saying lines were skipped goes to `notes`.
    Returns the table and the encoding used."""
    path = Path(path)
    fits = _has_text_column(text_column)
    notes = [] if notes is None else notes
    refuse_old_excel(path)  # by its name, or its first bytes under another name
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        return _read_workbook(path, fits, notes), "xlsx"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    wide = utf16_encoding(raw[:SNIFF])  # with its BOM, or without one told by its NULs
    if wide is None and b"\x00" in raw[:SNIFF]:
        raise InputError(f"{path}: {nul_reason(raw[:SNIFF])}; {UTF16_ADVICE}")
    for encoding in (wide,) if wide is not None else ("utf-8-sig", "gb18030"):
        try:
            decoded = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly any byte string: a UTF-16 file cut short
        raise InputError(f"{path}: not UTF-8, UTF-16 or GBK/GB18030 text")
    if has_lone_cr(decoded):  # old Mac line ends: as ingest reads them
        decoded = lf_line_ends(decoded)
    rows = headers.split_lines(decoded.split("\n", headers.MAX_ABOVE + 1))
    above = headers.find_header(rows, fits)
    if above:
        notes.append(headers.skipped_note(rows[:above]))
    try:
        line = decoded.lstrip("\ufeff").split("\n", above + 1)[above].rstrip("\r")
        sep = headers.header_delimiter(line)
        table = pd.read_csv(
            io.StringIO(decoded), sep=sep, skiprows=above, dtype=str, keep_default_na=False
        )
    except csv.Error as error:  # the header line, read for its delimiter
        raise InputError(
            f"{path}: line {above + 1}: not a readable CSV header ({str(error).strip()})"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path}: not a readable CSV table ({str(error).strip()})") from None
    # a rating is named by its file line: the header's, plus the lines held by quoted line
    # breaks and the blank lines pandas skipped above it
    lines = record_lines(decoded, sep, above, len(table))
    table.attrs[CELLS] = Cells(first_line=above + 2, lines=lines)
    return table, "utf-8" if encoding == "utf-8-sig" else encoding


def _read_workbook(path: Path, fits, notes: list[str]) -> pd.DataFrame:
    """The first sheet of an Excel workbook, every cell as text, its header found as ingest
    finds it."""
    frame, above, skipped = workbook_below_title(path, fits, dtype=str)
    notes += skipped
    frame = frame.fillna("")  # an empty row stays a row: row i is on the sheet's row above + 2 + i
    frame.attrs[CELLS] = Cells(workbook=True, headers=tuple(frame.columns), first_line=above + 2)
    return frame


def _has_text_column(text_column: str | None):
    """Whether a line's cells are a header with a review text column (`text_column` when
    given): how the header is found below a title."""

    def fits(cells: list[str]) -> bool:
        if text_column is not None:
            return text_column in cells
        keys = {c.strip().lower() for c in cells}
        if any(name in keys for name in TEXT_COLUMN_NAMES):
            return True
        return TEXT in synonyms.match(cells, "reviews", (TEXT,))

    return fits


TEXT_COLUMN_NAMES = (
    "text",
    "review",
    "review_text",
    "reviews",
    "comment",
    "comments",
    "content",
    "body",
    "message",
    "评价内容",  # before 评价: Taobao writes 评价 (好评/中评/差评) beside it
    "评论内容",
    "评论",
    "评价",
    "内容",
    "文本",
)
"""Column names taken for the review text, in this order (case and spaces ignored)."""

OUTPUT_COLUMNS = (SENTIMENT, LABEL, SENTIMENT_METHOD)
PREDICTED_PREFIX = "predicted_"


def find_text_column(table: pd.DataFrame, text_column: str | None, path: str | Path) -> str:
    """The column holding the review text: `text_column` when given, else the first of
    :data:`TEXT_COLUMN_NAMES` present. Raises :class:`InputError` naming what was looked for."""
    found = ", ".join(map(str, table.columns[:12])) or "none"
    if text_column is not None:
        if text_column not in table.columns:
            raise InputError(f"{path}: no column {text_column!r} (columns: {found})")
        return text_column
    by_key = {str(c).strip().lower(): c for c in table.columns}
    for name in TEXT_COLUMN_NAMES:
        if name in by_key:
            return by_key[name]
    # the names a shop folder's reviews file may use (评价内容, Review Text, ...)
    found_as = synonyms.match([str(c) for c in table.columns], "reviews", (TEXT,))
    if TEXT in found_as:
        return found_as[TEXT]
    expected = ", ".join(TEXT_COLUMN_NAMES)
    raise InputError(
        f"{path}: no review text column (expected one of {expected}, or --text-column; "
        f"columns: {found})"
    )


def output_names(table: pd.DataFrame, path: str | Path) -> dict[str, str]:
    """Names of the added columns: ``sentiment``, ``label``, ``sentiment_method``, or, when
    the input already has any of them, all three prefixed ``predicted_`` (an existing column
    is never overwritten; with the prefixed names taken too, refuse)."""
    if not any(c in table.columns for c in OUTPUT_COLUMNS):
        return {c: c for c in OUTPUT_COLUMNS}
    names = {c: PREDICTED_PREFIX + c for c in OUTPUT_COLUMNS}
    taken = [n for n in names.values() if n in table.columns]
    if taken:
        raise InputError(
            f"{path}: already has columns {', '.join(OUTPUT_COLUMNS)} and {', '.join(taken)}; "
            "rename them so the scores do not overwrite them"
        )
    return names


SENTIMENT_GIVES = "sentiment --rating-scale {scale}"  # how this command takes a scale


def _check_ratings(
    ratings: pd.Series,
    written: pd.Series,
    *,
    path: str | Path,
    cells: Cells = TEXT_FILE,
    rating_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """The ratings as numbers (NaN where blank). A cell that is no number, or outside
    `rating_range`, is refused in one line naming the file, its line as the file numbers it
    (``line 7, column 评分``: :func:`record_lines`; in a workbook as Excel names the cell:
    ``row 7, column C (评分)``), the column and the value as written. Without a
    `rating_range` (1-5 stars), a column of numbers up to 10 or 100 is refused saying which
    scale it looks like and how to give it (``sentiment --rating-scale 1-10``), worded as ingest
    words it (:func:`promopilot.data.ratings.other_scale_refusal`): its 8 out of 10 would have
    read as no rating, or its 3 out of 10 as 3 stars."""
    given = rating_range is not None
    low, high = rating_range if given else (STARS_MIN, STARS_MAX)

    def where(at: int) -> str:  # line 7, column rating; row 7, column C (评分) in a workbook
        return cells.at(cells.line(at), str(written.name))

    blank = ratings.isna() | (ratings.astype(str).str.strip() == "")
    numeric = pd.to_numeric(ratings.where(~blank), errors="coerce")
    no_number = numeric.isna() & ~blank
    if not given and not no_number.any() and numeric.notna().any():
        above = float((numeric > STARS_MAX).sum() / numeric.notna().sum())
        other = other_scale(numeric.min(), numeric.max(), above)
        if other is not None:  # worded as ingest words it, naming this command's option
            at = int(np.nanargmax(numeric.to_numpy(dtype=float)))  # a blank cell is NaN
            lowest, highest = float(numeric.min()), float(numeric.max())
            refusal = other_scale_refusal(where(at), lowest, highest, other, SENTIMENT_GIVES)
            raise InputError(f"{path}: {refusal}")
    bad = no_number | (numeric < low) | (numeric > high)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        scale = scale_text((low, high))
        example = "(5, 5星, 4 分, 5 stars, ★★★☆☆)" if not given else f"on the scale {scale}"
        raise InputError(
            f"{path}: {where(at)}: "
            f"{written.iloc[at]!r} is not a {'star ' if not given else ''}rating: expected a "
            f"number {scale} {example} or a blank cell; fix or clear it"
            + ("" if given else ", or give the scale with --rating-scale")
        )
    return numeric.to_numpy(dtype=float)


def score_csv(
    in_path: str | Path,
    out_path: str | Path,
    *,
    min_rated: int = 200,
    random_state: int | None = 0,
    text_column: str | None = None,
    rating_range: tuple[float, float] | None = None,
) -> SentimentRun:
    """Read a CSV with a review text column (:func:`find_text_column`), score it with
    :func:`review_sentiment` and write it back (UTF-8) with ``sentiment``, ``label`` and
    ``sentiment_method`` added (``predicted_*`` when the input has such columns already,
    see :func:`output_names`). Input cells are written exactly as read, but for e-mail
    addresses and phone numbers in the review texts, scored and written ``***`` as ingest
    stores them (:func:`promopilot.data.review_text.masked_texts`); columns of contact data
    (e-mail, phone, name, address, IP address: :func:`synonyms.contact_columns`) are left out,
    as they are everywhere else. `rating_range` is the rating column's scale (None: 1-5
    stars, and a column of ratings up to 10 or 100 is refused naming the scale it looks
    like: :func:`_check_ratings`)."""
    notes: list[str] = []
    if rating_range is not None:
        rating_range = checked_scale(rating_range)
    table, encoding = read_text_csv(in_path, text_column, notes)
    source = find_text_column(table, text_column, in_path)
    names = output_names(table, in_path)
    followup, _ = followup_columns([str(c) for c in table.columns])
    for column in (source, followup):  # "call me 13812345678": scored and written "call me ***"
        if column is not None:
            table[column] = masked_texts(table[column])
    texts, _ = with_followups(table, source)  # 追评: scored with its review
    inputs = pd.DataFrame({TEXT: texts.to_numpy()}, index=table.index)
    rating = synonyms.match([str(c) for c in table.columns], "reviews", (RATING,)).get(RATING)
    if rating is not None:  # rating, stars, 评分, ...; 5星, 4 分, ★★★☆☆ as ingest reads them
        inputs[RATING] = _check_ratings(
            read_stars(table[rating]),
            table[rating],
            path=in_path,
            cells=cells_of(table),
            rating_range=rating_range,
        )
    result = review_sentiment(
        inputs,
        min_rated=min_rated,
        random_state=random_state,
        rating_range=(STARS_MIN, STARS_MAX) if rating_range is None else rating_range,
    )
    left_out = [
        c
        for c in synonyms.contact_columns(list(table.columns))
        if c not in (source, rating, followup)
    ]
    scored = table.drop(columns=left_out)
    for column in OUTPUT_COLUMNS:
        scored[names[column]] = result[column].to_numpy()
    try:
        scored.to_csv(out_path, index=False, encoding=EXCEL_CSV)
    except OSError as error:
        raise InputError(f"{out_path}: cannot write ({error.strerror})") from None
    summary = result.attrs[SENTIMENT]
    labels = result[LABEL].value_counts()
    methods = result[SENTIMENT_METHOD].value_counts()
    return SentimentRun(
        n_rows=len(scored),
        method=summary["method"],
        n_rated=summary["n_rated"],
        n_trained=summary["n_trained"],
        encoding=encoding,
        label_counts={k: int(labels.get(k, 0)) for k in (POSITIVE, NEUTRAL, NEGATIVE)},
        method_counts={k: int(v) for k, v in methods.items()},
        text_column=str(source),
        label_column=names[LABEL],
        left_out=tuple(map(str, left_out)),
        followup_column=followup,
        rating_column=rating,
        notes=tuple(notes),
    )

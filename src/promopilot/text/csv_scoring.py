"""CSV in, CSV out: what ``promopilot sentiment`` runs."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from promopilot.columns import TEXT
from promopilot.exceptions import InputError
from promopilot.text.labels import LABEL, NEGATIVE, NEUTRAL, POSITIVE, SENTIMENT, SENTIMENT_METHOD
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


def read_text_csv(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV as text cells (nothing converted), in UTF-8 (with or without BOM) or
    GBK/GB18030. Returns the table and the encoding used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any byte string
        raise InputError(f"{path}: not UTF-8 or GBK/GB18030 text")
    try:
        table = pd.read_csv(io.StringIO(decoded), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path}: not a readable CSV table ({str(error).strip()})") from None
    return table, "utf-8" if encoding == "utf-8-sig" else encoding


def score_csv(
    in_path: str | Path,
    out_path: str | Path,
    *,
    min_rated: int = 200,
    random_state: int | None = 0,
) -> SentimentRun:
    """Read a CSV with a ``text`` column, score it with :func:`review_sentiment` and write it
    back (UTF-8) with ``sentiment``, ``label`` and ``sentiment_method`` added. Other cells are
    written exactly as read."""
    table, encoding = read_text_csv(in_path)
    if TEXT not in table.columns:
        found = ", ".join(map(str, table.columns[:8])) or "none"
        raise InputError(f"{in_path}: no 'text' column (columns: {found})")
    scored = review_sentiment(table, min_rated=min_rated, random_state=random_state)
    try:
        scored.to_csv(out_path, index=False, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{out_path}: cannot write ({error.strerror})") from None
    summary = scored.attrs[SENTIMENT]
    labels = scored[LABEL].value_counts()
    methods = scored[SENTIMENT_METHOD].value_counts()
    return SentimentRun(
        n_rows=len(scored),
        method=summary["method"],
        n_rated=summary["n_rated"],
        n_trained=summary["n_trained"],
        encoding=encoding,
        label_counts={k: int(labels.get(k, 0)) for k in (POSITIVE, NEUTRAL, NEGATIVE)},
        method_counts={k: int(v) for k, v in methods.items()},
    )

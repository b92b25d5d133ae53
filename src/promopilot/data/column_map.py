"""Step 2 of ingest: which of a file's columns holds each column of a shop table (exact names
first, then :mod:`promopilot.data.synonyms`), or a refusal naming what was expected and what
was found."""

from __future__ import annotations

import re

from promopilot.data import synonyms
from promopilot.data.schema import TableSpec
from promopilot.exceptions import InputError


def match_columns(raw_columns: list[str], spec: TableSpec, label: str) -> dict[str, str]:
    """Map each spec column to a SQL expression over the raw file's columns. Names are matched
    case-insensitively, ignoring spaces, ``_`` and ``-``, then by common synonyms
    (:mod:`promopilot.data.synonyms`: ``InvoiceNo``, ``StockCode``, ``UnitPrice``, ...).
    Missing required columns raise one line listing what was expected and what was found."""
    found = synonyms.match(raw_columns, spec.name, spec.column_names)
    for name, column in found.items():
        twins = [c for c in raw_columns if synonyms.normalize(c) == synonyms.normalize(column)]
        if len(twins) > 1:
            raise InputError(
                f"{label}: columns {' and '.join(repr(c) for c in twins)} both name {name}: "
                "keep one of them (which one holds the data cannot be told)"
            )
    mapping = {name: f'"{column}"' for name, column in found.items()}
    parts = synonyms.name_parts(raw_columns) if spec.name == "customers" else None
    if parts is not None and "name" not in mapping:  # First Name + Last Name: the contact name
        first, last = (f"NULLIF(trim(\"{c}\"), '')" for c in parts)
        mapping["name"] = f"NULLIF(concat_ws(' ', {first}, {last}), '')"
    missing = [c for c in spec.required if c not in mapping]
    if spec.name == "reviews" and "review_id" in missing:
        missing.remove("review_id")
    if missing:
        shown = ", ".join(raw_columns[:12]) + (" ..." if len(raw_columns) > 12 else "")
        expected = ", ".join(c for c in spec.required if c != "review_id")
        raise InputError(
            f"{label}: missing required column(s) {', '.join(missing)} for table "
            f"'{spec.name}': expected {expected} (or a synonym; see docs/shop-folder.md), "
            f"found: {shown or 'no columns'}{_title_hint(raw_columns)}"
        )
    return mapping


# the names DuckDB (column1) and pandas (Unnamed: 1) give a header cell left empty
_UNNAMED = re.compile(r"\s*(column\d+|Unnamed: \d+)?\s*")


def _title_hint(raw_columns: list[str]) -> str:
    """A hint when the header has one name and the rest empty: a title line above it."""
    named = [c for c in raw_columns if not _UNNAMED.fullmatch(str(c))]
    if len(raw_columns) > 1 and len(named) == 1:
        return (
            f"; line 1 looks like a title above the header ({named[0]!r} and empty cells): "
            "delete it so that the header is the first line"
        )
    return ""

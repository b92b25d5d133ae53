"""Step 2 of ingest: which of a file's columns holds each column of a shop table (exact names
first, then :mod:`promopilot.data.synonyms`), or a refusal naming what was expected and what
was found."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from promopilot.data import line_totals, order_columns, phone_ids, synonyms
from promopilot.data.headers import MAX_ABOVE
from promopilot.data.schema import TableSpec
from promopilot.data.sql import cell_text, ident
from promopilot.data.words import noun_for
from promopilot.exceptions import InputError


def match_columns(raw_columns: list[str], spec: TableSpec, label: str) -> dict[str, str]:
    """Map each spec column to a SQL expression over the raw file's columns. Names are matched
    case-insensitively, ignoring spaces, ``_`` and ``-``, then by common synonyms
    (:mod:`promopilot.data.synonyms`: ``InvoiceNo``, ``StockCode``, ``UnitPrice``, ...).
    Missing required columns raise one line listing what was expected and what was found."""
    found = _found(raw_columns, spec)
    for name, column in found.items():
        twins = [c for c in raw_columns if synonyms.normalize(c) == synonyms.normalize(column)]
        if len(twins) > 1:
            raise InputError(
                f"{label}: columns {' and '.join(repr(c) for c in twins)} both name {name}: "
                "keep one of them (which one holds the data cannot be told)"
            )
    mapping = {name: ident(column) for name, column in found.items()}
    fallback = product_fallback(raw_columns, found)
    if fallback is not None:  # 商家编码 left empty: the platform's 商品ID
        code = mapping["product_id"]
        mapping["product_id"] = f"coalesce({cell_text(code)}, {ident(fallback)})"
    parts = synonyms.name_parts(raw_columns) if spec.name == "customers" else None
    if parts is not None and "name" not in mapping:  # First Name + Last Name: the contact name
        first, last = (f"NULLIF(trim({ident(c)}), '')" for c in parts)
        mapping["name"] = f"NULLIF(concat_ws(' ', {first}, {last}), '')"
    missing = _missing(spec, mapping)
    if missing:
        shown = ", ".join(raw_columns[:12]) + (" ..." if len(raw_columns) > 12 else "")
        expected = ", ".join(c for c in spec.required if c != "review_id")
        raise InputError(
            f"{label}: missing required {noun_for(len(missing), 'column')} {', '.join(missing)} "
            "for table "
            f"'{spec.name}': expected {expected} (or a synonym; see docs/shop-folder.md), "
            f"found: {shown or 'no columns'}{_title_hint(raw_columns)}"
        )
    return mapping


def _found(raw_columns: list[str], spec: TableSpec) -> dict[str, str]:
    """The file column of each table column it has: by name or synonym, an orders file's unit
    price from its line totals where it gives no unit price (:mod:`.line_totals`), its
    discount from an order-level discount (``Order Discount``) where it gives no line's, and
    its customer from a mobile number column where it gives no buyer id (:mod:`.phone_ids`)."""
    found = synonyms.match(raw_columns, spec.name, spec.column_names)
    if spec.name == "orders" and "customer_id" not in found:  # no buyer id: the mobile number
        phone = phone_ids.phone_column(raw_columns)
        if phone is not None and phone not in found.values():
            found["customer_id"] = phone
    if spec.name == "orders":
        found.update(line_totals.price_columns(raw_columns, found))
        order_discount = order_columns.order_discount_column(raw_columns)
        if "discount" not in found and order_discount is not None:  # Order Discount: spread
            found["discount"] = order_discount
    return found


def product_fallback(raw_columns: list[str], found: Mapping[str, str]) -> str | None:
    """The platform's product id column (商品ID) read where a line's shop code (商家编码, read
    as its ``product_id``) is empty, where a file has both; else None."""
    column = found.get("product_id")
    if column is None or synonyms.normalize(column) not in synonyms.SHOP_PRODUCT_CODE:
        return None
    platform = synonyms.first_column(raw_columns, synonyms.PLATFORM_PRODUCT_ID)
    return None if platform is None or platform in found.values() else platform


def _missing(spec: TableSpec, mapping: Mapping[str, str]) -> list[str]:
    """The required columns of `spec` that `mapping` lacks (a review's id may be derived)."""
    return [c for c in spec.required if c not in mapping and (spec.name, c) != OPTIONAL_ID]


OPTIONAL_ID = ("reviews", "review_id")  # required in the table, derived when a file lacks it


def header_fits(spec: TableSpec) -> Callable[[list[str]], bool]:
    """Whether a line's cells are a header of `spec`: every required column is there (by name
    or synonym): how ingest finds a header below a title (:mod:`promopilot.data.headers`)."""

    def fits(cells: list[str]) -> bool:
        return not _missing(spec, _found(cells, spec))

    return fits


# the names DuckDB (column1) and pandas (Unnamed: 1) give a header cell left empty
_UNNAMED = re.compile(r"\s*(column\d+|Unnamed: \d+)?\s*")


def _title_hint(raw_columns: list[str]) -> str:
    """A hint when the header has one name and the rest empty: a title line above a header
    that the first lines do not hold (a title above the header is skipped where one does)."""
    named = [c for c in raw_columns if not _UNNAMED.fullmatch(str(c))]
    if len(raw_columns) > 1 and len(named) == 1:
        return (
            f"; line 1 looks like a title ({named[0]!r} and empty cells), and none of the first "
            f"{MAX_ABOVE + 1} lines is a header with these columns"
        )
    return ""

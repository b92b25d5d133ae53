"""The date of a refund, where an orders file gives one beside its refund status or refunded
amount (Taobao's refund report: ``退款完结时间``, when the money went back; ``Refund Date``,
``Refunded At``; WooCommerce's Advanced Order Export plugin: ``Date of first refund``): the
return lines ingest adds for refunds
(:func:`promopilot.data.order_status.add_refund_lines`,
:func:`promopilot.data.partial_refunds.net_amounts`) are dated at it, so revenue falls on the
day the money went back (an order refunded more than once, at its first refund, where the
file gives that one only). Without one (Shopify's orders export has none: ``Paid at``,
``Fulfilled at`` and ``Cancelled at`` are its times) they keep the sale's time. When the
refund was asked for (``退款申请时间``) is not when it was made, and is not read.
"""

from __future__ import annotations

from promopilot.data.cell_types import typed_sql
from promopilot.data.sql import cell_text, ident
from promopilot.data.synonyms import first_column

REFUND_DATE = (
    "refunddate",
    "refundedat",
    "refundeddate",
    "daterefunded",
    # Advanced Order Export For WooCommerce: the first refund's date (field first_refund_date)
    "dateoffirstrefund",
    "refundtime",
    "退款完结时间",
    "退款完成时间",
    "退款成功时间",
    "退款时间",
)
TEXT = "_refund_date"  # the cell
AT = "_refund_at"  # the cell read as a timestamp (UTC)
BAD_REASON = "refund date: expected a timestamp"
EARLY_REASON = "refund date before the order's time: expected the date the refund was made"


def column(raw_columns: list[str]) -> str | None:
    """The orders file's refund date column, where it has one."""
    return first_column(raw_columns, REFUND_DATE)


def part(name: str) -> str:
    """The staged column :data:`TEXT`: the refund date cell of column `name`."""
    return cell_text(ident(name)) + f" AS {TEXT}"


def typed(timezone: str, fmt: str | None) -> str:
    """The select item :data:`AT`, read as the order's time is (its format `fmt`, naive text
    in the shop's `timezone`)."""
    return f"{typed_sql('timestamp', TEXT, timezone, fmt)} AS {AT}"


def checks(name: str, fmt: str | None) -> list[tuple[str, str, str, str]]:
    """(column, condition, reason, value) of a refund date that is no timestamp, or is before
    the sale: the line is quarantined (its refund cannot be dated)."""
    expected = f" in the format {fmt} or ISO 8601" if fmt else ""
    return [
        (name, f"{TEXT} IS NOT NULL AND {AT} IS NULL", BAD_REASON + expected, TEXT),
        early(name),
    ]


def early(name: str) -> tuple[str, str, str, str]:
    """(column, condition, reason, value) of a refund date (column `name`) before the sale."""
    return (name, f"{AT} < t_timestamp", EARLY_REASON, TEXT)


def return_time(columns: list[str]) -> str:
    """The ``REPLACE`` item dating a return line at its refund (a staged table's `columns`
    with :data:`AT`), else "" (the sale's time is kept)."""
    return f"coalesce({AT}, t_timestamp) AS t_timestamp, " if AT in columns else ""

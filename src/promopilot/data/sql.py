"""Small SQL snippets the data layer writes in many places."""

from __future__ import annotations


def sql_str(value: str) -> str:
    """`value` as an SQL string literal (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def cell_text(expr: str) -> str:
    """SQL: a cell's text, trimmed, an empty or all-blank cell as NULL. `expr` is an SQL
    expression, quoted by the caller (a column name as ``"退款金额"``)."""
    return f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"

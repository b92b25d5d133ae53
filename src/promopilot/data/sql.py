"""Small SQL snippets the data layer writes in many places."""

from __future__ import annotations


def sql_str(value: str) -> str:
    """`value` as an SQL string literal (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def cell_text(expr: str) -> str:
    """SQL: a cell's text, trimmed, an empty or all-blank cell as NULL. `expr` is an SQL
    expression, quoted by the caller (a column name as ``"退款金额"``)."""
    return f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"


def ident(name: str) -> str:
    """`name` as an SQL identifier: in double quotes, an inner double quote doubled, any other
    character kept (the file column ``a"b`` as ``"a""b"``). Every name not fixed in our code
    (a file's column) goes into SQL through this."""
    return '"' + name.replace('"', '""') + '"'


def ident_name(quoted: str) -> str:
    """The name an :func:`ident` stands for (``"a""b"`` -> ``a"b``); other SQL as it is."""
    inner = quoted[1:-1]
    if len(quoted) > 1 and quoted[0] == quoted[-1] == '"' and '"' not in inner.replace('""', ""):
        return inner.replace('""', '"')
    return quoted

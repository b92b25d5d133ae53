"""The SQL snippets of :mod:`promopilot.data.sql`, run in DuckDB."""

from __future__ import annotations

from promopilot.data.sql import cell_text


def test_cell_text_is_the_trimmed_text_and_a_blank_cell_is_null(store):
    store.execute('CREATE TABLE cells ("退款 金额" VARCHAR, n INTEGER)')
    store.execute("INSERT INTO cells VALUES (' 33.33 ', 7), ('', NULL), ('   ', 12), (NULL, 0)")
    text, number = cell_text('"退款 金额"'), cell_text("n")
    got = store.con.execute(f"SELECT {text}, {number} FROM cells").fetchall()
    # a number cell is read as its text
    assert got == [("33.33", "7"), (None, None), (None, "12"), (None, "0")]

"""The SQL snippets of :mod:`promopilot.data.sql`, run in DuckDB."""

from __future__ import annotations

from promopilot.data.sql import cell_text, ident, ident_name


def test_cell_text_is_the_trimmed_text_and_a_blank_cell_is_null(store):
    store.execute('CREATE TABLE cells ("退款 金额" VARCHAR, n INTEGER)')
    store.execute("INSERT INTO cells VALUES (' 33.33 ', 7), ('', NULL), ('   ', 12), (NULL, 0)")
    text, number = cell_text('"退款 金额"'), cell_text("n")
    got = store.con.execute(f"SELECT {text}, {number} FROM cells").fetchall()
    # a number cell is read as its text
    assert got == [("33.33", "7"), (None, None), (None, "12"), (None, "0")]


NAMES = ['a"b', '"unit_price"', '"', 'Size "inches"', "it's", "备注 说明", "back\\slash", "x;y"]


def test_ident_names_any_column_as_written(store):
    # a column of each name, created, filled and read back by its identifier
    columns = ", ".join(f"{ident(n)} VARCHAR" for n in NAMES)
    store.execute(f"CREATE TABLE named ({columns})")
    store.execute(f"INSERT INTO named VALUES ({', '.join('?' * len(NAMES))})", NAMES)
    assert list(store.query("SELECT * FROM named").columns) == NAMES
    got = store.con.execute(f"SELECT {', '.join(map(ident, NAMES))} FROM named").fetchone()
    assert list(got) == NAMES
    assert [ident_name(ident(n)) for n in NAMES] == NAMES


def test_ident_name_leaves_other_sql_as_it_is():
    for sql in ('trim("a")', '"a" || "b"', "NULL", "", '"'):
        assert ident_name(sql) == sql

"""A file whose every row conflicts with stored rows of the same key loads nothing: it is
refused (exit 2) naming the likely cause, as a file whose every row is bad is; a file ingested
again unchanged (every row a duplicate) still loads, adding nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.loading import FileRefused

HEADER = "order_id,customer_id,product_id,quantity,unit_price,timestamp\n"
LINES = ("o1,c1,p1,1,10,2026-01-01\n", "o2,c2,p2,2,12,2026-01-02\n")


def orders(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name / "orders.csv"
    path.parent.mkdir()
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(["ingest", *args])
    return int(done.value.code)


def test_every_row_in_conflict_is_refused_naming_the_cause(tmp_path, capsys):
    db = str(tmp_path / "shop.duckdb")
    assert cli(str(orders(tmp_path, "first", *LINES)), "--db", db) == 0
    assert cli(str(orders(tmp_path, "same", *LINES)), "--db", db) == 0  # unchanged: adds nothing
    capsys.readouterr()
    changed = orders(
        tmp_path, "changed", "o1,c1,p1,3,10,2026-01-01\n", "o2,c2,p2,5,12,2026-01-02\n"
    )
    assert cli(str(changed), "--db", db) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "all 2 rows rejected, nothing loaded; first at line 2, column quantity" in err[0]
    assert "conflicts with a stored row" in err[0] and "another shop's file" in err[0]


def test_the_python_call_raises_and_writes_nothing_of_the_file(tmp_path, store):
    ingest(store, orders(tmp_path, "first", *LINES))
    with pytest.raises(FileRefused, match="stored already with other values"):
        ingest(store, orders(tmp_path, "changed", "o1,c1,p1,3,10,2026-01-01\n"))
    assert store.scalar("SELECT count(*) FROM quarantine") == 0
    assert store.scalar("SELECT sum(quantity) FROM orders") == 3


def test_some_rows_new_or_unchanged_still_load_with_the_conflicts_quarantined(tmp_path, store):
    ingest(store, orders(tmp_path, "first", *LINES))
    report = ingest(store, orders(tmp_path, "mixed", LINES[0], "o2,c2,p2,5,12,2026-01-02\n"))
    assert (report.files[0].n_loaded, report.files[0].n_quarantined) == (1, 1)

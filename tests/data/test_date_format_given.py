"""A --date-format the owner names is the format used: never a detected one in its place. Rows it
does not read are quarantined naming it; a file of which it reads no row is refused in one line
naming the file, a value and the format. The date_format setting stays a preference."""

from __future__ import annotations

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from tests.data.test_date_styles import loaded, write


def cli(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    return done.value.code, capsys.readouterr().err


@pytest.mark.parametrize("table", ["orders", "events"])
def test_a_named_format_that_reads_fewer_rows_is_still_the_one_used(tmp_path, table):
    """The old code saw '%m/%d/%Y' read one value of three, gave way to the detected day-first
    format and loaded all three as 8 March, 28 November, 13 January: not the format named."""
    dates = ("08/03/2025", "28/11/2025", "13/01/2025")
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, table, dates), date_format="%m/%d/%Y")
        assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 1, 2)
        assert loaded(store, table) == ["2025-08-03"]  # month-first, as named
        bad = store.query("SELECT value, reason FROM quarantine ORDER BY line")
    assert bad["value"].tolist() == ["28/11/2025", "13/01/2025"]
    assert set(bad["reason"]) == {"expected a timestamp in the format %m/%d/%Y or ISO 8601"}


def test_a_named_format_that_reads_no_row_refuses_the_file_naming_it(tmp_path, capsys):
    """The old code loaded both rows day-first (exit 0) though '%m/%d/%Y' was given."""
    shop = write(tmp_path / "shop", "orders", ("28/11/2025 10:00", "13/01/2025 11:00"))
    db = str(tmp_path / "s.duckdb")
    code, err = cli(["ingest", str(shop), "--db", db, "--date-format", "%m/%d/%Y %H:%M"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv: all 2 rows rejected" in err
    assert "column timestamp `28/11/2025 10:00`" in err
    assert "not in the format '%m/%d/%Y %H:%M' (--date-format" in err
    with Store(db) as store:
        assert store.count("orders") == 0


def test_a_named_format_reads_the_odd_rows_of_a_mostly_iso_column(tmp_path):
    """A column mostly in ISO 8601 was taken as ISO and the named format ignored: `08.03.2025`
    was quarantined as "expected an ISO 8601 timestamp" though '%d.%m.%Y' was given."""
    dates = ("2025-11-28", "2025-01-13", "2025-05-04", "08.03.2025")
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, "events", dates), date_format="%d.%m.%Y")
        assert (report.n_loaded, report.n_quarantined) == (4, 0)
        assert loaded(store, "events") == ["2025-11-28", "2025-01-13", "2025-05-04", "2025-03-08"]


def test_a_store_made_with_a_date_format_uses_it(tmp_path):
    """The Python API's Store(date_format=...) names the format as --date-format does."""
    dates = ("08/03/2025", "28/11/2025", "13/01/2025")
    with Store(":memory:", date_format="%m/%d/%Y") as store:
        report = ingest(store, write(tmp_path, "events", dates))
        assert (report.n_loaded, report.n_quarantined) == (1, 2)


def test_the_setting_is_a_preference_detection_may_overrule(tmp_path, monkeypatch):
    """PROMOPILOT_DATE_FORMAT (or date_format in promopilot.toml) applies to every file of every
    command: where it reads under half a column, the detected format reads it (as before)."""
    monkeypatch.setenv("PROMOPILOT_DATE_FORMAT", "%m/%d/%Y")
    dates = ("08/03/2025", "28/11/2025", "13/01/2025")
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, "events", dates))
        assert (report.n_loaded, report.n_quarantined) == (3, 0)
        assert loaded(store, "events") == ["2025-03-08", "2025-11-28", "2025-01-13"]

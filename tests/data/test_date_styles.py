"""Dates as shops export them, in orders and in events, with and without --date-format: each
style loads, or the file is refused with one line naming file, line, column, value and the
format expected."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

HEADERS = {
    "orders": ["order_id", "timestamp", "customer_id", "product_id", "quantity", "unit_price"],
    "events": ["timestamp", "customer_id", "product_id", "event"],
}
# 8 March, 28 November and 13 January 2025 in each style, and the --date-format an owner
# would give for it
STYLES = {
    "German, dot after the day": (
        ("8. März 2025", "28. November 2025", "13. Januar 2025"), "%d. %B %Y"
    ),
    "French": (("8 mars 2025", "28 novembre 2025", "13 janvier 2025"), "%d %B %Y"),
    "Spanish": (
        ("8 de marzo de 2025", "28 de noviembre de 2025", "13 de enero de 2025"), "%d de %B de %Y"
    ),
    "German, month first": (("März 8, 2025", "November 28, 2025", "Januar 13, 2025"), "%B %d, %Y"),
    "German, abbreviated": (("8. Mär. 2025", "28. Nov. 2025", "13. Jan. 2025"), "%d. %b. %Y"),
    "day-Mon-year": (("8-Mar-2025", "28-Nov-2025", "13-Jan-2025"), "%d-%b-%Y"),
    "day-Mon-year, German": (("8-Mär-2025", "28-Nov-2025", "13-Jän-2025"), "%d-%b-%Y"),
    "day-Mon-year, French": (("08-mars-2025", "28-nov.-2025", "13-janv.-2025"), "%d-%b-%Y"),
    "dotted numbers": (("08.03.2025", "28.11.2025", "13.01.2025"), "%d.%m.%Y"),
    "Chinese": (("2025年3月8日", "2025年11月28日", "2025年1月13日"), "%Y年%m月%d日"),
    "year first, slashes": (("2025/3/8", "2025/11/28", "2025/1/13"), "%Y/%m/%d"),
}  # fmt: skip
EXPECTED = ["2025-03-08", "2025-11-28", "2025-01-13"]


def write(folder: Path, table: str, dates) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS[table])
        for i, date in enumerate(dates):
            if table == "orders":
                writer.writerow([f"o{i}", date, "c1", "p1", "1", "2"])
            else:
                writer.writerow([date, "c1", f"p{i}", "view"])
    return folder


def loaded(store: Store, table: str) -> list[str]:
    got = store.query(f"SELECT strftime(timestamp, '%Y-%m-%d') AS t FROM {table} ORDER BY rowid")
    return got["t"].tolist()


@pytest.mark.parametrize("given", [False, True], ids=["detected", "--date-format"])
@pytest.mark.parametrize("table", ["orders", "events"])
@pytest.mark.parametrize("style", STYLES)
def test_each_style_loads_whole(tmp_path, style, table, given):
    """The old code quarantined `8-Mär-2025` and `13-Jän-2025` (DuckDB's %b reads `Mar`, not
    the `March` the rewrite wrote), refused `08-mars-2025` whole, and with --date-format
    '%d. %b. %Y' quarantined `8. Mär. 2025` (the rewrite dropped the dots the format asks for)."""
    dates, fmt = STYLES[style]
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, table, dates), date_format=fmt if given else None)
        assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 3, 0)
        assert loaded(store, table) == EXPECTED


@pytest.mark.parametrize("table", ["orders", "events"])
@pytest.mark.parametrize(
    ("dates", "fmt"),
    [
        # two rows: `November` is English too, so the old code read half and kept the format
        (("8. März 2025", "28. November 2025"), "%d. %B %Y"),
        (("8. März 2025 um 10:00 Uhr", "28. November 2025 um 11:00 Uhr"), "%d. %B %Y um %H:%M Uhr"),
        (("8. März 2025, 10:00", "28. November 2025, 11:00"), "%d. %B %Y, %H:%M"),
        (("8 de marzo de 2025 a las 10:00", "28 de noviembre de 2025 a las 11:00"),
         "%d de %B de %Y a las %H:%M"),
    ],
)  # fmt: skip
def test_a_given_format_reads_the_dates_as_written(tmp_path, capsys, table, dates, fmt):
    """`--date-format '%d. %B %Y'` did not read `8. März 2025`: the rewrite of the month's name
    also dropped the day's dot and Spanish `de`, which the format still asked for, so each
    German row was quarantined (exit 0, one row of two loaded) or the file refused."""
    shop = write(tmp_path / "shop", table, dates)
    args = ["ingest", str(shop), "--db", str(tmp_path / "s.duckdb"), "--date-format", fmt]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0, capsys.readouterr().err
    with Store(tmp_path / "s.duckdb") as store:
        assert loaded(store, table) == EXPECTED[:2]
        assert store.count("quarantine") == 0


@pytest.mark.parametrize("table", ["orders", "events"])
def test_a_given_format_that_reads_nothing_is_named_in_the_one_line(tmp_path, capsys, table):
    """With --date-format '%d/%m/%Y' on French dates with a time the old line said "expected an
    ISO 8601 timestamp or date ...: pass --date-format", the option the owner had passed; it
    now names the format given and that the dates are not in it."""
    dates = ("8 mars 2025 à 10:00", "28 novembre 2025 à 11:00")
    shop = write(tmp_path / "shop", table, dates)
    args = ["ingest", str(shop), "--db", str(tmp_path / "s.duckdb"), "--date-format", "%d/%m/%Y"]
    with pytest.raises(SystemExit) as done:
        main(args)
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{table}.csv" in err and "line 2, column timestamp `8 mars 2025 à 10:00`" in err
    assert "expected a timestamp in the format %d/%m/%Y or ISO 8601" in err
    assert "not in the format '%d/%m/%Y' (--date-format" in err


def test_english_format_drops_what_the_rewrite_drops():
    from promopilot.data.month_names import english_format

    assert english_format("%d. %B %Y um %H:%M Uhr") == "%d %B %Y um %H:%M Uhr"
    assert english_format("%d de %B de %Y") == "%d %B %Y"
    assert english_format("%d. %b. %Y") == "%d %B %Y"
    assert english_format("%d-%b-%Y") == "%d-%B-%Y"
    assert english_format("%B %d, %Y %H:%M") == "%B %d, %Y %H:%M"

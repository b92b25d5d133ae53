"""Dates with a weekday first or a time after a comma or a word (`Samstag, 8. März 2025`,
`08/03/2025 à 14h30`): detected from the values, in orders and in events, without
--date-format; a form still not read is refused naming the value."""

from __future__ import annotations

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from tests.data.test_date_styles import write

# 8 March, 28 November and 13 January 2025 in each form; the old code refused each file whole
# ("expected an ISO 8601 timestamp or date")
FORMS = {
    "comma before the time": ("08/03/2025, 14:30", "28/11/2025, 10:00", "13/01/2025, 09:15"),
    "French à, 14h30": ("08/03/2025 à 14h30", "28/11/2025 à 10h00", "13/01/2025 à 9h15"),
    "German um ... Uhr": ("08.03.2025 um 14:30", "28.11.2025 um 10:00 Uhr", "13.01.2025 um 09:15"),
    "Spanish a las": ("08/03/2025 a las 14:30", "28/11/2025 a las 10:00", "13/01/2025 a las 9:15"),
    "10h00 times": ("08/03/2025 14h30", "28/11/2025 10h00", "13/01/2025 09h15"),
    "English weekday": (
        "Sat, 8 Mar 2025 14:30", "Fri, 28 Nov 2025 10:00", "Mon, 13 Jan 2025 09:15",
    ),
    "English weekday in full": (
        "Saturday, 8 March 2025 14:30", "Friday, 28 November 2025 10:00",
        "Monday, 13 January 2025 09:15",
    ),
    "US weekday, at": (
        "Saturday, March 8, 2025 at 2:30 PM", "Friday, November 28, 2025 at 10:00 AM",
        "Monday, January 13, 2025 at 9:15 AM",
    ),
    "German weekday": (
        "Samstag, 8. März 2025, 14:30", "Freitag, 28. November 2025, 10:00",
        "Montag, 13. Januar 2025, 09:15",
    ),
    "French weekday": (
        "samedi, 8 mars 2025 à 14h30", "vendredi, 28 novembre 2025 à 10h00",
        "lundi, 13 janvier 2025 à 9h15",
    ),
    "Spanish weekday": (
        "sábado, 8 de marzo de 2025 a las 14:30", "viernes, 28 de noviembre de 2025 a las 10:00",
        "lunes, 13 de enero de 2025 a las 9:15",
    ),
}  # fmt: skip
EXPECTED = ["2025-03-08 14:30", "2025-11-28 10:00", "2025-01-13 09:15"]


def loaded(store: Store, table: str) -> list[str]:
    got = store.query(f"SELECT strftime(timestamp, '%Y-%m-%d %H:%M') t FROM {table} ORDER BY rowid")
    return got["t"].tolist()


@pytest.mark.parametrize("table", ["orders", "events"])
@pytest.mark.parametrize("form", FORMS)
def test_each_form_is_detected(tmp_path, form, table):
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, table, FORMS[form]))
        assert (report.n_read, report.n_loaded, report.n_quarantined) == (3, 3, 0)
        assert loaded(store, table) == EXPECTED


@pytest.mark.parametrize(
    "dates",
    [
        ("Sat, 8 Mar 2025", "Fri, 28 Nov 2025"),
        ("Samstag, 8. März 2025", "Freitag, 28. November 2025"),
        ("sábado, 8 de marzo de 2025", "viernes, 28 de noviembre de 2025"),
    ],
)
def test_a_weekday_first_date_without_a_time(tmp_path, dates):
    with Store(":memory:") as store:
        assert ingest(store, write(tmp_path, "events", dates)).n_loaded == 2
        assert [t[:10] for t in loaded(store, "events")] == ["2025-03-08", "2025-11-28"]


def test_a_comma_before_the_time_can_still_be_ambiguous(tmp_path, capsys):
    """Every day 12 or less: refused naming both choices, and the format passed reads the
    dates as written (the comma too), day-first as asked."""
    shop = write(tmp_path / "shop", "orders", ("08/03/2025, 14:30", "05/04/2025, 10:00"))
    db = str(tmp_path / "s.duckdb")
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(shop), "--db", db])
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "--date-format '%m/%d/%Y %H:%M' (month-first) or '%d/%m/%Y %H:%M' (day-first)" in err
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(shop), "--db", db, "--date-format", "%d/%m/%Y %H:%M"])
    assert done.value.code == 0, capsys.readouterr().err
    with Store(db) as store:
        assert loaded(store, "orders") == ["2025-03-08 14:30", "2025-04-05 10:00"]


def test_a_given_format_may_spell_the_weekday_and_the_words_out(tmp_path):
    dates = ("Samstag, 8. März 2025 um 14:30 Uhr", "Freitag, 28. November 2025 um 10:00 Uhr")
    fmt = "%A, %d. %B %Y um %H:%M Uhr"
    with Store(":memory:") as store:
        report = ingest(store, write(tmp_path, "events", dates), date_format=fmt)
        assert (report.n_loaded, report.n_quarantined) == (2, 0)
        assert loaded(store, "events") == EXPECTED[:2]


def test_plain_format_drops_what_the_rewrite_drops():
    from promopilot.data.date_text import plain_format

    assert plain_format("%A, %d. %B %Y um %H:%M Uhr") == "%d. %B %Y %H:%M"
    assert plain_format("%d/%m/%Y à %Hh%M") == "%d/%m/%Y %H:%M"
    assert plain_format("%d/%m/%Y, %H:%M") == "%d/%m/%Y %H:%M"
    assert plain_format("%B %d, %Y at %I:%M %p") == "%B %d, %Y %I:%M %p"
    assert plain_format("%B %d, %Y") == "%B %d, %Y"  # the comma before the year stays


def test_mar_is_a_month_not_a_weekday(tmp_path):
    """Spanish `mar` (martes) is dropped only with a comma after it: `Mar 8, 2025` is March."""
    with Store(":memory:") as store:
        assert ingest(store, write(tmp_path, "events", ("Mar 8, 2025", "Nov 28, 2025"))).n_loaded
        assert [t[:10] for t in loaded(store, "events")] == ["2025-03-08", "2025-11-28"]


@pytest.mark.parametrize(
    "dates",
    [
        ("14:30, 08/03/2025", "10:00, 28/11/2025"),  # the time first
        ("Samstag, 8. März", "Freitag, 28. November"),  # no year
    ],
)
def test_a_form_still_not_read_is_refused_naming_it(tmp_path, capsys, dates):
    shop = write(tmp_path / "shop", "events", dates)
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(shop), "--db", str(tmp_path / "s.duckdb")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "events.csv: all 2 rows rejected" in err
    assert f"line 2, column timestamp `{dates[0]}`: expected an ISO 8601" in err

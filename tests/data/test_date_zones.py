"""Dates with a zone after the time, as e-mail and marketing exports write them (RFC 2822:
`Sat, 8 Mar 2025 14:30:00 +0000`, `... GMT`): read, and moved to UTC by their zone as ISO 8601
timestamps with a zone are; a time without a zone stays the shop's. The old code refused
each file whole ("expected an ISO 8601 timestamp or date")."""

from __future__ import annotations

import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from tests.data.test_date_styles import write

FORMS = {
    "+0000": ("Sat, 8 Mar 2025 14:30:00 +0000", "Fri, 28 Nov 2025 10:00:00 +0800"),
    "GMT": ("Sat, 08 Mar 2025 14:30:00 GMT", "Fri, 28 Nov 2025 10:00:00 GMT"),
    "no weekday, -0500": ("8 Mar 2025 14:30:00 -0500", "28 Nov 2025 10:00:00 +01:00"),
    "UT, EST, a comment": ("Sat, 8 Mar 2025 14:30:00 UT", "Fri, 28 Nov 2025 10:00:00 EST (US)"),
    "ISO +08:00": ("2025-03-08T14:30:00+08:00", "2025-11-28T10:00:00+08:00"),
    "ISO Z": ("2025-03-08T14:30:00Z", "2025-11-28T10:00:00Z"),
}
UTC = {
    "+0000": ["2025-03-08 14:30", "2025-11-28 02:00"],
    "GMT": ["2025-03-08 14:30", "2025-11-28 10:00"],
    "no weekday, -0500": ["2025-03-08 19:30", "2025-11-28 09:00"],
    "UT, EST, a comment": ["2025-03-08 14:30", "2025-11-28 15:00"],
    "ISO +08:00": ["2025-03-08 06:30", "2025-11-28 02:00"],
    "ISO Z": ["2025-03-08 14:30", "2025-11-28 10:00"],
}


def loaded(store: Store, table: str) -> list[str]:
    got = store.query(f"SELECT strftime(timestamp, '%Y-%m-%d %H:%M') t FROM {table} ORDER BY rowid")
    return got["t"].tolist()


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Shanghai"])
@pytest.mark.parametrize("table", ["orders", "events"])
@pytest.mark.parametrize("form", FORMS)
def test_a_zone_after_the_time_is_read_and_stored_in_utc(tmp_path, form, table, timezone):
    """The shop's zone does not move a time that names its own."""
    with Store(":memory:", timezone=timezone) as store:
        report = ingest(store, write(tmp_path, table, FORMS[form]))
        assert (report.n_loaded, report.n_quarantined) == (2, 0)
        assert loaded(store, table) == UTC[form]


def test_a_time_without_a_zone_beside_them_is_the_shops(tmp_path):
    dates = (
        "Sat, 8 Mar 2025 14:30:00 +0000",
        "Fri, 28 Nov 2025 10:00:00",
        "Mon, 13 Jan 2025 9:15:00",
    )
    with Store(":memory:", timezone="Asia/Shanghai") as store:
        assert ingest(store, write(tmp_path, "events", dates)).n_loaded == 3
        assert loaded(store, "events") == [
            "2025-03-08 14:30",
            "2025-11-28 02:00",
            "2025-01-13 01:15",
        ]


def test_a_given_format_with_a_zone_reads_them(tmp_path):
    dates = ("Sat, 8 Mar 2025 14:30:00 +0800", "Fri, 28 Nov 2025 10:00:00 GMT")
    with Store(":memory:", timezone="Europe/Paris") as store:
        report = ingest(
            store, write(tmp_path, "events", dates), date_format="%a, %d %b %Y %H:%M:%S %z"
        )
        assert (report.n_loaded, report.n_quarantined) == (2, 0)
        assert loaded(store, "events") == ["2025-03-08 06:30", "2025-11-28 10:00"]


def test_zone_minutes():
    import duckdb

    from promopilot.data.date_text import zone_minutes

    texts = ["8 Mar 2025 14:30 +0530", "8 Mar 2025 14:30:00 -05:00", "x 14:30 pdt", "8 Mar 2025"]
    got = [duckdb.sql(f"SELECT {zone_minutes(repr(t))} AS m").fetchall()[0][0] for t in texts]
    assert got == [330, -300, -420, None]

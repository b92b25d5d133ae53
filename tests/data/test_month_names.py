"""Dates with German, French and Spanish month names, as a WordPress shop in those languages
exports them (`28. November 2025`, `28 nov. 2025`, `28 de noviembre de 2025`)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.month_names import english_months
from promopilot.data.store import Store

HEADER = ["order_id", "timestamp", "customer_id", "product_id", "quantity", "unit_price"]
# the twelve months as each language writes them in full and abbreviated (CLDR's forms), typed
# out here rather than taken from the table under test
SPELLINGS = {
    "German": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "German, abbreviated": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "French": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre",
    "French, abbreviated": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "Spanish": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "Spanish, abbreviated": "ene. feb. mar. abr. may. jun. jul. ago. sept. oct. nov. dic.",
}
# how each language places day, month and year (WordPress's date formats j. F Y, j F Y and
# j \d\e F \d\e Y)
LAYOUT = {"German": "{d}. {m} 2025", "French": "{d} {m} 2025", "Spanish": "{d} de {m} de 2025"}


def write(path: Path, dates: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        rows = [[f"o{i}", d, "c1", "p1", "1", "2"] for i, d in enumerate(dates, 1)]
        csv.writer(f).writerows([HEADER, *rows])
    return path


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


def loaded(store: Store, fmt: str = "%Y-%m-%d") -> list[str]:
    got = store.query(f"SELECT strftime(timestamp, '{fmt}') t FROM orders ORDER BY order_id")
    return got["t"].tolist()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_month_of_each_language_is_read(tmp_path, store, spelling):
    """The old code read English names only: each of these files was refused whole, with a hint
    to pass --date-format (which reads English names only too)."""
    layout = LAYOUT[spelling.split(",")[0]]
    months = SPELLINGS[spelling].split()
    dates = [layout.format(d=13 + i, m=m) for i, m in enumerate(months)]
    report = ingest(store, write(tmp_path / "orders.csv", dates))
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (12, 12, 0)
    order = sorted(range(12), key=lambda i: f"o{i + 1}")  # order_id sorts as text: o1, o10, ...
    assert loaded(store) == [f"2025-{i + 1:02d}-{13 + i}" for i in order]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["28. November 2025 10:00", "8. März 2025 16:20"], ["11-28 10:00", "03-08 16:20"]),
        (["1er décembre 2025 10:00", "8 févr. 2025 16:20"], ["12-01 10:00", "02-08 16:20"]),
        (
            ["28 de noviembre de 2025 10:00", "8 de marzo de 2025 16:20"],
            ["11-28 10:00", "03-08 16:20"],
        ),
        (["28. NOVEMBER 2025 10:00", "8. MÄRZ 2025 16:20"], ["11-28 10:00", "03-08 16:20"]),
    ],
)
def test_dates_with_a_time_are_read(tmp_path, store, dates, expected):
    """German with a time, French's 1er for the first, Spanish, and capitals."""
    report = ingest(store, write(tmp_path / "orders.csv", dates))
    assert (report.n_read, report.n_loaded) == (2, 2)
    assert loaded(store, "%m-%d %H:%M") == expected


def test_a_date_no_table_reads_is_quarantined_and_the_file_loads_once(tmp_path, store):
    """A month the table does not hold (a French Republican month, a typo) is quarantined with
    the reason every date the column's format does not read gets; the other rows load, and the
    same file ingested again adds nothing."""
    dates = ["28. November 2025", "3. Dezember 2025", "28. Brumaire 2025", "8. Mrz. 2025"]
    path = write(tmp_path / "orders.csv", dates)
    report = ingest(store, path)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (4, 3, 1)
    got = store.query('SELECT line, "column", value, reason FROM quarantine')
    assert got.values.tolist() == [
        [
            4,
            "timestamp",
            "28. Brumaire 2025",
            "expected a timestamp in the format %d %B %Y or ISO 8601",
        ]
    ]
    assert loaded(store) == ["2025-11-28", "2025-12-03", "2025-03-08"]
    again = ingest(store, path)
    assert (again.n_read, again.n_loaded, again.n_new) == (4, 3, 0)
    assert store.count("orders") == 3 and store.count("quarantine") == 1


def test_the_rewrite_changes_the_day_and_a_month_word_only():
    """The rewrite (tried only where the format does not read the text) maps a German, French
    or Spanish word to the English name and leaves other words and English full names as they
    are."""
    values = ["28. März 2025", "1er août 2025", "28 de dic. de 2025", "Nov. 28, 2025",
              "November 28, 2025", "28 Brumaire 2025", "01.12.2010"]  # fmt: skip
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t AS SELECT unnest($1::VARCHAR[]) AS v", [values])
        got = con.sql(f"SELECT {english_months('v')} FROM t").fetchall()
    assert [e for (e,) in got] == [
        "28 March 2025",
        "1 August 2025",
        "28 December 2025",
        "November 28, 2025",
        "November 28, 2025",
        "28 Brumaire 2025",
        "01.12.2010",
    ]


def test_a_german_shop_folder_ingests_from_the_command_line(tmp_path, capsys):
    write(tmp_path / "shop" / "orders.csv", ["28. November 2025", "3. Dezember 2025"])
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(tmp_path / "shop"), "--db", str(tmp_path / "s.duckdb")])
    assert done.value.code == 0, capsys.readouterr().err
    with Store(tmp_path / "s.duckdb") as s:
        assert s.count("orders") == 2

"""Which date format each timestamp column of a file is in, decided from its values.

ISO 8601 (``2026-08-28T14:03:00``, with or without a zone, or a plain date) is read as it is.
A column that is mostly not ISO is tried against common spreadsheet formats (``12/1/2010 8:26``
month-first as US Excel writes it, ``01.12.2010``, ``1/12/2010`` day-first, ``2010/12/01``,
``2010年12月1日``, ``November 28, 2025 10:00`` as WooCommerce's export plugin writes it,
``28-NOV-25``, ...; month names in German, French or Spanish too, ``28. März 2025``, through
:mod:`promopilot.data.month_names`; a weekday first, ``Sat, 8 Mar 2025``, and a time after a
comma or a word, ``08/03/2025 à 14h30``, through :mod:`promopilot.data.date_text`) on a sample
of its values; the format that reads the most of them wins.
A ``--date-format`` (``Store.date_format``) is used for every timestamp column, never a
detected one in its place. The ``date_format`` setting is a preference: used where it reads at
least half the sample, and where nothing reads the column (so that the rows' reasons and the
refusal name it). When a day-first and a month-first format read the sample equally well
(every day number is 12 or less), the column is ambiguous: the setting decides, else the file
is refused with a one-line message naming both choices.
"""

from __future__ import annotations

import duckdb

from promopilot.config import check_strptime
from promopilot.data.date_text import plain_date, rewritten_format
from promopilot.data.month_names import english_months, names_format, or_rewritten
from promopilot.data.rawfile import RawFile, first_line, sql_str
from promopilot.data.schema import TableSpec
from promopilot.data.store import Store
from promopilot.exceptions import InputError

SAMPLE = 5000
MIN_YEAR, MAX_YEAR = 1970, 2099  # the years staging accepts (TS_MIN, TS_MAX)
# ISO 8601 starts with the year: DuckDB's cast also reads `01/12/10` (as the year 10), which
# is a spreadsheet date with a two-digit year, to be detected like the others
ISO_START = "regexp_matches(v, '^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}')"
_DATES = (
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    # a full-name format before its abbreviated twin: both read a rewritten German, French or
    # Spanish name (month_names.english_format), and a tie goes to the first
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d-%b-%y",
)
_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
FORMATS = tuple(d + t for d in _DATES for t in _TIMES)


def _swap(fmt: str) -> str:
    """The day-first twin of a month-first format and back (``%m/%d`` <-> ``%d/%m``)."""
    return fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


def _iso(raw: str) -> str:
    return (
        f"coalesce(TRY_CAST({raw} AS TIMESTAMP), "
        f"TRY_CAST(regexp_replace({raw}, '\\s+([+-]\\d\\d(:?\\d\\d)?|Z)$', '\\1') AS TIMESTAMPTZ))"
    )


def timestamp_formats(
    store: Store, raw: RawFile, spec: TableSpec, inner: str, present: set[str]
) -> dict[str, str]:
    """``{column: strptime format}`` for every timestamp column of the file that is not ISO."""
    columns = [c.name for c in spec.columns if c.type == "timestamp" and c.name in present]
    named = getattr(store, "date_format", None)
    if named is not None and columns:
        # --date-format: the owner's format reads every timestamp column, never a detected one
        # in its place; a row it does not read (nor ISO 8601) is quarantined naming it, and a
        # file of which it reads no row is refused naming it (loading.refuse_if_nothing_loads)
        if named not in FORMATS:
            _check_format(named)
        return dict.fromkeys(columns, named)
    given = getattr(store, "date_format_setting", None)  # the setting: where it reads half
    out: dict[str, str] = {}
    for name in columns:
        sample = sample_values(store, raw, inner, f"r_{name}")
        if not len(sample):
            continue
        counted = _counts(store, sample, given)
        if counted is None:
            continue  # ISO 8601: the common case, decided without trying any format
        n, counts, direct = counted
        if given is not None and counts.get(given, 0) * 2 >= n:
            out[name] = given
            continue
        best = max(counts.values(), default=0)
        if best * 2 < n:
            # nothing reads it: its rows are quarantined and the file refused, each row with
            # the format of the setting where there is one ("expected ... in the format %d/%m/%Y")
            if given is not None:
                out[name] = given
            continue
        winners = [f for f in FORMATS if counts.get(f, 0) == best]
        if len(winners) > 1 and all(map(names_format, winners)):
            # "28 Nov 2025" reads with %d %b %Y as it is and with %d %B %Y rewritten: as it is
            # wins (a value with a month name reads with month-name formats only)
            most = max(direct[f] for f in winners)
            winners = [f for f in winners if direct[f] == most]
        fmt = winners[0]
        if _swap(fmt) in winners and _swap(fmt) != fmt:
            example = sample[0]
            month_first = fmt if fmt.index("%m") < fmt.index("%d") else _swap(fmt)
            raise InputError(
                f"{raw.label}: column {name}: dates like `{example}` could be month-first or "
                f"day-first: pass --date-format '{month_first}' (month-first) or "
                f"'{_swap(month_first)}' (day-first), or set date_format in promopilot.toml"
            )
        out[name] = fmt
    return out


def sample_values(store: Store, raw: RawFile, inner: str, column: str) -> list[str]:
    if raw.lazy:  # a second look at the file itself, not through the reject-keeping reader
        inner = inner.replace(raw.source, raw.second_look).replace(
            "row_number() OVER () - 1 AS _row", "0 AS _row"
        )
    rows = store.query(
        f"SELECT {column} AS v FROM ({inner}) WHERE {column} IS NOT NULL LIMIT {SAMPLE}"
    )
    return rows["v"].tolist()


def _counts(
    store: Store, sample: list[str], given: str | None
) -> tuple[int, dict[str, int], dict[str, int]] | None:
    """The sample's size, how many of its values each format reads (as they are, else
    rewritten: data.date_text) and how many it reads as they are; None when most are ISO 8601."""
    import pandas as pd

    if given and given not in FORMATS:
        _check_format(given)
    formats = list(FORMATS) + ([given] if given and given not in FORMATS else [])
    # only dates in the range staging accepts count: `12/13/10` read with %Y is the year 10
    # and, for a format with month names, how many it reads as they are (the tie-break)
    reads = [("f", i, _read(f)) for i, f in enumerate(formats)]
    reads += [
        ("d", i, f"try_strptime(v, {sql_str(f)})") for i, f in enumerate(formats) if names_format(f)
    ]
    parts = [
        f"count(CASE WHEN year({read}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN 1 END) AS {key}{i}"
        for key, i, read in reads
    ]
    with store.frame("ingest_date_sample", pd.DataFrame({"v": sample})):
        n, iso = store.query(
            f"SELECT count(*) AS n, count_if({ISO_START} AND {_iso('v')} IS NOT NULL) AS iso "
            "FROM ingest_date_sample"
        ).iloc[0]
        if iso * 2 >= n:
            return None
        # the sample's values rewritten once (MATERIALIZED: a plain subquery's would be
        # inlined, rewritten again for each format): `c` without a weekday and with its time
        # plain (date_text.plain_date), `e` with English month names too; NULL where the
        # rewrite changes nothing, so that no format reads a value twice
        row = store.query(
            f"WITH s AS MATERIALIZED (SELECT v, nullif(p, v) AS c, "
            f"nullif({english_months('p')}, v) AS e FROM (SELECT v, {plain_date('v')} AS p "
            f"FROM ingest_date_sample)) SELECT {', '.join(parts)} FROM s"
        ).iloc[0]
    counts = {f: int(row[f"f{i}"]) for i, f in enumerate(formats)}
    direct = {f: int(row[f"d{i}"]) for i, f in enumerate(formats) if names_format(f)}
    return int(n), counts, direct


def _read(fmt: str) -> str:
    """SQL: the sample value `v` read with `fmt`, else its rewrite (`e` where `fmt` names
    months, else `c`) read with the format as the rewrite writes dates."""
    text = "e" if names_format(fmt) else "c"
    rewritten = f"try_strptime({text}, {sql_str(rewritten_format(fmt))})"
    return or_rewritten(f"try_strptime(v, {sql_str(fmt)})", rewritten)


def _check_format(fmt: str) -> None:
    """Refuse a ``--date-format`` DuckDB cannot read, tried on a connection of its own: a
    failed statement would abort the ingest's transaction."""
    check_strptime(fmt, "--date-format / date_format")
    with duckdb.connect() as con:
        try:
            con.execute("SELECT try_strptime('2026-01-01', ?)", [fmt]).fetchall()
        except duckdb.Error as error:
            epoch = " (epoch seconds are not read: convert them to ISO 8601)" if "%s" in fmt else ""
            raise InputError(
                f"date format {fmt!r} (--date-format / date_format) is not a strptime "
                f"format DuckDB reads{epoch}: {first_line(error)}"
            ) from None

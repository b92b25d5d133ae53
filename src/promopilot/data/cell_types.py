"""Step 3 of ingest, the typing half: the SQL that reads a staged text cell as its column's type
(number, timestamp in the shop's zone or a detected format, boolean), and what a cell that
does not read was expected to hold."""

from __future__ import annotations

from promopilot.data.date_text import strptime_sql
from promopilot.data.number_text import number_sql
from promopilot.data.rawfile import sql_str

# booleans as shops write them (compared in lower case); anything else is quarantined
TRUE_WORDS = ("1", "true", "t", "yes", "y", "是", "真", "有")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否", "假", "无", "無")


def typed_sql(
    kind: str,
    raw: str,
    timezone: str = "UTC",
    fmt: str | None = None,
    decimal_comma: bool = False,
) -> str:
    if kind == "timestamp" and fmt is not None:  # a detected or given strptime format
        local = str  # naive text is in the shop's zone; a zone after the time moves it to UTC
        if timezone != "UTC":
            local = lambda t: f"timezone('UTC', timezone({sql_str(timezone)}, {t}))"  # noqa: E731
        # weekdays, `à 14h30`, a zone after the time (RFC 2822), German, French, Spanish months
        parsed = strptime_sql(raw, fmt, local)
        # ISO 8601 is read as it is in any column (two exports pasted together); only the rows
        # the format does not read try it
        return f"coalesce({parsed}, {typed_sql(kind, raw, timezone)})"
    if kind == "float":
        return number_sql(raw, decimal_comma)
    if kind == "timestamp":
        # "2025-01-02 10:00:00 -0500" (Shopify's exports): DuckDB wants no space before a zone
        zoned = f"regexp_replace({raw}, '\\s+([+-]\\d\\d(:?\\d\\d)?|Z)$', '\\1')"
        with_zone = f"timezone('UTC', TRY_CAST({zoned} AS TIMESTAMPTZ))"
        if timezone != "UTC":  # naive text is read in the shop's zone (the session's TimeZone)
            return with_zone
        # A zone (Z, +08:00, -0500, UTC, Asia/Shanghai) can only follow the date: text without
        # a letter, + or - after it is naive, and the plain TIMESTAMP cast (5x faster) reads it
        # as UTC. TIMESTAMP ignores a zone, so text that may hold one takes the zone-aware cast.
        return (
            f"CASE WHEN regexp_matches(substr({raw}, 12), '[A-Za-z+-]') THEN {with_zone} "
            f"ELSE TRY_CAST({raw} AS TIMESTAMP) END"
        )
    if kind == "bool":
        return (
            f"CASE WHEN lower({raw}) IN ({', '.join(map(sql_str, TRUE_WORDS))}) THEN true "
            f"WHEN lower({raw}) IN ({', '.join(map(sql_str, FALSE_WORDS))}) THEN false END"
        )
    return raw


EXPECTED = {
    "float": "expected a number",
    "timestamp": "expected an ISO 8601 timestamp or date (e.g. 2026-08-28T14:03:00)",
    "bool": "expected true/false (or yes/no, y/n, 1/0, 是/否)",
}

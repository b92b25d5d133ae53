"""Dates written with a weekday first or a time joined by a word, rewritten in SQL so that the
plain strptime formats of :mod:`promopilot.data.dates` read them.

Shops and their spreadsheets write ``Sat, 8 Mar 2025``, ``Saturday, 8 March 2025 14:30``,
``Samstag, 8. März 2025``, ``sábado, 8 de marzo de 2025`` (a weekday and a comma first),
``08/03/2025, 14:30`` (a comma before the time), ``08/03/2025 à 14h30`` (French),
``08.03.2025 um 14:30 Uhr`` (German), ``08/03/2025 a las 14:30`` (Spanish) and
``8 March 2025 at 2:30 PM``. The text is rewritten first, in one SQL expression per cell (no
Python per row): the weekday and its comma dropped, ``14h30`` / ``10h00`` / ``14h`` written
``14:30`` / ``10:00`` / ``14:00``, the comma or word between date and time (``à``, ``um``,
``a las``, ``at``, ...) made one space, a trailing ``Uhr`` dropped; then the month names are
made English (:mod:`promopilot.data.month_names`) where the format names months. A format is
rewritten the same way (:func:`plain_format`), so that one written as the dates are
(``'%A, %d. %B %Y um %H:%M Uhr'``) reads them too. Only a cell the format does not read as it
is takes the rewrite. A weekday is dropped only where a comma follows it (``Mar, 8`` is not
taken for Spanish ``mar``, Tuesday, in ``Mar 8, 2025``).

A zone after the time, as e-mail and marketing exports write dates (RFC 2822:
``Sat, 8 Mar 2025 14:30:00 +0000``, ``Sat, 08 Mar 2025 14:30:00 GMT``, ``-05:00``, ``UT``,
``EST``, a ``(UTC)`` comment after it), is dropped by the rewrite too, and
:func:`strptime_sql` moves the time read to UTC by it (:func:`zone_minutes`), as ISO 8601
timestamps with a zone are; a time without a zone is the shop's (``local``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from promopilot.data.month_names import english_format, english_months, names_format, or_rewritten
from promopilot.data.rawfile import sql_str

# zones RFC 2822 names (its obsolete US ones too), as minutes east of UTC
ZONE_NAMES = {"GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360,
              "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420}  # fmt: skip
# a zone after a time (`14:30:00 +0000`, `14:30 GMT`, `-05:00`), a `(UTC)` comment after it
_ZONE = (
    f"(\\d:\\d\\d(?::\\d\\d)?)\\s*([+-]\\d\\d:?\\d\\d|{'|'.join(ZONE_NAMES)})"
    "(?:\\s*\\([^()]*\\))?\\s*$"
)

# the weekdays' names and abbreviations, with and without accents (compared ignoring case)
WEEKDAYS = {
    "English": "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun",
    "German": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag "
    "mo di mi do fr sa so",
    "French": "lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam dim",
    "Spanish": "lunes martes miércoles miercoles jueves viernes sábado sabado domingo "
    "lun mar mié mie jue vie sáb sab dom",
}
_WEEKDAY = "|".join(dict.fromkeys(" ".join(WEEKDAYS.values()).split()))
# the words between a date and its time: à (French), um (German), a las / a la (Spanish),
# às (Portuguese), at (English), om (Dutch), alle (Italian)
JOINERS = ("à", "às", "a las", "a la", "um", "at", "om", "alle")
_JOIN = f"(?:\\s*,\\s*|\\s+(?:{'|'.join(JOINERS)})\\s+)"
# SQL (RE2) patterns and their replacements, applied in order
_TEXT_STEPS = (
    (f"^\\s*(?:{_WEEKDAY})\\.?,\\s*", ""),  # Saturday, 8 March 2025
    ("(\\s\\d{1,2})h(\\d\\d)$", "\\1:\\2"),  # 14h30
    ("(\\s\\d{1,2})h$", "\\1:00"),  # 14h
    (f"(\\d){_JOIN}(\\d{{1,2}}:\\d)", "\\1 \\2"),  # 08/03/2025, 14:30 ; ... à 14:30
    ("\\s+Uhr$", ""),  # 14:30 Uhr
    (_ZONE, "\\1"),  # 14:30:00 +0000 (read by strptime_sql's zone_minutes)
)
# the same steps on a strptime format: %a / %A for the weekday, a directive before the time's
_FORMAT_STEPS = (
    (r"^\s*%[aA]\.?,\s*", ""),
    (r"(%-?[HI])h(%-?M)$", r"\1:\2"),
    (r"(%-?[HI])h$", r"\1:00"),
    (rf"(%-?[dmyYbB]){_JOIN}(%-?[HI]:)", r"\1 \2"),
    (r"\s+Uhr$", ""),
    (r"\s*%[zZ]$", ""),
)


def plain_date(raw: str) -> str:
    """SQL: the text ``raw`` without a leading weekday, its time joined by one space and
    written ``14:30`` (see the module's notes). Text without such parts is left as it is."""
    for pattern, replacement in _TEXT_STEPS:
        raw = f"regexp_replace({raw}, {sql_str(pattern)}, {sql_str(replacement)}, 'i')"
    return raw


def plain_format(fmt: str) -> str:
    """The strptime format ``fmt`` as it reads a text :func:`plain_date` rewrote:
    ``'%A, %d. %B %Y um %H:%M Uhr'`` -> ``'%d. %B %Y %H:%M'``."""
    for pattern, replacement in _FORMAT_STEPS:
        fmt = re.sub(pattern, replacement, fmt, flags=re.IGNORECASE)
    return fmt


def rewritten_format(fmt: str) -> str:
    """The format that reads the full rewrite (:func:`rewritten_sql`) of a text in ``fmt``."""
    return english_format(plain_format(fmt)) if names_format(fmt) else plain_format(fmt)


def rewritten_sql(raw: str, fmt: str) -> str:
    """SQL: the text ``raw`` rewritten for the format ``fmt``: :func:`plain_date`, then the
    month names made English where ``fmt`` names months."""
    plain = plain_date(raw)
    return english_months(plain) if names_format(fmt) else plain


def zone_minutes(raw: str) -> str:
    """SQL: the minutes east of UTC of the zone after the time in ``raw`` (``+0800``: 480,
    ``-05:00``: -300, ``GMT``: 0, ``EST``: -300), NULL where there is none."""
    z = f"upper(regexp_extract({raw}, {sql_str(_ZONE)}, 2, 'i'))"
    named = " ".join(f"WHEN {sql_str(k)} THEN {v}" for k, v in ZONE_NAMES.items())
    digits = f"replace({z}, ':', '')"
    return (
        f"CASE {z} WHEN '' THEN NULL {named} ELSE "
        f"(CASE WHEN {z}[1] = '-' THEN -1 ELSE 1 END) * (TRY_CAST(substr({digits}, 2, 2) AS INT)"
        f" * 60 + TRY_CAST(substr({digits}, 4, 2) AS INT)) END"
    )


def strptime_sql(raw: str, fmt: str, local: Callable[[str], str] = str) -> str:
    """SQL: ``raw`` read with the strptime format ``fmt``, else its rewrite read with the
    format rewritten (weekday, time, zone, German, French and Spanish month names). A time
    read without a zone goes through ``local`` (SQL -> SQL: the shop's time to UTC); one with
    a zone after it (RFC 2822, or read by a ``%z`` / ``%Z`` in ``fmt``) is moved to UTC by
    the zone."""
    parsed = f"try_strptime({raw}, {sql_str(fmt)})"
    rewritten = f"try_strptime({rewritten_sql(raw, fmt)}, {sql_str(rewritten_format(fmt))})"
    minutes = zone_minutes(raw)
    zoned = (
        f"CASE WHEN {minutes} IS NULL THEN {local(rewritten)} "
        f"ELSE {rewritten} - to_minutes({minutes}) END"
    )
    # a format with %z or %Z reads a TIMESTAMPTZ: its UTC time, never the session's
    direct = f"timezone('UTC', {parsed})" if re.search("%[zZ]", fmt) else local(parsed)
    return or_rewritten(direct, zoned)

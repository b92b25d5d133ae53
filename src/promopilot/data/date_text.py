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
"""

from __future__ import annotations

import re

from promopilot.data.month_names import english_format, english_months, names_format, or_rewritten
from promopilot.data.rawfile import sql_str

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
)
# the same steps on a strptime format: %a / %A for the weekday, a directive before the time's
_FORMAT_STEPS = (
    (r"^\s*%[aA]\.?,\s*", ""),
    (r"(%-?[HI])h(%-?M)$", r"\1:\2"),
    (r"(%-?[HI])h$", r"\1:00"),
    (rf"(%-?[dmyYbB]){_JOIN}(%-?[HI]:)", r"\1 \2"),
    (r"\s+Uhr$", ""),
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


def strptime_sql(raw: str, fmt: str) -> str:
    """SQL: ``raw`` read with the strptime format ``fmt``, else its rewrite read with the
    format rewritten (weekday, time, German, French and Spanish month names)."""
    parsed = f"try_strptime({raw}, {sql_str(fmt)})"
    rewritten = f"try_strptime({rewritten_sql(raw, fmt)}, {sql_str(rewritten_format(fmt))})"
    return or_rewritten(parsed, rewritten)

"""Dates with German, French or Spanish month names, rewritten in SQL so that the English
strptime formats of :mod:`promopilot.data.dates` read them.

A WordPress shop's order export (the Store Exporter plugins write dates through WordPress's
``mysql2date``, which translates month names into the site's language) writes
``28. November 2025`` / ``8. März 2025`` in German, ``28 novembre 2025`` / ``28 nov. 2025`` in
French and ``28 de noviembre de 2025`` in Spanish when the shop's date format names the month.
DuckDB's ``strptime`` reads English month names only, whatever the machine's locale, so the
text is rewritten first: ``28. März 2025 10:00`` -> ``28 March 2025 10:00`` (read by
``%d %B %Y %H:%M``). The table is fixed, no locale is consulted. Only a cell the detected format
does not read as it is takes the rewrite, so English dates read as before, at the same speed.
"""

from __future__ import annotations

import re

from promopilot.data.rawfile import sql_str

# English month: its names and abbreviations in German (Austria's Jänner too), French and
# Spanish, in lower case and without accents (the word is compared through strip_accents:
# "März", "févr.", "août", "déc."), and the English abbreviations, so that "nov." (French and
# Spanish) and "Nov." lose their dot as the others do
MONTHS = {
    "January": ("jan", "januar", "janner", "janvier", "janv", "enero", "ene"),
    "February": ("feb", "februar", "fevrier", "fevr", "fev", "febrero"),
    "March": ("mar", "marz", "maerz", "mrz", "mars", "marzo"),
    "April": ("apr", "avril", "avr", "abril", "abr"),
    "May": ("mai", "mayo", "may"),
    "June": ("jun", "juni", "juin", "junio"),
    "July": ("jul", "juli", "juillet", "juil", "julio"),
    "August": ("aug", "aout", "agosto", "ago"),
    "September": ("sep", "sept", "septembre", "septiembre", "setiembre"),
    "October": ("oct", "okt", "oktober", "octobre", "octubre"),
    "November": ("nov", "novembre", "noviembre"),
    "December": ("dec", "dez", "dezember", "decembre", "diciembre", "dic"),
}
_LOOKUP = (
    "MAP {"
    + ", ".join(
        f"{sql_str(word)}: {sql_str(month)}" for month, words in MONTHS.items() for word in words
    )
    + "}"
)


def names_format(fmt: str) -> bool:
    """Whether a strptime format reads a month name (``%b``, ``%B``): the rewrite is tried."""
    return "%b" in fmt or "%B" in fmt


def english_months(raw: str) -> str:
    """SQL: the text ``raw`` with its day and first month word as the English formats read them.

    ``28. März`` (German) and ``1er décembre`` (French) lose the dot and the ``er`` after the
    day; Spanish ``de`` between day, month and year goes; the first word is looked up in
    :data:`MONTHS` (accents stripped, case ignored) and replaced, with its dot, by the English
    name. A word the table does not hold is left as it is, and the format does not read it."""
    text = (
        f"regexp_replace(regexp_replace({raw}, '\\s+de\\s+', ' ', 'gi'), "
        "'^\\s*(\\d{1,2})(\\.|er)?\\s+', '\\1 ')"
    )
    word = f"lower(strip_accents(regexp_extract({text}, '\\pL+')))"
    return f"regexp_replace({text}, '\\pL+\\.?', coalesce({_LOOKUP}[{word}], '\\0'))"


def english_format(fmt: str) -> str:
    """The strptime format ``fmt`` as it reads a text :func:`english_months` rewrote: what the
    rewrite drops from the text goes from the format too, so that a format the shop's dates are
    written in reads them (``%d. %B %Y`` -> ``%d %B %Y`` for ``8. März 2025`` -> ``8 March
    2025``, ``%d de %B de %Y`` -> ``%d %B %Y``), and ``%b`` becomes ``%B``, as the rewrite writes
    the English month in full (DuckDB's ``%b`` reads only ``Mar``, ``%B`` only ``March``)."""
    fmt = re.sub(r"\s+de\s+", " ", fmt, flags=re.IGNORECASE)
    fmt = re.sub(r"^\s*(%-?d)(\.|er)?\s+", r"\1 ", fmt)
    return re.sub(r"%[bB]\.?", "%B", fmt)


def or_rewritten(parsed: str, rewritten: str) -> str:
    """SQL: ``parsed``, else ``rewritten``. A CASE, not coalesce: DuckDB's CASE evaluates its
    ELSE only for the rows that take it, where coalesce rewrote every row (a million English
    dates: 1.3 s against 0.3 s)."""
    return f"CASE WHEN {parsed} IS NULL THEN {rewritten} ELSE {parsed} END"

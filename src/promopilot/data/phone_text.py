"""A phone number cell as Excel or a platform writes it, read as the number it is: the text
:func:`promopilot.data.contact_ids.phone_sql` reads (:func:`written_sql`), and the number
``contacts`` keeps (:func:`kept_phone_sql`: ``+`` and its digits, the same reading a phone number
given as a customer id gets, so one person's number written two ways is one number)."""

from __future__ import annotations

from promopilot.data.contact_ids import CHINA_MOBILE, phone_sql


def written_sql(text: str) -> str:
    """SQL: a mobile number cell (trimmed text) as :func:`contact_ids.phone_sql` reads it: the
    digits of scientific notation that gives all of them (``1.3812345678E10``; one with fewer
    digits than its exponent, ``1.38123E+10``, rounded by Excel, stays as it is), and a Chinese
    mobile number after the country code 86 without ``+`` (``86-13812345678``) with it."""
    sci = r"'[0-9]\.([0-9]+)[eE]\+?([0-9]{1,2})'"
    digits = (
        f"CASE WHEN regexp_full_match({text}, {sci}) AND length(regexp_extract({text}, {sci}, 1))"
        f" = CAST(regexp_extract({text}, {sci}, 2) AS INTEGER) THEN "
        f"left({text}, 1) || regexp_extract({text}, {sci}, 1) ELSE {text} END"
    )
    country = "'86[ -]?" + CHINA_MOBILE.replace("'", "''") + "'"
    return (
        f"CASE WHEN starts_with({text}, '86') AND regexp_full_match({text}, {country}) THEN "
        f"'+' || {text} ELSE {digits} END"
    )


def kept_phone_sql(text: str) -> str:
    """SQL: a phone column's cell as ``contacts`` keeps it: the number :func:`written_sql` and
    :func:`contact_ids.phone_sql` read in it (``tel:+86 138 1234 5678``, ``13812345678``,
    ``86-13812345678`` as ``+8613812345678``), else the cell as written (a landline, a number
    written as a country writes it at home, ``(555) 123-4567``)."""
    trimmed = f"trim({text})"
    return f"coalesce({phone_sql(written_sql(trimmed))}, {text})"

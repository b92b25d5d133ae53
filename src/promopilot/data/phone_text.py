"""A phone number cell as Excel or a platform writes it, read as the number it is: the text
:func:`promopilot.data.contact_ids.phone_sql` reads (:func:`written_sql`), and the number
``contacts`` keeps (:func:`kept_phone_sql`: ``+`` and its digits where the cell names its
country, the digits of a mobile number where it does not, so one person's number written two
ways is one number; a phone number id's too, :func:`contact_ids.keep_contacts`), and a typed
id read as such a cell (:func:`typed_phone`, for ``promopilot forget``)."""

from __future__ import annotations

from promopilot.data import contact_ids
from promopilot.data.contact_ids import CHINA_MOBILE, phone_sql
from promopilot.data.schema import plain_id

MOBILE = "'" + CHINA_MOBILE.replace("'", "''") + "'"  # a Chinese mobile number, as SQL


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
    :func:`contact_ids.phone_sql` read in it where it names its country (``tel:+86 138 1234
    5678``, ``0086 138...``, ``86-13812345678`` as ``+8613812345678``); a mobile number without
    one (``138-1234-5678``, ``1.3812345678E10``) as its digits, no country guessed (a US
    ``15551234567`` has the same shape, and a message must reach the number the shop has);
    else the cell as written (a landline, a number written as a country writes it at home,
    ``(555) 123-4567``)."""
    written = written_sql(f"trim({text})")
    return (
        f"CASE WHEN regexp_full_match({written}, {MOBILE}) "
        f"THEN regexp_replace({written}, '[^0-9]', '', 'g') "
        f"ELSE coalesce({phone_sql(written)}, {text}) END"
    )


def typed_phone(value: str) -> tuple[str, str] | None:
    """(stored id, number) of a typed id read as an orders file's mobile number column reads
    its cell (:mod:`promopilot.data.phone_ids`: ``86-13812345678``, ``1.3812345678E10``,
    ``+86 138 1234 5678`` name the customer ``13812345678`` is), None where it reads no number
    so: ``promopilot forget`` finds a customer told apart by the number by any of them."""
    stored, _, phone = contact_ids.read_typed(plain_id(value.strip()), written_sql)
    return None if phone is None else (stored, phone)


def shown_typed(value: str, phone: tuple[str, str] | None = None) -> str | None:
    """A typed id as a message may show it (:func:`contact_ids.shown`), a number
    :func:`typed_phone` reads in it (`phone`, where read already) masked as that number
    (``86-13812345678`` as ``+86*******5678``)."""
    phone = phone or typed_phone(value)
    return contact_ids.shown(value.strip() if phone is None else phone[1])

"""A phone number cell as Excel or a platform writes it, read as the number it is: the text
:func:`promopilot.data.contact_ids.phone_sql` reads (:func:`written_sql`), and the number
``contacts`` keeps (:func:`kept_phone_sql`: ``+`` and its digits where the cell names its
country, the digits of a mobile or North American number where it does not, so one person's
number written two ways is one number; a phone number id's too, :func:`keep_contacts`), and a
typed id read as such a cell (:func:`typed_phone`, for ``promopilot forget``, the API and the
dashboard: :func:`typed_customer_id`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from promopilot.data import contact_ids
from promopilot.data.contact_ids import phone_sql
from promopilot.data.contact_patterns import CHINA_MOBILE, NORTH_AMERICA, NORTH_AMERICA_ONE
from promopilot.data.schema import plain_id

if TYPE_CHECKING:
    from promopilot.data.store import Store

MOBILE = "'" + CHINA_MOBILE.replace("'", "''") + "'"  # a Chinese mobile number, as SQL
# a North American number without its +1 ((555) 123-4567, 555-123-4567, 555.123.4567), as SQL
NANP = "'(?:" + NORTH_AMERICA.replace("'", "''") + ")'"
# the same dialled with its leading 1 (1-555-123-4567, 1 (555) 123-4567), as SQL
NANP_ONE = "'(?:" + NORTH_AMERICA_ONE + ")'"
# the country codes a number kept as its digits is read with for its id (+86 13812345678, a
# 10-digit North American +1 5551234567): a later file naming it gives contacts the country
READ_COUNTRIES = ("+86", "+1")
# what written_sql reads otherwise than as written: 86 without +, scientific notation, a North
# American number (a superset: the rest is read as every id is, contact_ids.might_be_contact)
_WRITTEN = re.compile(
    rf"86.*|[0-9]\.[0-9]+[eE]\+?[0-9]{{1,2}}|{NORTH_AMERICA}|{NORTH_AMERICA_ONE}", re.DOTALL
)


def written_sql(text: str) -> str:
    """SQL: a mobile number cell (trimmed text) as :func:`contact_ids.phone_sql` reads it: the
    digits of scientific notation that gives all of them (``1.3812345678E10``; one with fewer
    digits than its exponent, ``1.38123E+10``, rounded by Excel, stays as it is), and a Chinese
    mobile number after the country code 86 without ``+`` (``86-13812345678``) with it, and a
    North American number as written there (``(555) 123-4567``, ``555-123-4567``,
    ``555.123.4567``) as ``+1`` and its digits: the numbering plan its shape names, and one
    dialled with its leading 1 (``1-555-123-4567``, ``1 (555) 123-4567``) as ``+`` and its
    digits (a bare ten digits, ``555 123 4567``, or ``15551234567``, stays as it is)."""
    sci = r"'[0-9]\.([0-9]+)[eE]\+?([0-9]{1,2})'"
    digits = (
        f"CASE WHEN regexp_full_match({text}, {sci}) AND length(regexp_extract({text}, {sci}, 1))"
        f" = CAST(regexp_extract({text}, {sci}, 2) AS INTEGER) THEN "
        f"left({text}, 1) || regexp_extract({text}, {sci}, 1) ELSE {text} END"
    )
    country = "'86[ -]?" + CHINA_MOBILE.replace("'", "''") + "'"
    return (
        f"CASE WHEN starts_with({text}, '86') AND regexp_full_match({text}, {country}) THEN "
        f"'+' || {text} WHEN length({text}) BETWEEN 12 AND 14 AND regexp_full_match({text}, "
        f"{NANP}) THEN '+1' || regexp_replace({text}, '[^0-9]', '', 'g') "
        f"WHEN starts_with({text}, '1') AND length({text}) BETWEEN 14 AND 16 AND "
        f"regexp_full_match({text}, {NANP_ONE}) THEN '+' || regexp_replace({text}, '[^0-9]', '', "
        f"'g') ELSE {digits} END"
    )


def kept_phone_sql(text: str) -> str:
    """SQL: a phone column's cell as ``contacts`` keeps it: the number :func:`written_sql` and
    :func:`contact_ids.phone_sql` read in it where it names its country (``tel:+86 138 1234
    5678``, ``0086 138...``, ``86-13812345678`` as ``+8613812345678``); a mobile number without
    one (``138-1234-5678``, ``1.3812345678E10``) or a North American number as written there
    (``(555) 123-4567``, read as ``+1`` for its id) as its digits, ``5551234567``, no country
    guessed (a US ``15551234567`` has a Chinese mobile's shape, and a message must reach the
    number the shop has; one dialled with its leading 1, ``1-555-123-4567``, names it:
    ``+15551234567``); else the cell as written (a landline, a number as another country
    writes it at home, ``07700 900123``)."""
    written = written_sql(f"trim({text})")
    return (
        f"CASE WHEN regexp_full_match({written}, {MOBILE}) "
        f"THEN regexp_replace({written}, '[^0-9]', '', 'g') "
        f"WHEN regexp_full_match(trim({text}), {NANP}) "
        f"THEN regexp_replace({text}, '[^0-9]', '', 'g') "
        f"ELSE coalesce({phone_sql(written)}, {text}) END"
    )


def country_given_sql(new: str, old: str) -> str:
    """SQL: whether number `new` is kept number `old` (its digits, :func:`kept_phone_sql`)
    with the country its id was read with (:data:`READ_COUNTRIES`): a later file naming it."""
    given = ", ".join(f"'{country}' || {old}" for country in READ_COUNTRIES)
    return f"{new} IN ({given})"


def keep_contacts(store: Store, stage: str, ingest_id: int) -> None:
    """Put the e-mail address or phone number of every kept row's hashed id
    (:func:`contact_ids.stage_sql`) in ``contacts`` where that customer has none yet. A phone
    number is kept as a customers file's phone cell is (:func:`kept_phone_sql`, of the cell as
    the file wrote it: ``_phone_cell`` for a mobile number column, :mod:`.phone_ids`): a
    number that names no country as its digits (a US ``15551234567`` is no ``+86`` number,
    though its id is hashed so), one that names it as ``+`` and its digits, preferred where a
    customer's rows write it both ways. A stored contact is kept as it is, but for a number
    kept as its digits that a later file writes with the country its id was read with
    (:func:`country_given_sql`), so re-ingesting a file changes nothing. Only for a file
    :func:`contact_ids.added_contact_ids` found such ids in."""
    cell = "_phone_cell" if "_phone_cell" in store.columns(stage) else "_id_text"
    kept = f"FROM {stage} WHERE _err IS NULL AND t_customer_id IS NOT NULL"
    phone = f"CASE WHEN _id_phone IS NOT NULL THEN {kept_phone_sql(cell)} END"
    values = (
        "SELECT t_customer_id AS id, any_value(_id_email) AS email, "
        "coalesce(arg_min(_kept_phone, _row) FILTER (WHERE starts_with(_kept_phone, '+')), "
        f"arg_min(_kept_phone, _row)) AS phone FROM (SELECT *, {phone} AS _kept_phone {kept} AND "
        "(_id_email IS NOT NULL OR _id_phone IS NOT NULL)) GROUP BY 1"
    )
    store.execute(f"CREATE OR REPLACE TEMP TABLE contact_ids_kept AS {values}")
    fill_contacts(store, "contact_ids_kept", "id")
    store.execute(
        f"INSERT INTO contacts SELECT id, email, phone, NULL, timezone('UTC', now()), {ingest_id} "
        "FROM contact_ids_kept WHERE id NOT IN (SELECT customer_id FROM contacts)"
    )
    store.execute("DROP TABLE contact_ids_kept")


def typed_phone(value: str) -> tuple[str, str] | None:
    """(stored id, number) of a typed id read as an orders file's mobile number column reads
    its cell (:mod:`promopilot.data.phone_ids`: ``86-13812345678``, ``1.3812345678E10``,
    ``+86 138 1234 5678`` name the customer ``13812345678`` is), None where it reads no number
    so: ``promopilot forget`` finds a customer told apart by the number by any of them. Text
    that cannot be one (the usual id: fewer than ten digits, or none of a number's shapes) is
    answered without a query (the API asks it of every stranger's id)."""
    text = plain_id(value.strip())
    if sum(c.isdigit() for c in text) < 10 or not (  # a phone number has 10 to 15 digits
        contact_ids.might_be_contact(text) or _WRITTEN.fullmatch(text)
    ):
        return None
    stored, _, phone = contact_ids.read_typed(text, written_sql)
    return None if phone is None else (stored, phone)


def typed_customer_id(
    value: str, known: Callable[[str], bool], phone: tuple[str, str] | None = None
) -> str:
    """The stored id of the customer a typed id names, as ``promopilot forget``, the API and
    the dashboard read it: the id as ingest stores it (:func:`contact_ids.stored_customer_id`:
    ``17850.0`` as ``17850``, an address or ``+86 ...`` number as its hash) where `known` holds
    it, else the customer told apart by the number :func:`typed_phone` reads in it
    (``86-13812345678``, ``1.3812345678E10``, ``(555) 123-4567``: a mobile number column's
    customer) where `known` holds that one, else the id as ingest stores it (a shop's own id
    ``8613812345678`` stays its customer). `phone`: :func:`typed_phone` of it, where read."""
    stored = contact_ids.stored_customer_id(value)
    if known(stored):
        return stored
    phone = phone or typed_phone(value)
    return phone[0] if phone is not None and phone[0] != stored and known(phone[0]) else stored


def shown_typed(value: str, phone: tuple[str, str] | None = None) -> str | None:
    """A typed id as a message may show it (:func:`contact_ids.shown`), a number
    :func:`typed_phone` reads in it (`phone`, where read already) masked as that number
    (``86-13812345678`` as ``+86*******5678``)."""
    phone = phone or typed_phone(value)
    return contact_ids.shown(value.strip() if phone is None else phone[1])


def fill_contacts(store: Store, source: str, id_column: str) -> None:
    """Give `contacts` the e-mail address and phone number of `source` (a table or a
    parenthesised query with `id_column`, ``email`` and ``phone``) where a customer has none
    yet, and a number kept without its country the one a later file names; ingest's
    :func:`keep_contacts` and the once-only migration of old stores both write them so."""
    for field in ("email", "phone"):
        named = f" OR {country_given_sql('s.phone', 'contacts.phone')}" if field == "phone" else ""
        store.execute(
            f"UPDATE contacts SET {field} = s.{field} FROM {source} s "
            f"WHERE contacts.customer_id = s.{id_column} AND s.{field} IS NOT NULL AND "
            f"(contacts.{field} IS NULL{named})"
        )

"""The country of a phone number id written without its country code: ``[contact]
default_country`` (:class:`promopilot.config.ContactSettings`).

An 11-digit number starting with 1 and no ``+`` (``15551234567``) has a Chinese mobile's shape
and a North American number's dialled with its leading 1 alike. With ``CN`` (the default, as
every store before the setting) it is read as ``+86``, with ``US`` as ``+1``
(:func:`bare_phone_sql`), so ``15551234567`` is the customer ``+1 555 123 4567`` is. Its id is
the hash of that reading: a store built with one country would give the same customer another
id with the other, so a store keeps the country it was built with (:func:`check`): one built
with ``US`` records it in table ``migrations`` (:data:`US`); opening a store with the other
country than its own is refused in one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promopilot.config import load_contact_settings
from promopilot.data.schema import CUSTOMER_TABLES
from promopilot.exceptions import InputError

if TYPE_CHECKING:
    from promopilot.data.store import Store

# the row of table migrations of a store whose bare numbers are read as +1 (none: +86)
US = "contact-default-country-us"
# a North American number dialled with its leading 1, no +: 15551234567, 1 555 123 4567
US_ONE = r"1[ -]?[2-9][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{4}"


def default_country() -> str:
    """The setting: ``CN`` or ``US``."""
    return load_contact_settings().default_country


def bare_phone_sql(text: str, digits: str, china_mobile: str) -> str:
    """SQL: the ``WHEN ... THEN`` branch of :func:`promopilot.data.contact_ids.phone_sql` for
    a number `text` (trimmed text, `digits` its digits) written without its country code, as
    the setting reads it: a Chinese mobile (`china_mobile`) as ``+86``, or a North American
    number dialled with its leading 1 as ``+1``."""
    if default_country() == "US":
        return (
            f"WHEN starts_with({text}, '1') AND length({text}) BETWEEN 11 AND 14 AND "
            f"regexp_full_match({text}, '{US_ONE}') THEN '+' || {digits}"
        )
    return (
        f"WHEN starts_with({text}, '1') AND length({text}) BETWEEN 11 AND 13 AND "
        f"regexp_full_match({text}, '{china_mobile}') THEN '+86' || {digits}"
    )


def check(store: Store, *, writable: bool) -> None:
    """Refuse `store` where the setting is not the country it was built with (one with no
    customer yet takes the setting's, recorded where it is `US` and `writable`)."""
    country = default_country()
    tables = set(
        store.query(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        )["table_name"]
    )
    recorded = "migrations" in tables and bool(
        store.scalar("SELECT count(*) FROM migrations WHERE name = ?", [US])
    )
    if recorded == (country == "US"):
        return
    if not recorded and not any(store.count(t) for t in CUSTOMER_TABLES if t in tables):
        if writable:
            store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), 0)", [US])
        return
    built = "US" if recorded else "CN"
    reading = {"CN": "+86 (a Chinese mobile)", "US": "+1 (a North American number)"}
    raise InputError(
        f"{store.path}: this store reads a customer id such as 15551234567 (no + or 00) as "
        f"{reading[built]}, [contact] default_country is {country!r}: its customers would get "
        f'other ids; set default_country = "{built}", or ingest into a new store'
    )

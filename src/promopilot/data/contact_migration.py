"""Stores made before customer ids that are contact data were hashed: a one-time migration.

Since ingest stores a customer id that is an e-mail address or phone number as its hash
(:mod:`promopilot.data.contact_ids`), a store built before holds such addresses as
``customer_id`` in every table. :func:`hash_contact_ids` runs when a store is opened for
writing: in one transaction (a crash leaves the store as it was) every such id, in every table
with a ``customer_id``, becomes the id ingest stores for it now, its address or number goes to
``contacts`` as ingest puts it there, rows that became one customer's twice are kept once, and
an address or number in the quarantine's or flags' text is masked. It is recorded in table
``migrations`` and never runs again on that store; a store made by this version records it
when it is created.

A customer forgotten before (``forgotten`` keeps a hash of the id as it was stored, the address
itself) stays forgotten: ingest checks the address a staged id was too
(:func:`promopilot.data.dedupe.drop_forgotten`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from promopilot.data.contact_ids import (
    customer_hash,
    email_sql,
    hashed_id_sql,
    masked_in_text,
    phone_sql,
)
from promopilot.data.phone_text import fill_contacts, kept_phone_sql
from promopilot.data.schema import CUSTOMER_TABLES
from promopilot.data.text_migration import (
    DELIVERY_ERRORS,  # noqa: F401 (read here too)
    DELIVERY_NAMES,
    LEADING_ONE,  # noqa: F401 (read here too)
    LOCAL_PHONES,  # noqa: F401 (read here too)
    MAY_HOLD,
    REJECTED_LEADING_ONE,  # noqa: F401 (read here too)
    REJECTED_LOCAL_PHONES,  # noqa: F401 (read here too)
    REJECTED_NAMES,
    REVIEW_NAMES,
    REVIEW_TEXTS,  # noqa: F401 (read here too)
    TEXTS,
    mask_rejected,
    rejected_changes,
    review_changes,
)
from promopilot.exceptions import InputError

if TYPE_CHECKING:
    from promopilot.data.store import Store

NAME = "contact-ids-hashed"
# again, once ids written as mailto:, <...>, tel:, 00 for + or (+86) were read as contact data
SPELLINGS = "contact-ids-spellings-hashed"
# again, once Shopify's exports read their e-mail cell so too (an id hashed from
# mailto:Ann@Example.com becomes ann@example.com's)
SHOPIFY_EMAILS = "shopify-email-ids-read"
# the migrations that hash ids (hash_contact_ids), in the order they came
ID_MIGRATIONS = (NAME, SPELLINGS, SHOPIFY_EMAILS)
# a customers file's e-mail cell kept as written (mailto:Ann@Example.com) read as its address
EMAILS = "contact-emails-read"
# a customers file's phone cell kept as written (tel:+86 138 1234 5678) read as its number
PHONES = "contact-phones-read"
MAP = "contact_id_map"

# the ids email_sql or phone_sql could take for contact data (the usual id cannot)
_MAYBE = (
    "(contains(customer_id, '@') OR starts_with(trim(customer_id), '+') OR "
    "starts_with(trim(customer_id), '00') OR starts_with(trim(customer_id), '(+') OR "
    "lower(trim(customer_id)) LIKE 'tel:%' OR "
    "(starts_with(trim(customer_id), '1') AND length(trim(customer_id)) BETWEEN 11 AND 13))"
)
# tables whose rows are one per key: a key that became one customer's twice is kept once
_KEYS = {
    "customers": ("customer_id",),
    "contacts": ("customer_id",),
    "events": ("timestamp", "customer_id", "product_id", "event"),
    "reviews": ("review_id",),
    "campaigns": ("campaign_id", "customer_id"),
    "unsubscribes": ("customer_id", "channel"),
}
# the newest row of such a key is kept (the others, first in the table)
_NEWEST = {"customers": "updated_at DESC NULLS LAST, ", "contacts": "updated_at DESC NULLS LAST, "}


def note(n: int) -> str:
    return (
        f"{n:,} customer ids that were e-mail addresses or phone numbers were replaced by "
        "hashed ids"
    )


def hash_contact_ids(store: Store) -> list[str]:
    """Run the migration on `store` (opened for writing) unless it ran before. Returns the
    notes for the user: one line with the count of ids replaced, none when there were none."""
    done = store.applied_migrations()
    names = [name for name in ID_MIGRATIONS if name not in done]
    if not names:
        return []
    if not store.scalar(  # a new store
        f"SELECT EXISTS ({_candidates(CUSTOMER_TABLES)}) OR EXISTS ({_respelled()})"
    ):
        for name in names:
            store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), 0)", [name])
        return []
    with store.transaction():
        n = _build_map(store, CUSTOMER_TABLES)
        if n:
            _reviews_ids(store)
            for table in CUSTOMER_TABLES:
                store.execute(
                    f"UPDATE {table} SET customer_id = m.new FROM {MAP} m "
                    f"WHERE {table}.customer_id = m.old"
                )
            for table, key in _KEYS.items():
                _keep_once(store, table, key)
            _keep_contacts(store)
            _rejected_rows(store)
            mask_rejected(store)
            erased = _erase_forgotten(store)
        store.execute(f"DROP TABLE IF EXISTS {MAP}")
        for name in names:
            store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), ?)", [name, n])
    if not n:
        return []
    return [note(n)] + (
        [
            f"{erased:,} of them belonged to customers forgotten before by their address or "
            "number written another way: erased"
        ]
        if erased
        else []
    )


def read_contact_emails(store: Store) -> None:
    """The e-mail addresses ``contacts`` kept as a customers file wrote them
    (``mailto:Ann@Example.com``, ``Ann <ann@example.com>``), as ingest keeps them now
    (:func:`promopilot.data.contact_ids.address_sql`: the address, which a sender reaches),
    once per store (:func:`_read_once`). After :func:`hash_contact_ids`, which finds an id an
    older version hashed from such a cell by the cell as kept."""
    _read_once(store, EMAILS, "email", lambda: email_sql("trim(email)"))


def read_contact_phones(store: Store) -> None:
    """The phone numbers ``contacts`` kept as a customers file wrote them (``tel:+86...``,
    ``138 1234 5678``), as ingest keeps them now (:func:`promopilot.data.phone_text.kept_phone_sql`:
    ``+`` and the digits where the cell names its country, the digits of a mobile number where
    it does not), once per store (:func:`_read_once`)."""
    _read_once(store, PHONES, "phone", lambda: kept_phone_sql("phone"))


def _read_once(store: Store, name: str, column: str, reading: Callable[[], str]) -> None:
    """Contacts' `column` rewritten as the SQL `reading` gives for it, unless migration `name`
    ran before (then `reading` is not called): in one transaction, only the rows that change,
    the migration recording how many."""
    if store.scalar("SELECT count(*) FROM migrations WHERE name = ?", [name]):
        return
    read = reading()
    with store.transaction():
        n = store.scalar(
            f"UPDATE contacts SET {column} = {read} WHERE {column} IS NOT NULL "
            f"AND {read} IS NOT NULL AND {read} <> {column}"
        )
        store.execute(
            "INSERT INTO migrations VALUES (?, timezone('UTC', now()), ?)", [name, n or 0]
        )


def _candidates(tables: tuple[str, ...]) -> str:
    """SQL: the stored ids (``id``) that might be contact data."""
    return " UNION ".join(f"SELECT customer_id AS id FROM {t} WHERE {_MAYBE}" for t in tables)


def _build_map(store: Store, tables: tuple[str, ...]) -> int:
    """Temp table ``contact_id_map`` (old id, new id, e-mail, phone) of every stored id that
    is contact data, read by ingest's own SQL; returns how many."""
    ids = _candidates(tables)
    hashed = hashed_id_sql("id", "email", "phone")
    store.execute(
        f"CREATE TEMP TABLE {MAP} AS SELECT id AS old, {hashed} AS new, email, phone FROM "
        f"(SELECT id, {email_sql('trim(id)')} AS email, {phone_sql('trim(id)')} AS phone "
        f"FROM ({ids})) WHERE email IS NOT NULL OR phone IS NOT NULL"
    )
    store.execute(
        f"INSERT INTO {MAP} SELECT customer_id, {customer_hash('read')}, read, NULL "
        f"FROM ({_respelled()}) WHERE customer_id NOT IN (SELECT old FROM {MAP})"
    )
    # the address as ingest reads it now, in place of the one the old id was hashed from
    store.execute(
        f"UPDATE contacts SET email = m.email FROM {MAP} m WHERE contacts.customer_id = m.old "
        "AND m.email IS NOT NULL AND contacts.email IS NOT NULL AND contacts.email <> m.email "
        f"AND m.old = {customer_hash('contacts.email')}"
    )
    return int(store.scalar(f"SELECT count(*) FROM {MAP}"))


def _respelled() -> str:
    """SQL: hashed ids (``customer_id``) of an address an older version read with what was
    around it (``mailto:ann@example.com`` hashed whole), and the address as read now
    (``read``), from ``contacts``, where the hash of what it kept is the id."""
    return (
        f"SELECT customer_id, read FROM (SELECT customer_id, email, {email_sql('email')} AS "
        "read FROM contacts WHERE email IS NOT NULL AND customer_id LIKE 'shopify-%') "
        f"WHERE read IS NOT NULL AND read <> email AND customer_id = {customer_hash('email')}"
    )


def _review_id(customer: str) -> str:
    """SQL: the review id ingest derives for a review without one (data.staging)."""
    return (
        f"'r-' || md5(concat_ws('|', {customer}, product_id, "
        "coalesce(CAST(\"timestamp\" AS VARCHAR), '')))"
    )


def _reviews_ids(store: Store) -> None:
    """A review id ingest derived from the old id is derived from the new one, so the same
    reviews file ingested again is the same reviews."""
    store.execute(
        f"UPDATE reviews SET review_id = {_review_id('m.new')} FROM {MAP} m "
        f"WHERE reviews.customer_id = m.old AND review_id = {_review_id('m.old')}"
    )


def _keep_once(store: Store, table: str, key: tuple[str, ...]) -> None:
    """Of the rows of a key that holds a new id (two ids of one address: ``Ann@...`` and
    ``ann@...``, or an id and its hash), keep one."""
    keys = ", ".join(f'"{k}"' for k in key)
    store.execute(
        f"DELETE FROM {table} WHERE rowid IN (SELECT r FROM (SELECT rowid AS r, row_number() "
        f"OVER (PARTITION BY {keys} ORDER BY {_NEWEST.get(table, '')}rowid) AS n FROM {table} "
        f"WHERE customer_id IN (SELECT new FROM {MAP})) WHERE n > 1)"
    )


def _keep_contacts(store: Store) -> None:
    """The address or number of each new id in ``contacts``, as ingest keeps it
    (:func:`promopilot.data.phone_text.keep_contacts`): a number as the old id wrote it
    (:func:`kept_phone_sql`: ``13800138000`` as its digits, no ``+86`` guessed), the spelling
    that names its country preferred; filled in where the customer's row has none (or the
    number's digits without the country an old id names), a row added where the customer has
    none."""
    kept = f"CASE WHEN phone IS NOT NULL THEN {kept_phone_sql('old')} END"
    values = (
        "SELECT new, any_value(email) AS email, coalesce(min(kept) FILTER (WHERE "
        "starts_with(kept, '+')), min(kept)) AS phone "
        f"FROM (SELECT *, {kept} AS kept FROM {MAP}) GROUP BY new"
    )
    fill_contacts(store, f"({values})", "new")
    store.execute(
        f"INSERT INTO contacts SELECT new, email, phone, NULL, timezone('UTC', now()), NULL "
        f"FROM ({values}) WHERE new NOT IN (SELECT customer_id FROM contacts "
        "WHERE customer_id IS NOT NULL)"
    )


def _rejected_rows(store: Store) -> None:
    """A quarantined or flagged row's bad value that was an old id is the new id, and a flag
    of an unknown customer whose id is now one the customers table holds (``ann@example.com``
    in orders, ``Ann@Example.com`` in customers) is dropped, as ingest would not flag it."""
    for table in TEXTS:
        store.execute(
            f"UPDATE {table} SET value = m.new FROM {MAP} m "
            f"WHERE {table}.\"column\" = 'customer_id' AND {table}.value = m.old"
        )
    store.execute(
        f"DELETE FROM flags WHERE \"column\" = 'customer_id' AND value IN (SELECT new FROM {MAP}) "
        "AND value IN (SELECT customer_id FROM customers)"
    )


def _erase_forgotten(store: Store) -> int:
    """A customer forgotten by one form of their address (``ann@example.com``) whose rows the
    store kept under another (``Ann@Example.com``, another customer then) is one customer now:
    their rows are erased and their new id forgotten, as ``forget`` does. Returns how many."""
    from promopilot.data.forgotten import FORGOTTEN  # data.forgotten imports the store

    gone = (
        f"SELECT DISTINCT new FROM {MAP} WHERE {FORGOTTEN.format('old')} OR (email IS NOT "
        f"NULL AND {FORGOTTEN.format('email')}) OR (phone IS NOT NULL AND "
        f"{FORGOTTEN.format('phone')})"
    )
    erased = int(store.scalar(f"SELECT count(*) FROM {MAP} WHERE new IN ({gone})"))
    if erased:
        for table in CUSTOMER_TABLES:
            store.execute(f"DELETE FROM {table} WHERE customer_id IN ({gone})")
        store.execute(
            f"INSERT INTO forgotten SELECT sha256('promopilot:' || new), timezone('UTC', now()) "
            f"FROM ({gone})"
        )
    return erased


def needed(store: Store) -> bool:
    """Whether `store`, opened read-only, holds what a migration not recorded in it would
    change: a customer id that is an e-mail address or phone number, or such an address or
    number in a delivery error's, a rejected row's or a review's text. Reads only; False for a
    store this version made (all recorded) or an old store with nothing to hide (the usual
    shop: one query per table)."""
    tables = set(
        store.query(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        )["table_name"]
    )
    done = (
        set(store.query("SELECT name FROM migrations")["name"]) if "migrations" in tables else set()
    )
    if not set(ID_MIGRATIONS) <= done:
        held = tuple(t for t in CUSTOMER_TABLES if t in tables)
        if held and store.scalar(
            f"SELECT EXISTS (SELECT 1 FROM ({_candidates(held)}) WHERE "
            f"{email_sql('trim(id)')} IS NOT NULL OR {phone_sql('trim(id)')} IS NOT NULL)"
        ):
            return True
        if "contacts" in tables and store.scalar(f"SELECT EXISTS ({_respelled()})"):
            return True
    if not set(DELIVERY_NAMES) <= done and "deliveries" in tables:
        errors = store.query(f"SELECT error FROM deliveries WHERE {MAY_HOLD.format('error')}")
        if any(masked_in_text(e) != e for e in errors["error"].dropna().astype(str)):
            return True
    reviews = f"SELECT EXISTS (SELECT 1 FROM reviews WHERE {review_changes()})"
    if not set(REVIEW_NAMES) <= done and "reviews" in tables and store.scalar(reviews):
        return True
    if not set(REJECTED_NAMES) <= done:
        return any(not rejected_changes(store, table).empty for table in TEXTS if table in tables)
    return False


def refusal(path: str, error: InputError, behind: list[str] | None = None) -> InputError:
    """The one line refusing a read-only open of a store :func:`needed` says holds addresses,
    or that lacks the columns `behind`, when opening it for writing failed with `error`."""
    detail = str(error).lower()
    why = (
        "another process has it open"
        if "lock" in detail or "different configuration" in detail
        else "it is not writable"
    )
    what = (
        f"lacks columns this version reads ({', '.join(behind[:3])}); opening it read-only "
        "cannot add them"
        if behind
        else "still holds e-mail addresses or phone numbers as customer ids or in delivery "
        "errors or review texts; opening it read-only cannot replace them"
    )
    return InputError(
        f"{path}: this store was made by an older promopilot version and {what} because {why}: "
        f"run `promopilot summary --db {path}` once (it migrates the store), then open it "
        "read-only"
    )

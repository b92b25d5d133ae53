"""Customer ids that are contact data: an e-mail address or a phone number used as the id.

Small shops often key a customer by their e-mail ("the customer is their e-mail") or mobile
number. Such an id is stored as the one-way hash :func:`customer_hash` (the one Shopify's
exports are keyed by, so the same e-mail is one customer whichever file names it) and the
address goes to ``contacts`` only, so it reaches no table, feature, model, report or log.

An id is an e-mail address when it is ``something@domain.tld`` (compared in lower case); a
phone number when it starts with ``+`` and holds 10 to 15 digits (``+86 138 0013 8000``,
``+1 (555) 123-4567``), or is an 11-digit Chinese mobile number (``13800138000``,
``138-0013-8000``, read as ``+86``; as ``+1`` with ``[contact] default_country = "US"``:
:mod:`promopilot.data.contact_country`). Any other id (``17850``, ``C000123``, a 10-digit number)
is kept as it is. The same rule reads a typed id (``promopilot forget``, the dashboard, the
API): :func:`stored_customer_id`, and the ids of a hand-written file (a plan given to ``send``
or ``serve``, a policy to ``evaluate-policy``): :func:`stored_customer_ids`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from promopilot.columns import CUSTOMER_ID, PRODUCT_ID
from promopilot.data import contact_country
from promopilot.data.cells import TEXT_FILE, Cells
from promopilot.data.contact_patterns import (
    CHINA_MOBILE,
    EMAIL,
    IN_TEXT,
    INTERNATIONAL,
    NOT_ADDRESS,
    ZERO_ZERO,
)
from promopilot.data.schema import id_text, plain_id
from promopilot.data.sql import sql_str
from promopilot.data.words import counted
from promopilot.exceptions import InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from promopilot.data.store import Store

# the columns whose values are ids: a rejected value of one is kept as ingest stores it (a
# shop's own id written like a national number, 0612345678, is an id), but masked where ingest
# reads it as an address or number (data.quarantine, data.text_migration)
ID_COLUMNS = (CUSTOMER_ID, PRODUCT_ID)
_hasher: duckdb.DuckDBPyConnection | None = None
_HASHER_LOCK = threading.Lock()

# the same in Python's re and DuckDB's RE2 (whose \s is ASCII only): spaces named one by one
_IN_TEXT = re.compile(IN_TEXT)
_GLUED = re.compile(f"[{NOT_ADDRESS}]")


def customer_hash(email: str) -> str:
    """SQL: the customer id of an e-mail address (or phone number) given as SQL text: a
    one-way hash, the same for any case of the address. Shopify's importers key customers by
    it too."""
    return f"'shopify-' || substr(sha256(lower({email})), 1, 16)"


def email_sql(text: str) -> str:
    """SQL: the e-mail address `text` (trimmed text) is, in lower case, else NULL; written as a
    link or a mail header writes it too (``mailto:ann@example.com``, ``<ann@example.com>``,
    ``Ann <ann@example.com>``, in quotes, a full stop after it): the address inside."""
    unquoted = f"regexp_replace({text}, '^[\"'']+|[\"''.]+$', '', 'g')"
    bare = (
        f"regexp_replace(regexp_replace({unquoted}, '^(?i:mailto):', ''), "
        r"'^[^<>@]*<([^<>]+)>$', '\1')"
    )
    return (
        f"CASE WHEN contains({text}, '@') AND regexp_full_match({bare}, {sql_str(EMAIL)}) "
        f"THEN lower({bare}) END"
    )


def address_sql(text: str) -> str:
    """SQL: an e-mail column's cell (trimmed text) as ``contacts`` keeps it: the address
    :func:`email_sql` reads in it (``mailto:Ann@Example.com`` as ``ann@example.com``), or the
    cell as written where it holds none (a sender refuses it as it refused it before)."""
    return f"coalesce({email_sql(text)}, {text})"


def phone_sql(text: str) -> str:
    """SQL: the phone number `text` (trimmed text) is, as ``+`` and its digits, else NULL;
    ``tel:+86...``, ``(+86) 138...`` and ``0086 138...`` (00 for +) read as ``+86...``."""
    bare = (
        f"regexp_replace(regexp_replace({text}, '^(?i:tel):', ''), "
        r"'^\(\+([0-9]{1,3})\)', '+\1')"
    )
    digits = f"regexp_replace({bare}, '[^0-9]', '', 'g')"
    starts = " OR ".join(f"starts_with({text}, '{p}')" for p in _PHONE_STARTS)
    return (  # the usual id starts otherwise: `bare` is not computed for it
        f"CASE WHEN {starts} OR lower(left({text}, 4)) = 'tel:' THEN CASE "
        f"WHEN starts_with({bare}, '+') AND regexp_full_match({bare}, {sql_str(INTERNATIONAL)}) "
        f"THEN '+' || {digits} "
        f"WHEN starts_with({bare}, '00') AND regexp_full_match({bare}, {sql_str(ZERO_ZERO)}) "
        f"THEN '+' || substr({digits}, 3) END "
        f"{contact_country.bare_phone_sql(text, digits, CHINA_MOBILE)} END"
    )


def hashed_id_sql(customer: str, email: str, phone: str) -> str:
    """SQL: the stored customer id of staged id `customer` whose :func:`email_sql` is `email`
    and :func:`phone_sql` is `phone` (columns computed beforehand)."""
    return (
        f"CASE WHEN {email} IS NOT NULL THEN {customer_hash(email)} "
        f"WHEN {phone} IS NOT NULL THEN {customer_hash(phone)} ELSE {customer} END"
    )


def stage_sql(source: str, customer: str = "t_customer_id") -> str:
    """SQL: `source` with its staged id column `customer` stored as :func:`hashed_id_sql`
    and the contact it was kept beside it (``_id_email``, ``_id_phone``), for
    :func:`promopilot.data.phone_text.keep_contacts`, and the id as written where it was one
    (``_id_text``: a customer forgotten by a version that stored it so is known by it,
    data.dedupe.drop_forgotten)."""
    found = (
        f"SELECT *, {email_sql(customer)} AS _id_email, {phone_sql(customer)} AS _id_phone "
        f"FROM ({source})"
    )
    hashed = hashed_id_sql(customer, "_id_email", "_id_phone")
    written = f"CASE WHEN _id_email IS NOT NULL OR _id_phone IS NOT NULL THEN {customer} END"
    return f"SELECT * REPLACE ({hashed} AS {customer}), {written} AS _id_text FROM ({found})"


# the tables whose customers are stored ones (quarantine and flags hold rejected rows)
_STORED = ("customers", "contacts", "orders", "events", "reviews", "campaigns", "unsubscribes")


def added_contact_ids(store: Store, stage: str) -> tuple[int, int] | None:
    """Before the staged file's rows are written: how many customers whose id was an e-mail
    address, and how many a phone number, the file adds (kept rows of customers no table holds
    yet: a re-ingest, or a forgotten customer's rows, add none); None when the file holds no
    such id (one scan of the stage, no other query: the usual shop)."""
    if "_id_email" not in store.columns(stage):
        return None
    if not store.scalar(
        f"SELECT count(*) FROM {stage} WHERE _id_email IS NOT NULL OR _id_phone IS NOT NULL"
    ):
        return None
    stored = " UNION ALL ".join(
        f"SELECT customer_id FROM {t} WHERE customer_id IS NOT NULL" for t in _STORED
    )
    n_email, n_phone = store.query(
        "SELECT count(DISTINCT t_customer_id) FILTER (WHERE _id_email IS NOT NULL), "
        "count(DISTINCT t_customer_id) FILTER (WHERE _id_phone IS NOT NULL) "
        f"FROM {stage} WHERE _err IS NULL AND t_customer_id IS NOT NULL "
        f"AND (_id_email IS NOT NULL OR _id_phone IS NOT NULL) AND t_customer_id NOT IN ({stored})"
    ).iloc[0]
    return int(n_email), int(n_phone)


def added_notes(added: tuple[int, int]) -> list[str]:
    """The notes for the user on the customers :func:`added_contact_ids` counted."""
    n_email, n_phone = added
    notes = []
    if n_email:
        notes.append(
            f"{counted(n_email, 'customer id')} "
            f"{'was an e-mail address' if n_email == 1 else 'were e-mail addresses'}: stored as a "
            "hash, the address kept in contacts only"
        )
    if n_phone:
        notes.append(
            f"{counted(n_phone, 'customer id')} "
            f"{'was a phone number' if n_phone == 1 else 'were phone numbers'}: stored as a hash, "
            "the number kept in contacts only"
        )
    return notes


# how a phone number that is no Chinese mobile written at home starts (+86, 0086, (+86) ...)
_PHONE_STARTS = ("+", "00", "(+")


def might_be_contact(text: str) -> bool:
    """Whether :func:`email_sql` or :func:`phone_sql` could take `text` for an address or
    number (the usual id cannot: no query for it)."""
    return (
        "@" in text
        or text.startswith(_PHONE_STARTS)
        or text[:4].lower() == "tel:"
        or (text.startswith("1") and 11 <= len(text) <= 14)
    )


def _hasher_connection() -> duckdb.DuckDBPyConnection:
    """One in-memory database for the process (a new one costs ~20 ms); under _HASHER_LOCK."""
    global _hasher
    if _hasher is None:
        _hasher = duckdb.connect()
    return _hasher


def read_typed(
    text: str, reading: Callable[[str], str] | None = None
) -> tuple[str, str | None, str | None]:
    """(stored id, e-mail address, phone number) of a typed id, by the very SQL of ingest
    (:func:`stage_sql`): Python's ``lower`` and ``\\s`` are not DuckDB's for every character,
    so a copy in Python could drift. `reading`: SQL that reads the text first, as a column
    does (:func:`promopilot.data.phone_text.written_sql`, a mobile number column's)."""
    typed = "SELECT CAST(? AS VARCHAR) AS t_customer_id"
    if reading is not None:
        typed = f"SELECT {reading('t_customer_id')} AS t_customer_id FROM ({typed})"
    typed = stage_sql(typed)
    with _HASHER_LOCK:  # fetchall: a partly read result blocks the connection (DuckDB 2)
        (row,) = (
            _hasher_connection()
            .execute(f"SELECT t_customer_id, _id_email, _id_phone FROM ({typed})", [text])
            .fetchall()
        )
    return str(row[0]), row[1], row[2]


def contact_of(value: str) -> tuple[str, str] | None:
    """``("email", address)`` or ``("phone", number)`` for a trimmed id that is contact data
    (as ingest reads it: :func:`email_sql`, :func:`phone_sql`), else None."""
    if not might_be_contact(value):
        return None
    _, email, phone = read_typed(value)
    if email is not None:
        return "email", email
    return None if phone is None else ("phone", phone)


def stored_customer_id(value: str) -> str:
    """A typed customer id as ingest stores it: without surrounding spaces, ``17850.0`` as
    ``17850``, and an e-mail address or phone number as its hash (:func:`read_typed`)."""
    text = plain_id(str(value).strip())
    return read_typed(text)[0] if might_be_contact(text) else text


def stored_customer_ids(ids: pd.Series) -> pd.Series:
    """The customer ids of a hand-written file (a plan, a policy) as ingest stores them, as
    :func:`stored_customer_id` reads one: stripped, ``17850.0`` as ``17850``, an e-mail address
    or phone number as its hash. One query for every id that might be contact data, none when
    no id might be (the usual plan: ids ``promopilot plan`` wrote)."""
    text = id_text(pd.Series(ids, dtype=object).astype(str).str.strip())
    maybe = (
        text.str.contains("@", regex=False)
        | text.str.startswith(_PHONE_STARTS)
        | (text.str[:4].str.lower() == "tel:")
        | (text.str.startswith("1") & text.str.len().between(11, 14))
    ).to_numpy(dtype=bool)
    if not maybe.any():
        return text
    frame = pd.DataFrame({"t_customer_id": text[maybe].to_numpy(dtype=object)})
    frame["_i"] = range(len(frame))
    typed = stage_sql("SELECT CAST(t_customer_id AS VARCHAR) AS t_customer_id, _i FROM typed_ids")
    with _HASHER_LOCK:
        con = _hasher_connection()
        con.register("typed_ids", frame)
        try:
            rows = con.execute(f"SELECT t_customer_id FROM ({typed}) ORDER BY _i").fetchall()
        finally:
            con.unregister("typed_ids")
    text = text.copy()
    text[maybe] = [str(r[0]) for r in rows]
    return text


def file_customer_ids(
    typed: pd.Series,
    label: str,
    *,
    expected: str,
    first_line: int | None = 2,
    lines: Sequence[int] | None = None,
    cells: Cells = TEXT_FILE,
) -> pd.Series:
    """:func:`stored_customer_ids` of a hand-written file's ``customer_id`` column (its rows on
    `lines`, or lines `first_line`, ...), refusing a customer named twice once the ids are read
    as stored (``Ann@Example.com`` and ``ann@example.com`` are one customer) in one line naming
    the file, line, column, the id as typed (an address masked: :func:`masked`) and `expected`.
    ``first_line=None`` (and no `lines`): a table that is no file (a policy handed to the Python
    API), whose customer named twice is named without a line. `cells`: how the file names a
    cell (a workbook's by row and column letter)."""
    stored = stored_customer_ids(typed)
    twice = stored.duplicated().to_numpy(dtype=bool)
    if twice.any():
        i = int(twice.argmax())
        first = int((stored == stored.iat[i]).to_numpy(dtype=bool).argmax())
        shown_id = masked(str(pd.Series(typed).iat[i]))
        if lines is None and first_line is None:
            raise InputError(f"{label}: customer {shown_id!r} appears more than once: {expected}")
        at = np.asarray(lines) if lines is not None else np.arange(len(stored)) + first_line
        raise InputError(
            f"{label}: {cells.at(int(at[i]), 'customer_id')}: {shown_id!r}: {expected} "
            f"({cells.row(int(at[first]))} is the same customer)"
        )
    return stored


def masked(value: str) -> str:
    """A value as an error message may show it: :func:`shown`, or ``***`` for text holding an
    e-mail address or phone number among other text."""
    text = shown(value)
    return "***" if text is None else text


def shown(value: str) -> str | None:
    """A value as a message may show it: an e-mail address or phone number masked
    (``a***@example.com``, ``+86*******8000``), None for text holding one among other text,
    anything else unchanged; an address with Chinese text glued to it, which an id reads as
    one address (``联系我ann@example.com``), masked as :func:`masked_in_text` masks it
    (``联系我a***@example.com``), the Chinese text kept."""
    contact = contact_of(value.strip())
    if contact is not None:
        kind, text = contact
        if kind == "email" and _GLUED.search(text) and not _IN_TEXT.fullmatch(value.strip()):
            inside = masked_in_text(value)  # 联系我ann@example.com: an address among text
            return None if inside == value else inside
        if kind == "email":
            local, _, domain = text.partition("@")
            return f"{local[:1]}***@{domain}"
        return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"
    return None if _IN_TEXT.search(value) else value


def replace_in_text(text: str, replace: Callable[[str, str], str]) -> str:
    """`text` with every e-mail address and phone number in it (:data:`IN_TEXT`) written as
    ``replace(bracket, found)``: `found` the address or number, `bracket` the opening
    brackets the match took in before it (``<`` of ``<ann@example.com>``), for `replace` to
    keep or drop."""

    def sub(match: re.Match) -> str:
        found = match.group(0)
        # an address's opening bracket (<ann@example.com>); a number's is its own: (555) ...
        inside = found.lstrip("<([{") if "@" in found else found
        return replace(found[: len(found) - len(inside)], inside)

    return _IN_TEXT.sub(sub, text)


def masked_in_text(text: str) -> str:
    """`text` with every e-mail address and phone number in it masked as :func:`shown` masks
    one (``550 <a***@example.com>: mailbox unavailable``): for a reason kept in the store, such
    as why a message failed, that quotes its recipient."""
    return replace_in_text(text, lambda bracket, found: bracket + masked(found))

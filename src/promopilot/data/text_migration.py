"""Stores made before texts that quote an e-mail address or phone number were masked: one-time
migrations of those texts.

A delivery's failure (``deliveries.error``) and a rejected row's texts (the quarantine's value,
reason and raw row, a flag's reason) may quote the recipient or the row's address or number.
Newer versions mask them as they are written; a store an older version wrote, or one whose
texts were masked before a kind of number was known (a number as a country writes it at home,
``07700 900123``; a North American one dialled with its leading 1, ``1-555-123-4567``,
``1.555.123.4567``), has
them masked once when it is opened for writing (:func:`mask_delivery_errors`,
:func:`mask_rejected_rows`), as are review texts an older version stored as written
(:func:`mask_review_texts`), each in one transaction and recorded in table ``migrations``. The
id migration (:mod:`promopilot.data.contact_migration`) masks rejected rows' texts the same
way (:func:`mask_rejected`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from promopilot.data.contact_ids import ID_COLUMNS, IN_TEXT, contact_of, masked_in_text
from promopilot.data.review_text import masked_sql

if TYPE_CHECKING:
    from promopilot.data.store import Store

DELIVERY_ERRORS = "delivery-errors-masked"
# again, once numbers written as at home (07700 900123, (555) 123-4567) were masked too
LOCAL_PHONES = "delivery-errors-local-phones-masked"
# the quarantine's and flags' texts likewise, which the id migrations masked as numbers were
# known then (an old store migrated before held 07700 900123 in them still)
REJECTED_LOCAL_PHONES = "rejected-rows-local-phones-masked"
# both again, once a North American number dialled with its leading 1 was masked whole
# (1-555-123-4567 and 1(555)123-4567 were kept as written, 1 (555) 123-4567 as "1 ***")
LEADING_ONE = "delivery-errors-leading-one-phones-masked"
REJECTED_LEADING_ONE = "rejected-rows-leading-one-phones-masked"
# review texts, which ingest stored as written before ("call me 13812345678")
REVIEW_TEXTS = "review-texts-masked"
# all three again, once such a number with a space or full stop after its 1 was masked whole
# (1.555.123.4567 and 1 555 123 4567 were kept as written, 1 555-123-4567 as "1 ***")
SPACED_LEADING_ONE = "delivery-errors-spaced-leading-one-phones-masked"
REJECTED_SPACED_LEADING_ONE = "rejected-rows-spaced-leading-one-phones-masked"
REVIEW_SPACED_LEADING_ONE = "review-texts-spaced-leading-one-phones-masked"
# the quarantine's texts again: ingest wrote a rejected row's other cells (a note, a bad date's
# cell, a conflict's reason) as they were, an address or number in them too, till it masked them
REJECTED_CELLS = "rejected-rows-cells-masked"
# the migrations of each kind of text, in the order they came
DELIVERY_NAMES = (DELIVERY_ERRORS, LOCAL_PHONES, LEADING_ONE, SPACED_LEADING_ONE)
REJECTED_NAMES = (
    REJECTED_LOCAL_PHONES,
    REJECTED_LEADING_ONE,
    REJECTED_SPACED_LEADING_ONE,
    REJECTED_CELLS,
)
REVIEW_NAMES = (REVIEW_TEXTS, REVIEW_SPACED_LEADING_ONE)
# SQL: the text `{0}` may hold an address or number (the usual text cannot: not read)
MAY_HOLD = (
    "regexp_matches(coalesce({0}, ''), "
    "'@|[+]|1[3-9][0-9]|0[1-9]|[0-9]{{3}}[-.)]|1 [2-9][0-9]{{2}} [0-9]{{3}} ')"
)
# text columns of rejected rows that may show a value of the row
TEXTS = {"quarantine": ("value", "reason", "raw"), "flags": ("value", "reason")}
# the reason of a line the CSV reader could not split (data.csv_errors.reject_reason): its value
# is the whole line, which ingest keeps no more where it holds an address or number
_MALFORMED = "malformed CSV row"


_FOUND = re.compile(IN_TEXT)


def mask_delivery_errors(store: Store) -> None:
    """Why a message failed, as stores kept it before such texts were masked
    (``550 <ann@example.com>: mailbox unavailable``), masked as delivery masks it now
    (:func:`promopilot.data.contact_ids.masked_in_text`), once per store, in one transaction."""
    done = store.applied_migrations()
    if set(DELIVERY_NAMES) <= done:
        return
    with store.transaction():
        mask_texts(store, "deliveries", ("error",), masked_in_text)
        for name in DELIVERY_NAMES:
            if name not in done:
                store.execute(
                    "INSERT INTO migrations VALUES (?, timezone('UTC', now()), 0)", [name]
                )


def mask_rejected_rows(store: Store) -> None:
    """The quarantine's and flags' texts an older version wrote (a rejected line quoting
    ``07700 900123``, which the id migrations did not know for a number) masked as the id
    migration masks them now (:func:`rejected_changes`), once per store, in one transaction;
    the migration records how many rows changed. A store with nothing to mask has no row
    rewritten. Again for a North American number dialled with its leading 1
    (:data:`REJECTED_LEADING_ONE`): each migration of :data:`REJECTED_NAMES` not recorded yet
    is recorded with the count."""
    done = store.applied_migrations()
    names = [name for name in REJECTED_NAMES if name not in done]
    if not names:
        return
    with store.transaction():
        n = mask_rejected(store)
        for name in names:
            store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), ?)", [name, n])


def mask_review_texts(store: Store) -> None:
    """Review texts an older version stored as written (``call me 13812345678``) masked as
    ingest masks them now (:func:`promopilot.data.review_text.masked_sql`: ``call me ***``),
    once per store, in one SQL update in one transaction; the migration records how many
    reviews changed. A store with nothing to mask has no row rewritten. Again for a North
    American number with a space or full stop after its leading 1 (``1.555.123.4567``,
    :data:`REVIEW_SPACED_LEADING_ONE`): each migration of :data:`REVIEW_NAMES` not recorded
    yet is recorded with the count."""
    done = store.applied_migrations()
    names = [name for name in REVIEW_NAMES if name not in done]
    if not names:
        return
    with store.transaction():
        n = store.scalar(f"SELECT count(*) FROM reviews WHERE {review_changes()}")
        if n:
            store.execute(
                f"UPDATE reviews SET text = {masked_sql('text')} WHERE {review_changes()}"
            )
        for name in names:
            store.execute("INSERT INTO migrations VALUES (?, timezone('UTC', now()), ?)", [name, n])


def review_changes() -> str:
    """SQL: a stored review whose text masking changes."""
    return f"{MAY_HOLD.format('text')} AND {masked_sql('text')} IS DISTINCT FROM text"


def mask_rejected(store: Store) -> int:
    """Mask the quarantine's and flags' texts (:func:`rejected_changes`); returns how many rows
    changed."""
    n = 0
    for table, columns in TEXTS.items():
        changed = rejected_changes(store, table)
        _write_changes(store, table, columns, changed)
        n += len(changed)
    return n


def rejected_changes(store: Store, table: str) -> pd.DataFrame:
    """The rows of ``quarantine`` or ``flags`` whose text holds an e-mail address or phone
    number (:data:`IN_TEXT`), as masking writes them: ``***`` in a reason, a raw row or a bad
    value; the value of a line the CSV reader could not split empty, as ingest keeps it now;
    an id (:data:`~promopilot.data.contact_ids.ID_COLUMNS`) as it is, unless ingest reads it
    as an address or number (:func:`promopilot.data.contact_ids.contact_of`): ``***``. Reads
    only."""
    columns = TEXTS[table]
    pattern = re.compile(IN_TEXT)
    star = lambda text: pattern.sub("***", text)  # noqa: E731

    def mask(column: str, row: dict) -> str | None:
        value = row[column]
        if value is None or pd.isna(value):
            return value
        if column == "value" and row["column"] in ID_COLUMNS:  # hashed where ingest would
            return "***" if contact_of(str(value).strip()) is not None else value
        text = str(value)
        if column == "value" and str(row["reason"]).startswith(_MALFORMED):
            return None if pattern.search(text) else text
        return star(text)

    return _masked_rows(store, table, columns, mask, extra=('"column"',))


def mask_texts(store: Store, table: str, columns: tuple[str, ...], whole) -> None:
    """Every text of `columns` of `table` that may hold an e-mail address or phone number
    written as `whole` (a function of the text) writes it."""

    def each(column: str, row: dict) -> str | None:
        value = row[column]
        return value if value is None or pd.isna(value) else whole(str(value))

    _write_changes(store, table, columns, _masked_rows(store, table, columns, each))


def _masked_rows(
    store: Store, table: str, columns: tuple[str, ...], mask, extra: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The rows of `table` (``r``: the rowid, and `columns`) whose text may hold an address
    or number and that `mask` (a function of the column's name and the row) changes, as it
    writes them; `extra` columns are read for `mask` too. Reads only."""
    quoted = [f'"{c}"' for c in columns]
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in quoted)
    rows = store.query(
        f"SELECT rowid AS r, {', '.join([*quoted, *extra])} FROM {table} "
        f"WHERE {MAY_HOLD.format(text)}"
    )
    if rows.empty:
        return rows
    # SQL's test lets every date through: only the rows the pattern finds something in go on
    # to be masked (a store's open with 100,000 quarantined rows with dates, none to mask:
    # 2.1-2.7 s, 3.6-4.5 s when every row was masked column by column; a shared machine)
    texts = zip(*(rows[c].tolist() for c in columns), strict=True)
    rows = rows[[any(isinstance(v, str) and _FOUND.search(v) for v in row) for row in texts]]
    if rows.empty:
        return rows
    masked = rows.copy()
    records = rows.to_dict("records")
    for c in columns:
        masked[c] = [mask(c, row) for row in records]
    return masked[(masked[list(columns)].fillna("") != rows[list(columns)].fillna("")).any(axis=1)]


def _write_changes(store: Store, table: str, columns: tuple[str, ...], changed) -> None:
    """Write the rows :func:`_masked_rows` changed (none: nothing is written)."""
    if changed.empty:
        return
    sets = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    with store.frame("contact_masked", changed[["r", *columns]]) as name:
        store.execute(f"UPDATE {table} SET {sets} FROM {name} s WHERE {table}.rowid = s.r")

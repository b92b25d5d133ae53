"""The embedded store: one DuckDB file holding the shop's tables.

Every other module reads typed tables through :class:`Store`, never raw files. The SQL used
here is plain enough to run on a distributed engine later; a second backend would be picked
by URL scheme in :func:`open_store`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from promopilot.data import (
    contact_country,
    contact_ids,
    contact_migration,
    phone_text,
    text_migration,
    time_migration,
)
from promopilot.data.connection import (
    SERVE_MARKER_SUFFIX,
    connect,
    missing_columns,
    refuse_if_served,
)
from promopilot.data.schema import CUSTOMER_TABLES, TABLES, plain_id
from promopilot.data.shop_time import ShopTime, local_text, local_time
from promopilot.data.sql import sql_str
from promopilot.exceptions import (
    AlreadyForgottenError,
    InputError,
    PromopilotError,
    UnknownIdError,
)

# what other modules import from here (the store's helpers live in the modules above)
__all__ = [
    "SERVE_MARKER_SUFFIX",
    "Store",
    "forgotten_hash",
    "local_text",
    "local_time",
    "open_store",
    "sql_str",
]


class Store(ShopTime):
    """A DuckDB-backed store of one shop's data.

    Parameters
    ----------
    path : str or Path
        The database file, or ``":memory:"``.
    timezone : str
        The shop's time zone: naive timestamps in files are read in it.
    date_format : str or None
        strptime format of timestamps that are not ISO 8601 (every timestamp column is read
        with it); None: detected.
    memory_limit, threads : DuckDB resource limits.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> store.count("orders")
    0
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        timezone: str = "UTC",
        memory_limit: str = "2GB",
        threads: int = 2,
        read_only: bool = False,
        date_format: str | None = None,
    ) -> None:
        self.path = str(path)
        self.timezone = timezone
        if self.path != ":memory:":
            refuse_if_served(self.path)
        # strptime format for timestamps that are not ISO 8601 (see data.dates); None: detect
        self.date_format = date_format
        # the date_format setting while ingest() runs: it decides what detection cannot
        self.date_format_setting: str | None = None
        # the reviews' rating scale (ingest --rating-scale); None: the setting, else 1-5 stars
        self.rating_scale: tuple[float, float] | None = None
        self._tmp = tempfile.mkdtemp(prefix="promopilot-duckdb-")
        # removed on close, or when a store nobody closed is collected or the process exits
        self._remove_tmp = weakref.finalize(self, shutil.rmtree, self._tmp, ignore_errors=True)
        self._options = {"memory_limit": memory_limit, "threads": threads, "read_only": read_only}
        try:
            self.con = self._connect()
        except InputError:
            self._remove_tmp()
            raise
        # what opening the store changed, for the user (a store made by an older version)
        self.notes: list[str] = []
        try:
            # the migrations an older version recorded (their times in the shop's zone)
            earlier = set() if read_only else self.applied_migrations()
            contact_country.check(self, writable=not read_only)  # [contact] default_country
            if not read_only:
                self.notes = contact_migration.hash_contact_ids(self)
                contact_migration.read_contact_emails(self)
                contact_migration.read_contact_phones(self)
                text_migration.mask_delivery_errors(self)
                text_migration.mask_rejected_rows(self)
                text_migration.mask_review_texts(self)
                time_migration.write_times_in_utc(self, earlier)
            elif self.path != ":memory:":
                behind = missing_columns(self.con)
                if behind or contact_migration.needed(self):
                    self.notes = self._migrate_first(behind)
        except BaseException:
            self.close()
            raise

    def _migrate_first(self, behind: list[str]) -> list[str]:
        """A read-only open of a store an older version left with e-mail addresses or phone
        numbers in it (:func:`contact_migration.needed`), or without columns this version
        reads (`behind`: ``offers.max_discount``; reading the table would fail): the store is
        opened for writing once, so the migrations run as any command's open runs them, then
        read-only again. A store that cannot be opened for writing (another process has it
        open, the file or its folder is not writable) is refused: read as it is, it would show
        the addresses, or fail on the columns it lacks."""
        self.con.close()
        try:
            writer = Store(
                self.path,
                timezone=self.timezone,
                memory_limit=self._options["memory_limit"],
                threads=self._options["threads"],
                date_format=self.date_format,
            )
        except InputError as error:
            raise contact_migration.refusal(self.path, error, behind) from None
        with writer:
            notes = writer.notes
        self.con = self._connect()
        return notes

    def _connect(self) -> duckdb.DuckDBPyConnection:
        return connect(self.path, self.timezone, self._tmp, self._options)

    # -- plumbing -----------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """Opened read-only: nothing can be written (and no table was created)."""
        return bool(self._options["read_only"])

    def close(self) -> None:
        self.con.close()
        self._remove_tmp()

    def copy_to(self, path: str | Path) -> None:
        """Write the whole database (schema, sequences, views, data) into a new file `path`.
        The copy holds only the rows, never the freed space of the original: bytes of deleted
        rows that the original file may still hold are not in it."""
        name = str(self.scalar("SELECT current_database()")).replace('"', '""')
        self.con.execute(f"ATTACH {sql_str(str(path))} AS promopilot_copy")
        try:
            self.con.execute(f'COPY FROM DATABASE "{name}" TO promopilot_copy')
        finally:
            self.con.execute("DETACH promopilot_copy")

    def replace_file(self, path: str | Path) -> None:
        """Atomically replace this store's file by the database file `path` (moved, not
        copied) and reopen it. A crash leaves either the old file or the new one."""
        if self.path == ":memory:":
            raise InputError("an in-memory store has no file to replace")
        self.con.close()
        if Path(self.path + ".wal").exists():  # never pair the new file with the old log
            self.con = self._connect()
            raise PromopilotError(f"{self.path}: the store's log was not written back on close")
        try:
            os.replace(path, self.path)
            directory = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself survives a power cut
            finally:
                os.close(directory)
        finally:
            self.con = self._connect()  # the new file, or the old one if the swap failed

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing: a failure (or a killed process) leaves the store as it was."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def execute(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> None:
        """Run a statement whose result is not needed."""
        self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a query and return its whole result as a pandas DataFrame."""
        cursor = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        return cursor.df()

    def scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        cursor = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        row = cursor.fetchone()
        self.con.complete()  # a partly read result would block the connection (DuckDB 2)
        return None if row is None else row[0]

    def applied_migrations(self) -> set[str]:
        """The names of the migrations this store has recorded (table ``migrations``)."""
        return set(self.query("SELECT name FROM migrations")["name"])

    # -- reading --------------------------------------------------------------------------
    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A whole shop table (without bookkeeping columns)."""
        if name not in TABLES and name not in ("contacts", "quarantine", "flags", "ingests"):
            raise InputError(f"unknown table {name!r}")
        if columns is None and name in TABLES:
            columns = list(TABLES[name].column_names)
            columns = [c for c in columns if not TABLES[name].column(c).contact]
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        return self.query(f"SELECT {cols} FROM {name}")

    def columns(self, relation: str) -> list[str]:
        """The column names of a table, view or ``SELECT`` (what DuckDB's DESCRIBE gives)."""
        return [row[0] for row in self.con.execute(f"DESCRIBE {relation}").fetchall()]

    def count(self, name: str) -> int:
        """Rows of a table or view; a name the store does not hold is an :class:`InputError`,
        as in :meth:`table` (not DuckDB's catalog error with its SQL)."""
        try:
            return int(self.scalar(f"SELECT count(*) FROM {name}"))
        except (duckdb.CatalogException, duckdb.ParserException):  # no such name; a keyword
            raise InputError(f"unknown table {name!r}") from None

    @contextlib.contextmanager
    def frame(self, name: str, frame: pd.DataFrame) -> Iterator[str]:
        """Make a pandas frame visible to SQL as view `name` for the duration of a block."""
        self.con.register(name, frame)
        try:
            yield name
        finally:
            self.con.unregister(name)

    # -- privacy --------------------------------------------------------------------------
    def forget(self, customer_id: str) -> dict[str, int]:
        """Erase a customer everywhere; later ingests skip them. Returns rows removed per table.
        The id is read as ingest stores it (``17850.0`` is ``17850``; an e-mail address or phone
        number is its hash, :func:`promopilot.data.contact_ids.stored_customer_id`)."""
        typed = str(customer_id).strip()
        customer_id = contact_ids.stored_customer_id(typed)
        # as a mobile number column reads it (86-13812345678, 1.3812345678E10): not as an id
        phone = phone_text.typed_phone(typed)
        named = (
            phone_text.shown_typed(typed, phone)
            if phone is not None
            else customer_id
            if customer_id == plain_id(typed)
            else contact_ids.shown(typed)
        )
        removed: dict[str, int] = {}
        with self.transaction():  # or the customer told apart by the number `phone` is
            customer_id = phone_text.typed_customer_id(typed, self._holds, phone)
            if not self._holds(customer_id):
                contact = contact_ids.contact_of(plain_id(typed)) or ("", plain_id(typed))
                ids = {customer_id, plain_id(typed), contact[1], *(phone or ())}
                if self.scalar(  # or forgotten by the address, when a store held it as id
                    "SELECT count(*) FROM forgotten WHERE customer_hash IN "
                    f"({', '.join('?' for _ in ids)})",
                    [forgotten_hash(i) for i in ids],
                ):
                    raise AlreadyForgottenError(
                        f"customer {named!r} was already forgotten: nothing of theirs is "
                        "in the store"
                    )
                raise UnknownIdError(f"customer {named!r} is not in the store")
            for name in CUSTOMER_TABLES:
                n = int(
                    self.scalar(f"SELECT count(*) FROM {name} WHERE customer_id = ?", [customer_id])
                )
                self.execute(f"DELETE FROM {name} WHERE customer_id = ?", [customer_id])
                removed[name] = n
            # what was computed from the data and kept (data.queries.computed: the models
            # page's figures, review sentiment scores; the profile's segments) was computed
            # from theirs too
            self.execute("DELETE FROM computed")
            self.execute("DELETE FROM profile_segments")
            self.execute(
                "INSERT INTO forgotten VALUES (?, timezone('UTC', now()))",
                [forgotten_hash(customer_id)],
            )
        return removed

    def _holds(self, customer_id: str) -> bool:
        """Whether a table :meth:`forget` reads for a known customer holds `customer_id`."""
        return any(
            self.scalar(f"SELECT count(*) FROM {t} WHERE customer_id = ?", [customer_id])
            for t in ("customers", "contacts", "orders", "events", "reviews", "campaigns")
        )


def forgotten_hash(customer_id: str) -> str:
    """A one-way hash of a customer id: lets ingest skip forgotten customers without
    keeping their id."""
    return hashlib.sha256(f"promopilot:{customer_id}".encode()).hexdigest()


def open_store(url: str | Path, **kwargs: Any) -> Store:
    """Open a store by path or URL. Only DuckDB (``duckdb://`` or a plain path) exists today."""
    text = str(url)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme != "duckdb":
            raise InputError(f"unknown store scheme {scheme!r}: only duckdb:// is supported")
        text = rest
    return Store(text, **kwargs)

"""Forgetting a customer so that no byte of their data is left in the store's file.

DuckDB does not overwrite the space of deleted rows: after ``DELETE`` (and ``CHECKPOINT``,
``FORCE CHECKPOINT``, or rewriting the table with ``CREATE TABLE AS``) a customer's e-mail
address and phone number can still be read from the file's free blocks. So
:func:`forget_for_good` never deletes in the store's own file:

1. the store is copied into a work file (``<db>.forget-work``) and the customer is forgotten
   there (:meth:`Store.forget`: every table, and the ``forgotten`` hash);
2. the work file is copied into a fresh file (``<db>.forget-new``), which only ever held the
   remaining rows;
3. the fresh file atomically replaces the store's file (``os.replace``), and the work file is
   deleted.

A crash before step 3 leaves the store exactly as it was (run the command again); after it,
the customer is fully forgotten. The two copies take about as long as reading the store twice
and need that much free disk space for a moment.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from promopilot.data.store import Store

WORK_SUFFIX = ".forget-work"
FRESH_SUFFIX = ".forget-new"


def _remove(*paths: Path) -> None:
    for path in paths:
        for leftover in (path, Path(str(path) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def forget_for_good(store: Store, customer_id: str) -> dict[str, int]:
    """Erase a customer everywhere (see :meth:`Store.forget`) and leave no trace of their data
    in the store's file. Returns rows removed per table; an unknown id raises
    :class:`~promopilot.exceptions.UnknownIdError` and changes nothing."""
    if store.path == ":memory:":
        return store.forget(customer_id)
    path = Path(store.path)
    work = path.with_name(path.name + WORK_SUFFIX)
    fresh = path.with_name(path.name + FRESH_SUFFIX)
    _remove(work, fresh)  # left by a run that crashed
    try:
        store.copy_to(work)
        with Store(work, timezone=store.timezone) as copy:
            removed = copy.forget(customer_id)
            copy.copy_to(fresh)
        store.replace_file(fresh)
    finally:
        _remove(work, fresh)
    return removed

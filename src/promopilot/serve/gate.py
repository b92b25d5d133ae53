"""The server's one store, used by one thread at a time.

DuckDB allows one writing process; inside it, the server serializes every use of its
connection through :class:`StoreGate` (writes are small batches, reads are dashboard queries;
the hot endpoints never touch the store).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from promopilot.data.store import Store


class StoreGate:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self) -> Iterator[Store]:
        with self._lock:
            yield self.store

"""Decisions become campaign exposures off the request path.

``/offer`` hands each decision to :class:`ExposureWriter` (a queue put, no I/O); a background
thread inserts them into the ``campaigns`` table in batches, so ``promopilot report`` measures a
live campaign exactly like a sent one. The first decision of a (campaign, customer) is the
exposure; asking again logs nothing new (the answer is the same).

Every decision of a live campaign is logged with its ``group``: a decision without an offer
that is not a control (group ``none``) is told apart from a control-group customer by it, and a
visitor answered outside the plan served (group ``visitor``) from the campaign's own customers.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import UTC, datetime

import pandas as pd

from promopilot.campaigns.exposures import LIVE_CHANNEL
from promopilot.data.queries import serve as queries
from promopilot.serve.decisions import Decision
from promopilot.serve.gate import StoreGate

log = logging.getLogger("promopilot.serve")
MAX_REMEMBERED = 1_000_000


class ExposureWriter:
    """Batches decisions into the store from one background thread."""

    def __init__(
        self,
        gate: StoreGate,
        *,
        channel: str = LIVE_CHANNEL,
        batch_size: int = 2000,
        interval_s: float = 0.2,
        max_pending: int = 100_000,
    ) -> None:
        self.gate = gate
        self.channel = channel
        self.batch_size = batch_size
        self.interval_s = interval_s
        self._queue: queue.Queue = queue.Queue(maxsize=max_pending)
        self._seen: set[tuple[str, str]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.n_written = 0
        self.n_dropped = 0

    def submit(self, decision: Decision) -> None:
        """Queue a decision for logging (never blocks; repeats are skipped)."""
        key = (decision.campaign_id, decision.customer_id)
        if decision.campaign_id is None or key in self._seen:
            return
        if len(self._seen) >= MAX_REMEMBERED:  # only saves queue work: the insert dedupes too
            self._seen.clear()
        self._seen.add(key)
        try:
            self._queue.put_nowait((decision, datetime.now(UTC).replace(tzinfo=None)))
        except queue.Full:
            self._seen.discard(key)
            self.n_dropped += 1

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="exposure-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):  # wakes at once when stopped
            try:
                self.flush()
            except Exception:  # keep serving; the details go to the log
                log.exception("writing exposures failed")

    def flush(self) -> int:
        """Write every queued decision now; returns the number of rows inserted."""
        written = 0
        while True:
            batch = []
            while len(batch) < self.batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if not batch:
                return written
            frame = pd.DataFrame(
                {
                    "campaign_id": [d.campaign_id for d, _ in batch],
                    "customer_id": [d.customer_id for d, _ in batch],
                    "offer_id": [d.offer_id for d, _ in batch],
                    "sent_at": [t for _, t in batch],
                    "channel": self.channel,
                    "propensity": [d.propensity for d, _ in batch],
                    "group": [d.group for d, _ in batch],
                }
            )
            with self.gate.use() as store:
                inserted = queries.insert_exposures(store, frame)
            written += inserted
            self.n_written += inserted

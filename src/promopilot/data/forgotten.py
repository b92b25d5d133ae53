"""Forgotten customers: `promopilot forget` keeps a one-way hash of each erased id in table
``forgotten`` (see :func:`promopilot.data.store.forgotten_hash`). Every write keyed by a customer
id checks it, so an erased customer never comes back: ingest and the API's feedback endpoints
(:func:`promopilot.data.dedupe.drop_forgotten`), plans read by ``promopilot serve`` and
``promopilot send``, and exposure logging.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from promopilot.data.store import Store

# SQL condition: the customer id expression `{0}` belongs to a forgotten customer
FORGOTTEN = "sha256('promopilot:' || {0}) IN (SELECT customer_hash FROM forgotten)"


def forgotten_among(store: Store, customer_ids: Iterable[str]) -> set[str]:
    """The ids among `customer_ids` whose customer was forgotten on request."""
    ids = pd.Series(list(customer_ids), dtype=object).dropna().astype(str).drop_duplicates()
    if ids.empty or not store.scalar("SELECT count(*) FROM forgotten"):
        return set()
    with store.frame("forgotten_check_ids", pd.DataFrame({"customer_id": ids.to_numpy()})):
        found = store.query(
            "SELECT customer_id FROM forgotten_check_ids WHERE " + FORGOTTEN.format("customer_id")
        )
    return set(found["customer_id"].astype(str))

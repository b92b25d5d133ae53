"""The profile's named segments, kept in the store for the dashboard's segments page.

Each run of the profile (:func:`promopilot.profile.build.build_profile` on a writable store)
keeps its segment table (:func:`promopilot.profile.build.segment_summary`): one row per
segment with its name and description in English and Chinese, its size, share and figures,
the profile's date (``as_of``) and when it was kept (``kept_at``, UTC). The latest
:data:`KEPT_RUNS` runs stay; older ones go as a new one is kept. Nothing about a single
customer (no id, no contact data) is in it, and ``promopilot forget`` drops it all (the
figures were computed from the forgotten customer's data too).
"""

from __future__ import annotations

import pandas as pd

from promopilot.data.shop_time import utc_now
from promopilot.data.store import Store

TABLE = "profile_segments"
KEPT_RUNS = 5  # runs kept: the latest is shown; the few before it say what changed
#: the segment table's columns kept, in the table's order
COLUMNS = (
    "segment",
    "segment_zh",
    "description",
    "description_zh",
    "customers",
    "share",
    "recency_days",
    "frequency",
    "monetary",
    "churn_risk",
    "discount_sensitivity",
    "clv_12m",
)


def keep_segments(store: Store, summary: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """Keep `summary` (one row per segment, in its order; a column of :data:`COLUMNS` it lacks
    is kept NULL) as the latest run of the profile as of `as_of`, and drop the runs before the
    latest :data:`KEPT_RUNS`. Returns the run's number."""
    rows = summary.reindex(columns=list(COLUMNS)).reset_index(drop=True)
    rows.insert(0, "position", range(len(rows)))
    names = ", ".join(f'"{c}"' for c in ("position", *COLUMNS))
    with store.transaction(), store.frame("kept_segments_df", rows):
        run = int(store.scalar(f"SELECT coalesce(max(run), 0) + 1 FROM {TABLE}"))
        store.execute(
            f"INSERT INTO {TABLE} (run, kept_at, as_of, {names}) "
            f"SELECT ?, ?, ?, {names} FROM kept_segments_df",
            # UTC, as the store keeps every time (now()::TIMESTAMP would be the shop's)
            [
                run,
                utc_now().to_pydatetime(),
                pd.Timestamp(as_of).to_pydatetime(),
            ],
        )
        store.execute(f"DELETE FROM {TABLE} WHERE run <= ?", [run - KEPT_RUNS])
    return run


def latest_segments(store: Store) -> pd.DataFrame:
    """The segments of the latest run kept, in the profile's order (largest first), with its
    ``run``, ``kept_at`` and ``as_of``; empty where none is kept (or a store opened read-only
    that an older version made has no such table)."""
    if not store.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [TABLE]
    ):
        return pd.DataFrame(columns=["run", "kept_at", "as_of", "position", *COLUMNS])
    return store.query(
        f"SELECT * FROM {TABLE} WHERE run = (SELECT max(run) FROM {TABLE}) ORDER BY position"
    )

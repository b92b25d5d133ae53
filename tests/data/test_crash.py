"""A process killed (SIGKILL) half way through an ingest leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store

N_ROWS = 1_500_000
TABLES = (
    "products",
    "customers",
    "orders",
    "events",
    "contacts",
    "ingests",
    "quarantine",
    "flags",
    "forgotten",
)

CHILD = """
import sys
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

store = Store(sys.argv[1])
# progress is called inside the ingest's transaction, before the file is read
ingest(store, sys.argv[2], progress=lambda name: print("started", flush=True))
print("finished", flush=True)
"""


def write_events(path: Path, n: int) -> None:
    """`n` good events, written fast (vectorized), with unique keys."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(0)
    seconds = np.arange(n, dtype=np.int64).astype("timedelta64[s]")
    stamps = pc.strftime(
        pa.array(np.datetime64("2024-01-01T00:00:00", "s") + seconds), format="%Y-%m-%dT%H:%M:%S"
    )

    def ids(prefix: str, high: int) -> pa.Array:
        return pc.binary_join_element_wise(
            prefix, pc.cast(pa.array(rng.integers(1, high, n)), pa.string()), ""
        )

    table = pa.table(
        {
            "timestamp": stamps,
            "customer_id": ids("c", 50_000),
            "product_id": ids("p", 5_000),
            "event": pa.array(["view"] * n),
        }
    )
    pacsv.write_csv(table, path)


def counts(db: Path) -> dict[str, int]:
    with Store(db) as store:
        return {t: store.count(t) for t in TABLES}


@pytest.mark.slow  # a child process ingests 1.5M rows
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_during_ingest_leaves_the_store_as_it_was(tmp_path):
    db = tmp_path / "shop.duckdb"
    small = tmp_path / "small" / "events.csv"
    small.parent.mkdir()
    small.write_text(
        "timestamp,customer_id,product_id,event\n2025-01-01,c1,p1,view\nbad,c1,p1,view\n"
    )
    with Store(db) as store:
        ingest(store, small)
        store.execute("CHECKPOINT")
    before = counts(db)
    assert before["events"] == 1 and before["quarantine"] == 1

    big = tmp_path / "big" / "events.csv"
    big.parent.mkdir()
    write_events(big, N_ROWS)
    size = db.stat().st_size
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(big)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "started"
        # Kill while the insert writes its blocks into the database file (the riskiest
        # moment); if that is not seen within 30 s, kill anyway.
        deadline = time.monotonic() + 30
        while db.stat().st_size <= size and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert child.poll() is None, "the ingest finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    assert counts(db) == before
    with Store(db) as store:  # and the store still works
        report = ingest(store, small)
        assert report.n_new == 0 and store.count("events") == 1

"""Ingest throughput: a large synthetic events CSV through the real ingest into a fresh store.

    .venv/bin/python bench/ingest.py                  # 10,000,000 rows (target: >= 500k rows/s,
                                                      # < 2 GB peak memory)
    .venv/bin/python bench/ingest.py --rows 1000000   # quicker

The file is written by a child process (vectorized: numpy + pyarrow's CSV writer), so the peak
memory printed for the ingest is that of the ingesting process alone. About 0.1% of rows are
bad (unparseable timestamp, non-numeric value, missing customer) so the quarantine path runs
too. Nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAD_FRACTION = 0.001


def write_events(path: Path, n_rows: int, seed: int = 0) -> None:
    """`n_rows` shop-folder events, unique keys, with a sprinkling of bad rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    chunk = 2_000_000
    start = np.datetime64("2024-01-01T00:00:00", "s")
    events = pa.array(["view", "cart", "wishlist", "purchase", "rating"])
    with pacsv.CSVWriter(
        path,
        pa.schema(
            [
                ("timestamp", pa.string()),
                ("customer_id", pa.string()),
                ("product_id", pa.string()),
                ("event", pa.string()),
                ("value", pa.string()),
                ("session_id", pa.string()),
            ]
        ),
    ) as writer:
        for offset in range(0, n_rows, chunk):
            n = min(chunk, n_rows - offset)
            # one event per second from the start: keys never repeat
            seconds = np.arange(offset, offset + n, dtype=np.int64)
            ts = pc.strftime(
                pa.array(start + seconds.astype("timedelta64[s]")), format="%Y-%m-%dT%H:%M:%S"
            )
            customers = rng.integers(1, 200_000, n)
            products = rng.integers(1, 20_000, n)
            kind = rng.choice(5, n, p=[0.7, 0.15, 0.05, 0.05, 0.05])
            value = np.where(kind == 4, rng.integers(1, 6, n), -1)
            bad = rng.random(n) < BAD_FRACTION
            which = rng.integers(0, 3, n)
            ts = pc.if_else(pa.array(bad & (which == 0)), "not a date", ts)
            value_text = pc.if_else(
                pa.array(value >= 0),
                pc.cast(pa.array(value), pa.string()),
                pa.scalar(None, pa.string()),
            )
            value_text = pc.if_else(pa.array(bad & (which == 1)), "five", value_text)
            customer_text = pc.binary_join_element_wise(
                "c", pc.cast(pa.array(customers), pa.string()), ""
            )
            customer_text = pc.if_else(pa.array(bad & (which == 2)), "", customer_text)
            writer.write_table(
                pa.table(
                    {
                        "timestamp": ts,
                        "customer_id": customer_text,
                        "product_id": pc.binary_join_element_wise(
                            "p", pc.cast(pa.array(products), pa.string()), ""
                        ),
                        "event": pc.take(events, pa.array(kind)),
                        "value": value_text,
                        "session_id": pc.binary_join_element_wise(
                            "s", pc.cast(pa.array(customers * 7 + seconds // 1800), pa.string()), ""
                        ),
                    }
                )
            )


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(who: int) -> float:
    """Peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_only:  # the child process
        write_events(args.write_only, args.rows)
        return

    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    with tempfile.TemporaryDirectory(prefix="promopilot-bench-") as tmp:
        csv = Path(tmp) / "events.csv"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--write-only", str(csv)],
            check=True,
        )
        write_seconds = time.perf_counter() - started
        size_mb = csv.stat().st_size / 2**20
        with Store(
            Path(tmp) / "bench.duckdb", threads=args.threads, memory_limit=args.memory_limit
        ) as store:
            load_before = os.getloadavg()[0]
            cpu_before = cpu_seconds()
            started = time.perf_counter()
            report = ingest(store, csv)
            seconds = time.perf_counter() - started
            cpu = cpu_seconds() - cpu_before
            stored = store.count("events")
        peak_self = peak_rss_mb(resource.RUSAGE_SELF)
        peak_children = peak_rss_mb(resource.RUSAGE_CHILDREN)

    f = report.files[0]
    assert f.n_loaded + f.n_quarantined == f.n_read == args.rows, "rows went missing"
    assert stored == f.n_new
    rate = f.n_read / seconds
    rows = [
        ("rows read", f"{f.n_read:,}"),
        ("rows loaded", f"{f.n_loaded:,}"),
        ("rows quarantined", f"{f.n_quarantined:,}"),
        ("file size", f"{size_mb:,.0f} MiB (written in {write_seconds:.1f} s)"),
        ("ingest seconds", f"{seconds:.1f}"),
        ("rows / second", f"{rate:,.0f}"),
        ("CPU seconds (all threads)", f"{cpu:.1f} ({f.n_read / cpu:,.0f} rows per CPU-second)"),
        ("peak RSS, ingest process", f"{peak_self:,.0f} MiB"),
        ("peak RSS, file writer (child)", f"{peak_children:,.0f} MiB"),
        ("DuckDB threads / memory_limit", f"{args.threads} / {args.memory_limit}"),
        ("CPU cores / load average before", f"{os.cpu_count()} / {load_before:.1f}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"ingest benchmark: {args.rows:,} synthetic events")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    ok_rate, ok_memory = rate >= 500_000, peak_self < 2048
    print(
        f"  target >= 500,000 rows/s: {'met' if ok_rate else 'MISSED'}; "
        f"peak < 2 GiB: {'met' if ok_memory else 'MISSED'}"
    )


if __name__ == "__main__":
    main()

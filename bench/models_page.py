"""The dashboard's /models page: the time of its first visit to a freshly started server, for
the first server on a store and for servers started again on the same store, and whether
every visit gave the same page.

    .venv/bin/python bench/models_page.py            # Hillstrom from ../shared/data
    PYTHONPATH=/path/to/old/src .venv/bin/python bench/models_page.py --save /tmp/before.html
    .venv/bin/python bench/models_page.py --compare /tmp/before.html
    .venv/bin/python bench/models_page.py --store demo-out/promopilot.duckdb --servers 1

The store is `promopilot ingest` of the Hillstrom e-mail test (``--stores``, made once);
without ../shared a synthetic shop of 64,000 customers and no products stands in (``--synthetic``);
``--store`` times a store of your own (never changed: each run copies it).
Each run copies the store, starts `--servers` servers on the copy one after the other (the
FastAPI test client, a logged-in session) and times each one's first GET /models: the wall
time, and the CPU time of the whole process meanwhile (the server's threads and DuckDB's
included; on a busy machine it varies much less than the wall time). Nothing here is collected
by pytest.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shared_data import shared_data_root


def store_for(folder: Path, synthetic: bool) -> Path:
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    path = folder / ("synthetic64k.duckdb" if synthetic else "hillstrom.duckdb")
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        if synthetic:
            from promopilot.synth.shop import make_shop

            with tempfile.TemporaryDirectory() as tmp:
                shop = make_shop(64_000, 0).write(Path(tmp) / "shop")
                (shop / "products.csv").unlink()
                ingest(store, shop)
        else:
            source = shared_data_root() / "hillstrom-email-2008"
            if not source.exists():
                sys.exit(f"error: {source}: not found (pass --synthetic)")
            ingest(store, source, format="hillstrom")
    partial.rename(path)
    return path


def first_visits(path: Path, servers: int) -> tuple[list[float], list[float], list[str]]:
    from fastapi.testclient import TestClient

    from promopilot.data.store import Store
    from promopilot.serve.app import create_app
    from promopilot.serve.config import ServeConfig

    times, cpu, pages = [], [], []
    for _ in range(servers):
        with Store(path) as store:
            app = create_app(store, ServeConfig.from_keys(["bench-key"]))
            with TestClient(app) as client:
                client.post("/login", data={"key": "bench-key"}, follow_redirects=False)
                start, start_cpu = time.perf_counter(), time.process_time()
                page = client.get("/models")
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                pages.append(page.text)
    return times, cpu, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--store", type=Path, help="time this store (copied) instead")
    parser.add_argument("--save", type=Path, help="write the first page here")
    parser.add_argument("--compare", type=Path, help="check every page equals this one")
    parser.add_argument(
        "--stores", type=Path, default=Path(tempfile.gettempdir()) / "promopilot-models-page"
    )
    args = parser.parse_args()
    source = args.store or store_for(args.stores, args.synthetic)
    by_server: list[list[float]] = [[] for _ in range(args.servers)]
    cpu_by_server: list[list[float]] = [[] for _ in range(args.servers)]
    every_page: list[str] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "store.duckdb"
            shutil.copyfile(source, copy)
            times, cpu, pages = first_visits(copy, args.servers)
        for server, seconds in enumerate(times):
            by_server[server].append(seconds)
            cpu_by_server[server].append(cpu[server])
        every_page += pages
    for server, (times, cpu) in enumerate(zip(by_server, cpu_by_server, strict=True), start=1):
        print(
            f"server {server}: first GET /models s "
            + " ".join(f"{t:.2f}" for t in times)
            + f" (median {statistics.median(times):.2f}); CPU s "
            + " ".join(f"{t:.2f}" for t in cpu)
            + f" (median {statistics.median(cpu):.2f})"
        )
    print(f"pages identical to each other: {len(set(every_page)) == 1}")
    if args.save:
        args.save.write_text(every_page[0])
    if args.compare:
        same = all(page == args.compare.read_text() for page in every_page)
        print(f"pages identical to {args.compare}: {same}")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()

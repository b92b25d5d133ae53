"""Load on the HTTP API: /offer and /recommendations next to /healthz, then the same while
events are being posted.

    .venv/bin/python bench/load.py                       # 3 phases x 10 s, 32 clients
    .venv/bin/python bench/load.py --seconds 5 --customers 1000 --rate 1500

A synthetic shop (labelled as such: `promopilot.synth`) is ingested into a temporary store and
served by `promopilot serve` in its own process on 127.0.0.1 (loopback only), with a plan whose
groups come from the planner's own randomization (`randomize`; the model choice is a hashed
coin per customer, since the point here is serving speed, not plan quality). The load generator
is a separate process: 32 keep-alive HTTP/1.1 connections written on raw asyncio streams (no
HTTP client library in the way), each sending offer / recommendations / healthz requests in
turn, customers drawn from the plan plus 20% strangers (cold start, live decisions). Every
phase is bounded by time and by a request count; the script stops the server itself.

Phases: saturation (closed loop: each client sends its next request when the answer is in;
this shows the server's capacity, and its latency is queueing: 32 / throughput), then paced at
`--rate` requests/s in total (each client one request every 32 / rate s, latency counted from
when the request was due), reads only and while one more client posts 50-event batches. The
targets are judged on the paced phases.

Targets (issue 14): p50 of /offer and /recommendations within 2x of /healthz's, p99 < 20 ms, at
>= 1,000 requests/s in total, zero errors, also while events are posted. The generator's own CPU
use is printed: near 100% of one core means it, not the server, was the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
ADMIN, READ = "bench-admin", "bench-read"
ENDPOINTS = ("offer", "recommendations", "healthz")


def prepare(folder: Path, n_customers: int) -> tuple[Path, Path, list[str]]:
    import numpy as np
    import pandas as pd

    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.offers.randomization import hashed_uniform, randomize
    from promopilot.synth.shop import make_shop

    make_shop(n_customers, seed=0).write(folder / "shop")
    db = folder / "shop.duckdb"
    with Store(db) as store:
        ingest(store, folder / "shop")
        ids = store.query("SELECT customer_id FROM customers ORDER BY 1")["customer_id"]
        offers = store.table("offers", ["offer_id"])["offer_id"].tolist()
    ids = ids.to_numpy(dtype=object)
    coin = hashed_uniform(ids, "bench", "choice")
    choice = pd.Series(
        np.where(
            coin < 0.5, np.array(offers)[(coin * 2 * len(offers)).astype(int) % len(offers)], ""
        ),
        index=ids,
    )
    plan = randomize(
        ids, choice, offers, campaign_id="bench", control_share=0.1, explore_share=0.05
    )
    plan["campaign_id"] = "bench"
    plan_path = folder / "plan.csv"
    plan.drop(columns="model_choice").to_csv(plan_path, index=False)
    return db, plan_path, list(ids)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the load generator (its own process) --------------------------------------------------
async def _request(reader, writer, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def _client(port, paths, deadline, limit, results, counter, interval):
    """Closed loop (interval 0: the next request as soon as the answer is in), or paced: one
    request every `interval` s, its latency counted from when it was due (so a slow server is
    not hidden by requests that were sent late)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    i = 0
    first = time.perf_counter() + interval * (hash(paths[0][1]) % 1000) / 1000  # spread
    try:
        while time.perf_counter() < deadline and counter[0] < limit:
            name, raw = paths[i % len(paths)]
            due = first + i * interval
            i += 1
            counter[0] += 1
            if interval:
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            start = due if interval else time.perf_counter()
            try:
                status = await _request(reader, writer, raw)
            except (ConnectionError, asyncio.IncompleteReadError):
                results[name].append((time.perf_counter() - start, 0))
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            results[name].append((time.perf_counter() - start, status))
    finally:
        writer.close()


async def _poster(port, deadline, results, customers):
    """One client posting 50-event batches back to back (each with an Idempotency-Key)."""
    import json

    reader, writer = await asyncio.open_connection(HOST, port)
    n = 0
    while time.perf_counter() < deadline:
        items = [
            {
                "timestamp": f"2030-01-01T00:{n % 60:02d}:{j % 60:02d}",
                "customer_id": customers[(n * 50 + j) % len(customers)],
                "product_id": "P0001",
                "event": "view",
                "session_id": f"bench-{n}",
            }
            for j in range(50)
        ]
        body = json.dumps(items).encode()
        raw = (
            f"POST /v1/events HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\n"
            f"Content-Type: application/json\r\nIdempotency-Key: bench-{n}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        start = time.perf_counter()
        status = await _request(reader, writer, raw)
        results["post events (50)"].append((time.perf_counter() - start, status))
        n += 1
    writer.close()


async def run_phase(port, customers, clients, seconds, limit, post_events, rate):
    import random

    rng = random.Random(0)
    results = {name: [] for name in (*ENDPOINTS, "post events (50)")}
    counter = [0]
    deadline = time.perf_counter() + seconds

    def raw(path: str) -> bytes:
        return (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {READ}\r\n\r\n"
        ).encode()

    tasks = []
    for c in range(clients):
        paths = []
        for _ in range(60):
            who = (
                customers[rng.randrange(len(customers))]
                if rng.random() < 0.8
                else f"stranger-{rng.randrange(10**9)}"
            )
            paths += [
                ("offer", raw(f"/v1/customers/{who}/offer")),
                ("recommendations", raw(f"/v1/customers/{who}/recommendations?k=10")),
                ("healthz", raw("/healthz")),
            ]
        paths = paths[c % 3 :] + paths[: c % 3]  # clients start on different endpoints
        interval = clients / rate if rate else 0.0
        tasks.append(_client(port, paths, deadline, limit, results, counter, interval))
    if post_events:
        tasks.append(_poster(port, deadline, results, customers))
    started = time.perf_counter()
    cpu0 = time.process_time()
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - started, time.process_time() - cpu0


def generator_main(
    port: int,
    customers_file: str,
    clients: int,
    seconds: float,
    limit: int,
    post_events: bool,
    rate: float,
) -> None:
    import json

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    customers = Path(customers_file).read_text().split("\n")
    results, wall, cpu = asyncio.run(
        run_phase(port, customers, clients, seconds, limit, post_events, rate)
    )
    print(json.dumps({"results": results, "wall": wall, "cpu": cpu}))


# -- orchestration -------------------------------------------------------------------------
def percentile(values, q):
    import numpy as np

    return float(np.percentile(values, q)) * 1000 if len(values) else float("nan")


def report(phase: str, data: dict, server_cpu: float, judged: bool) -> bool:
    results, wall = data["results"], data["wall"]
    total = sum(len(v) for k, v in results.items() if k in ENDPOINTS)
    print(
        f"\n{phase}: {total:,} requests in {wall:.1f} s = {total / wall:,.0f} req/s "
        f"(generator CPU {100 * data['cpu'] / wall:.0f}% of a core, server CPU "
        f"{100 * server_cpu / wall:.0f}% of a core)"
    )
    print(f"{'endpoint':<20}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    p50 = {}
    ok = True
    for name, rows in results.items():
        if not rows:
            continue
        latencies = [t for t, _ in rows]
        errors = sum(1 for _, s in rows if s != 200)
        p50[name] = percentile(latencies, 50)
        p99 = percentile(latencies, 99)
        print(
            f"{name:<20}{len(rows):>10,}{len(rows) / wall:>9,.0f}{p50[name]:>9.2f}"
            f"{p99:>9.2f}{errors:>8}"
        )
        ok &= errors == 0
        if name in ("offer", "recommendations"):
            ok &= p99 < 20
    for name in ("offer", "recommendations"):
        ratio = p50[name] / p50["healthz"]
        print(f"p50 {name} / p50 healthz = {ratio:.2f} (target <= 2)")
        ok &= ratio <= 2
    ok &= total / wall >= 1000
    if not judged:
        print("(saturation: the server's capacity; latency here is queueing, not judged)")
        return True
    print("targets met" if ok else "targets NOT met")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per phase")
    parser.add_argument(
        "--rate",
        type=float,
        default=1200.0,
        help="offered requests/s of the paced phases (all clients together)",
    )
    parser.add_argument("--generator", nargs=7, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generator:
        port, customers, clients, seconds, limit, post, rate = args.generator
        generator_main(
            int(port), customers, int(clients), float(seconds), int(limit), post == "1", float(rate)
        )
        return

    import json

    import httpx

    with tempfile.TemporaryDirectory(prefix="promopilot-load-") as tmp:
        folder = Path(tmp)
        print(f"preparing a synthetic shop of {args.customers:,} customers (promopilot.synth)")
        db, plan, customers = prepare(folder, args.customers)
        (folder / "customers.txt").write_text("\n".join(customers))
        port = free_port()
        env = {**os.environ, "PROMOPILOT_ADMIN_KEYS": ADMIN, "PROMOPILOT_READ_KEYS": READ}
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from promopilot.cli import main; main()",
                "serve",
                "--db",
                str(db),
                "--plan",
                str(plan),
                "--host",
                HOST,
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.time() + 180
            while True:
                try:
                    if httpx.get(f"http://{HOST}:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"server did not start: {server.stderr.read()}")
                time.sleep(0.5)
            print(
                f"server pid {server.pid} on {HOST}:{port}; load: {os.getloadavg()[0]:.1f} "
                f"(1-min load average of this {os.cpu_count()}-CPU machine before the run)"
            )
            ok = True
            phases = (
                ("saturation, reads only (closed loop)", "0", 0.0),
                (f"paced at {args.rate:,.0f} req/s, reads only", "0", args.rate),
                (f"paced at {args.rate:,.0f} req/s while events are posted", "1", args.rate),
            )
            for phase, post, rate in phases:
                cpu0 = cpu_seconds(server.pid)
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--generator",
                        str(port),
                        str(folder / "customers.txt"),
                        str(args.clients),
                        str(args.seconds),
                        str(args.max_requests),
                        post,
                        str(rate),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=args.seconds + 120,
                )
                if done.returncode:
                    raise SystemExit(done.stderr)
                ok &= report(
                    phase, json.loads(done.stdout), cpu_seconds(server.pid) - cpu0, judged=rate > 0
                )
            print(f"\nload average after the run: {os.getloadavg()[0]:.1f}")
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Speed and memory of the customer profile at shop scale.

Builds a store of 1,000,000 customers and 10,000,000 events (the synthetic shop of
:func:`promopilot.synth.shop.make_shop`, made in chunks), then times

* ``build_features`` alone (the SQL features as of one date), and
* the whole ``build_profile``: features, CLV fit (BG/NBD + Gamma-Gamma), the three window
  models (churn, 30-day purchase, 90-day orders; their rolled-back feature snapshots
  included), and segments,

each in a fresh process, so that its peak memory (``ru_maxrss`` of the process and its
children) is its own. Data generation is timed apart and is not part of the target
(under 2 minutes and 4 GB for the profile on a 2-core machine). When the hidden truth is at
hand the profile's accuracy against it is printed too.

    .venv/bin/python bench/customer_profile.py [--customers 1000000] [--events 10000000]
        [--db /tmp/promopilot-bench-profile.duckdb] [--regenerate] [--skip-features]
        [--save-profile PATH] [--compare-profile PATH]

``--save-profile`` writes the profile's customer table to a Parquet file; a later run with
``--compare-profile`` that file says whether its own table is the same, column by column and
bit for bit (a check that a speed change left every output as it was).

The generated store is kept at ``--db`` (with its truth beside it) and reused by later runs
with the same sizes; ``--regenerate`` makes it again.

Generation: ``make_shop`` holds every table of a shop in pandas, about 1.7 GB per 100,000
customers, so the shop is made in chunks of ``--chunk`` customers with seeds ``seed + k``
(same dates, sale and campaign; chunk ``k``'s ids are renumbered so they are unique) and each
chunk goes straight into the store's tables, as ``ingest`` would leave them (checked: the
features of a 3,000-customer shop loaded this way equal those of the shop ingested from CSV).
The catalogue is chunk 0's (every chunk has the same product ids; later chunks' orders keep
their own prices). Events are thinned at random to the requested count (the generator makes
about 13 purchase-related events per customer besides browsing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this file is named like the standard library's `profile`: keep bench/ off the import path
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import numpy as np
import pandas as pd

TRUTH_COLUMNS = [
    "customer_id",
    "churned",
    "expected_purchases_90d",
    "activity_rate",
    "discount_sensitivity",
]


def peak_rss_gb() -> float:
    """Peak resident memory of this process and of its waited-for children, in GB (Linux
    reports ``ru_maxrss`` in KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024 / 1e9


# ----------------------------------------------------------------------------- generation
def _renumber(column: str, prefix: str, width: int, offset: int) -> str:
    """SQL: an id like ``C000123`` renumbered to ``prefix`` + (123 + offset), zero-padded."""
    return (
        f"'{prefix}' || lpad((CAST(substr({column}, 2) AS BIGINT) + {offset})::VARCHAR, "
        f"{width}, '0')"
    )


def _insert_chunk(
    store,
    tables: dict[str, pd.DataFrame],
    k: int,
    chunk: int,
    n_events: int,
    rng: np.random.Generator,
    first: bool,
) -> None:
    """Write one generated chunk into the store's tables (typed as ``ingest`` stores them)."""
    offset = k * chunk
    cid = _renumber("customer_id", "C", 7, offset)
    events = tables["events"]
    if len(events) < n_events:
        raise SystemExit(
            f"chunk {k} has {len(events):,} events, fewer than the {n_events:,} "
            "asked for: raise --browse-scale"
        )
    keep = np.sort(rng.choice(len(events), size=n_events, replace=False))
    events = events.iloc[keep]
    con = store.con
    statements = {
        "customers": f"""INSERT INTO customers (customer_id, signup_at, region, ingest_id)
            SELECT {cid}, CAST(signup_at AS TIMESTAMP), region, 0 FROM df""",
        "orders": f"""INSERT INTO orders (order_id, timestamp, customer_id, product_id,
                quantity, unit_price, discount, coupon_code, is_return, ingest_id)
            SELECT {_renumber("order_id", "O", 9, k * 10_000_000)}, CAST(timestamp AS TIMESTAMP),
                   {cid}, product_id, quantity, unit_price, coalesce(discount, 0.0),
                   coupon_code, false, 0 FROM df""",
        "reviews": f"""INSERT INTO reviews (review_id, customer_id, product_id, text, rating,
                timestamp, ingest_id)
            SELECT {_renumber("review_id", "R", 9, k * 10_000_000)}, {cid}, product_id, text,
                   rating, CAST(timestamp AS TIMESTAMP), 0 FROM df""",
        "campaigns": f"""INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at,
                channel, propensity, ingest_id)
            SELECT campaign_id, {cid}, nullif(offer_id, ''), CAST(sent_at AS TIMESTAMP), channel,
                   propensity, 0 FROM df""",
        "events": f"""INSERT INTO events (timestamp, customer_id, product_id, event, session_id,
                ingest_id)
            SELECT CAST(timestamp AS TIMESTAMP), {cid}, product_id, event,
                   {cid} || '-' || split_part(session_id, '-', 2), 0 FROM df""",
    }
    if first:
        statements["products"] = """INSERT INTO products (product_id, title, category, price,
                cost, description, in_stock, ingest_id)
            SELECT product_id, title, category, price, cost, description, in_stock, 0 FROM df"""
        statements["offers"] = """INSERT INTO offers (offer_id, kind, value, min_spend,
                category, send_cost, valid_days, ingest_id)
            SELECT offer_id, kind, value, min_spend, nullif(category, ''), send_cost,
                   valid_days, 0 FROM df"""
    for name, sql in statements.items():
        df = events if name == "events" else tables[name]
        con.register("df", df)
        try:
            con.execute(sql)
        finally:
            con.unregister("df")


def generate(
    db: Path, n_customers: int, n_events: int, *, chunk: int, seed: int, browse_scale: float
) -> dict:
    """Make the shop chunk by chunk into a new store at ``db``; the truth goes beside it."""
    from promopilot.data.store import Store
    from promopilot.synth.shop import make_shop

    if n_customers % chunk or n_events % (n_customers // chunk):
        raise SystemExit(
            "--customers must be a multiple of --chunk, and --events of the number of chunks"
        )
    n_chunks = n_customers // chunk
    for path in (db, Path(f"{db}.wal")):
        path.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    truths = []
    started = time.perf_counter()
    with Store(db, memory_limit="4GB") as store:
        for k in range(n_chunks):
            shop = make_shop(chunk, seed=seed + k, browse_scale=browse_scale)
            _insert_chunk(store, shop.tables, k, chunk, n_events // n_chunks, rng, first=(k == 0))
            truth = shop.truth[TRUTH_COLUMNS].copy()
            truth["customer_id"] = [f"C{int(c[1:]) + k * chunk:07d}" for c in truth["customer_id"]]
            truths.append(truth)
            del shop
        store.execute("CHECKPOINT")
        counts = {name: store.count(name) for name in ("customers", "orders", "events", "reviews")}
        counts["distinct orders"] = int(store.scalar("SELECT count(DISTINCT order_id) FROM orders"))
    pd.concat(truths, ignore_index=True).to_parquet(_truth_path(db))
    meta = {
        "customers": n_customers,
        "events": n_events,
        "seed": seed,
        "chunk": chunk,
        "browse_scale": browse_scale,
        "counts": counts,
        "seconds": time.perf_counter() - started,
    }
    _meta_path(db).write_text(json.dumps(meta, indent=1))
    return meta


def _truth_path(db: Path) -> Path:
    return db.with_name(db.name + ".truth.parquet")


def _meta_path(db: Path) -> Path:
    return db.with_name(db.name + ".json")


# ----------------------------------------------------------------------------- workers
def run_features(db: Path) -> dict:
    """``build_features`` alone, as of the default date."""
    from promopilot.data.store import Store
    from promopilot.profile.build import profile_as_of
    from promopilot.profile.features import build_features

    with Store(db, read_only=True) as store:
        as_of = profile_as_of(store, None)
        started, cpu_started = time.perf_counter(), time.process_time()
        features = build_features(store, as_of=as_of)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        return {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "peak_gb": peak_rss_gb(),
            "rows": len(features),
            "columns": features.shape[1],
            "as_of": str(as_of),
        }


# build_profile's progress messages, in order, and the stage each one starts
STAGES = {
    "features": "features",
    "lifetime value": "CLV fit (BG/NBD + Gamma-Gamma)",
    "churn model": "churn model (180 d)",
    "propensity model": "purchase model (30 d)",
    "expected purchases model": "expected-orders model (90 d)",
    "discount sensitivity check": "discount sensitivity (learned, checked)",
    "segments": "segments",
}
WINDOW_STAGES = ("churn model", "propensity model", "expected purchases model")


def run_profile(db: Path, save: Path | None = None) -> dict:
    """The whole ``build_profile``, timed stage by stage through its progress messages."""
    from promopilot.data.store import Store
    from promopilot.profile.build import build_profile

    marks: list[tuple[str, float, float]] = []
    with Store(db, read_only=True) as store:
        started, cpu_started = time.perf_counter(), time.process_time()
        profile = build_profile(
            store, progress=lambda s: marks.append((s, time.perf_counter(), time.process_time()))
        )
        ended, cpu_ended = time.perf_counter(), time.process_time()
    peak = peak_rss_gb()
    if save is not None:
        profile.customers.to_parquet(save)
    stages: dict[str, list[float]] = {}
    for (name, t0, c0), (_, t1, c1) in zip(
        marks, [*marks[1:], ("end", ended, cpu_ended)], strict=False
    ):
        stages[name] = [t1 - t0, c1 - c0]
    out = {
        "seconds": ended - started,
        "cpu_seconds": cpu_ended - cpu_started,
        "peak_gb": peak,
        "stages": stages,
        "rows": len(profile.customers),
        "columns": profile.customers.shape[1],
        "notes": profile.notes,
        "as_of": str(profile.as_of),
        "segments": profile.segments[["segment", "customers"]].to_dict("records"),
    }
    out["accuracy"] = _accuracy(db, profile)
    return out


def _accuracy(db: Path, profile) -> dict:
    """The checks of tests/profile/test_build.py, on the big shop."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    path = _truth_path(db)
    if not path.exists():
        return {}
    c = profile.customers.set_index("customer_id")
    truth = pd.read_parquet(path).set_index("customer_id").loc[c.index]
    alive = ~truth["churned"].to_numpy()
    out = {
        "churn AUC vs truth": roc_auc_score(truth["churned"], c["churn_risk"]),
        "expected purchases vs truth (Spearman)": spearmanr(
            c["expected_purchases_90d"], truth["expected_purchases_90d"]
        ).statistic,
        "expected purchases vs activity, alive (Spearman)": spearmanr(
            c["expected_purchases_90d"].to_numpy()[alive], truth["activity_rate"].to_numpy()[alive]
        ).statistic,
        "discount sensitivity vs truth (Spearman)": spearmanr(
            c["discount_sensitivity"], truth["discount_sensitivity"]
        ).statistic,
    }
    for name, evaluation in profile.evaluation.items():
        if evaluation is not None:
            out[f"{name} AUC, later window"] = evaluation.auc
    return {k: float(v) for k, v in out.items()}


def compare_profiles(saved: Path, path: Path) -> str:
    """Whether the customer table at `path` equals the one saved at `saved`: same columns in
    the same order, same dtypes, every value the same bit for bit (NaN where NaN)."""
    before, after = pd.read_parquet(saved), pd.read_parquet(path)
    if list(before.columns) != list(after.columns) or len(before) != len(after):
        return (
            f"profile differs from {saved}: {before.shape} vs {after.shape}, columns "
            f"{sorted(set(before.columns) ^ set(after.columns)) or 'in another order'}"
        )
    differ = []
    for column in before.columns:
        a, b = before[column], after[column]
        if a.dtype != b.dtype:
            differ.append(f"{column} ({a.dtype} vs {b.dtype})")
        elif pd.api.types.is_float_dtype(a):
            x, y = a.to_numpy(), b.to_numpy()
            same = (x.view(f"i{x.itemsize}") == y.view(f"i{y.itemsize}")) | (
                np.isnan(x) & np.isnan(y)
            )
            if not same.all():
                gap = np.nanmax(np.abs(x - y))
                differ.append(f"{column} ({int((~same).sum()):,} rows, up to {gap:.3g})")
        elif not a.equals(b):
            differ.append(f"{column} ({int((a != b).sum()):,} rows)")
    if differ:
        return f"profile differs from {saved} in {len(differ)} columns: " + ", ".join(differ)
    return (
        f"profile equal to {saved}: {len(before):,} rows x {len(before.columns)} columns, "
        "bit for bit"
    )


# ----------------------------------------------------------------------------- driver
def _in_child(args: argparse.Namespace, worker: str) -> dict:
    """Run one worker in a fresh interpreter (its own peak memory) and return its result."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [
            sys.executable,
            __file__,
            "--worker",
            worker,
            "--result",
            str(result),
            "--db",
            str(args.db),
            "--customers",
            str(args.customers),
            "--events",
            str(args.events),
            "--chunk",
            str(args.chunk),
            "--seed",
            str(args.seed),
            "--browse-scale",
            str(args.browse_scale),
        ]
        if worker == "profile" and (args.save_profile or args.compare_profile):
            save = args.save_profile or Path(tmp) / "profile.parquet"
            command += ["--save-profile", str(save)]
        subprocess.run(command, check=True)
        out = json.loads(result.read_text())
        if worker == "profile" and args.compare_profile:
            out["compared"] = compare_profiles(args.compare_profile, save)
        return out


def _fresh(args: argparse.Namespace) -> bool:
    """Whether the store at --db was made with the sizes and seed asked for."""
    if args.regenerate or not args.db.exists() or not _meta_path(args.db).exists():
        return False
    meta = json.loads(_meta_path(args.db).read_text())
    return all(
        meta.get(k) == getattr(args, k)
        for k in ("customers", "events", "seed", "chunk", "browse_scale")
    )


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        cells = [f"{row[0]:<{widths[0]}}"] + [
            f"{c:>{w}}" for c, w in zip(row[1:], widths[1:], strict=False)
        ]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "promopilot-bench-profile.duckdb"
    )
    parser.add_argument("--regenerate", action="store_true", help="make the store again")
    parser.add_argument(
        "--skip-features", action="store_true", help="skip the separate build_features run"
    )
    parser.add_argument("--chunk", type=int, default=100_000, help="customers per make_shop call")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--browse-scale", type=float, default=0.1)
    parser.add_argument(
        "--save-profile", type=Path, help="write the profile's customer table to this Parquet file"
    )
    parser.add_argument(
        "--compare-profile",
        type=Path,
        help="say whether the profile's customer table equals the one saved in this file",
    )
    parser.add_argument(
        "--worker", choices=["generate", "features", "profile"], help=argparse.SUPPRESS
    )
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        if args.worker == "generate":
            out = generate(
                args.db,
                args.customers,
                args.events,
                chunk=args.chunk,
                seed=args.seed,
                browse_scale=args.browse_scale,
            )
            out["peak_gb"] = peak_rss_gb()
        elif args.worker == "features":
            out = run_features(args.db)
        else:
            out = run_profile(args.db, args.save_profile)
        args.result.write_text(json.dumps(out, indent=1, default=str))
        return

    cpus = len(os.sched_getaffinity(0))
    print(
        f"customer profile benchmark: {args.customers:,} customers, {args.events:,} events, "
        f"{cpus} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if _fresh(args):
        meta = json.loads(_meta_path(args.db).read_text())
        print(f"reusing {args.db} (made in {meta['seconds']:.0f} s)", flush=True)
    else:
        print(f"generating {args.db} ...", flush=True)
        meta = _in_child(args, "generate")
        print(
            f"generated in {meta['seconds']:.1f} s, peak {meta['peak_gb']:.2f} GB "
            "(not part of the target)",
            flush=True,
        )
    print("store: " + ", ".join(f"{v:,} {k}" for k, v in meta["counts"].items()), flush=True)

    rows = [("stage", "wall s", "CPU s", "peak GB")]
    if not args.skip_features:
        print("build_features ...", flush=True)
        feat = _in_child(args, "features")
        rows.append(
            (
                f"build_features alone ({feat['rows']:,} x {feat['columns']})",
                f"{feat['seconds']:.1f}",
                f"{feat['cpu_seconds']:.1f}",
                f"{feat['peak_gb']:.2f}",
            )
        )
    print("build_profile ...", flush=True)
    prof = _in_child(args, "profile")
    stages = prof["stages"]
    rows.append(("build_profile:", "", "", ""))
    for key, label in STAGES.items():
        if key == "segments":
            wall, cpu = (sum(stages.get(k, [0.0, 0.0])[i] for k in WINDOW_STAGES) for i in (0, 1))
            rows.append(("  window models, all three", f"{wall:.1f}", f"{cpu:.1f}", ""))
        if key in stages:
            indent = "    " if key in WINDOW_STAGES else "  "
            rows.append((indent + label, f"{stages[key][0]:.1f}", f"{stages[key][1]:.1f}", ""))
    rows.append(
        (
            f"  total ({prof['rows']:,} x {prof['columns']})",
            f"{prof['seconds']:.1f}",
            f"{prof['cpu_seconds']:.1f}",
            f"{prof['peak_gb']:.2f}",
        )
    )
    print()
    print(_table(rows))
    ok = prof["seconds"] < 120 and prof["peak_gb"] < 4
    print(f"\ntarget (build_profile under 120 s and 4 GB): {'met' if ok else 'MISSED'}")
    if prof["accuracy"]:
        print("\naccuracy against the hidden truth:")
        for name, value in prof["accuracy"].items():
            print(f"  {name:<50} {value:.3f}")
    if prof["notes"]:
        print("\nnotes: " + "; ".join(prof["notes"]))
    if "compared" in prof:
        print("\n" + prof["compared"])


if __name__ == "__main__":
    main()

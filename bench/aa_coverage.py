"""A/A study on real shops: do the report's lift intervals contain zero as often as they say?

Real data (UCI Online Retail, CDNOW sample): each dataset is ingested once into a temporary
store (``promopilot ingest``, or reused with ``--store``). Then many fake randomized campaigns
are drawn at random dates over the customers who had ordered before the date: 1-3 offer arms and
a control group, control shares like a plan's (5-50%), equal propensities or unequal ones (the
more active half of the customers drawn with other probabilities, each logged with the
probability of what it got). The offers change nothing, so every true lift is exactly zero.
All campaigns are logged at once and read back through the report's own code
(``campaign_outcomes`` for every campaign, ``estimate_lift`` per campaign: the statistics
``promopilot report`` shows) at 90% and 95%. Prints the share of intervals that contain 0 per
measure (conversion, revenue and profit per customer, CUPED-adjusted as the report shows them;
the whole campaign's incremental profit) and per arm size. Not collected by pytest.

    .venv/bin/python bench/aa_coverage.py                         # UCI and CDNOW, 300 each
    .venv/bin/python bench/aa_coverage.py --only uci --campaigns 400 --store uci=/tmp/uci.duckdb
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from promopilot.campaigns.estimate import estimate_lift
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.data.queries.serve import insert_exposures
from promopilot.data.store import Store
from shared_data import shared_data_root

DATASETS = {
    "uci": "uci-online-retail/by-day",
    "cdnow": "cdnow-sample/CDNOW_sample.txt",
}
PROMOPILOT = str(Path(sys.executable).with_name("promopilot"))
WINDOW = 14
SIZES = (300, 600, 1000, 2000, 4000)
CONTROL_SHARES = (0.05, 0.10, 0.20, 0.50)
BINS = [(30, 99), (100, 299), (300, 999), (1000, 10**9)]
MEASURES = ("conversion", "revenue_per_customer", "profit_per_customer")


def ingest(data: Path, db: Path) -> None:
    subprocess.run(
        [PROMOPILOT, "ingest", str(data), "--db", str(db)], check=True, capture_output=True
    )


def draw_campaigns(orders: pd.DataFrame, count: int, seed: int) -> pd.DataFrame:
    """`count` fake campaigns as exposure rows (campaign_id, customer_id, offer_id, sent_at,
    propensity); assignment ignores every outcome."""
    rng = np.random.default_rng(seed)
    orders = orders[~orders["is_return"].fillna(False).astype(bool)]
    first, last = orders["timestamp"].min(), orders["timestamp"].max()
    start, end = first + pd.Timedelta(days=60), last - pd.Timedelta(days=WINDOW + 1)
    per_order = orders.drop_duplicates(["customer_id", "order_id"])[["customer_id", "timestamp"]]
    out = []
    for i in range(count):
        sent = (start + (end - start) * rng.random()).floor("D")
        before = per_order[per_order["timestamp"] < sent]
        counts = before["customer_id"].value_counts()
        n = min(int(rng.choice(SIZES)), len(counts))
        chosen = rng.choice(len(counts), size=n, replace=False)
        customers = counts.index.to_numpy()[chosen]
        active = counts.to_numpy()[chosen] > np.median(counts.to_numpy())
        k = int(rng.integers(1, 4))
        c = float(rng.choice(CONTROL_SHARES))
        unequal = bool(rng.random() < 0.5)
        # probabilities per customer: control, then the k offers
        if unequal:  # the active half: control share halved, the first offer twice as likely
            c_row = np.where(active, c / 2, min(2 * c, 0.6))
            tilt = np.where(active, 2.0, 1.0)[:, None] * (np.arange(k) == 0) + (np.arange(k) > 0)
            offers = tilt / tilt.sum(axis=1, keepdims=True) * (1 - c_row)[:, None]
        else:
            c_row = np.full(n, c)
            offers = np.full((n, k), (1 - c) / k)
        probs = np.column_stack([c_row, offers])
        pick = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
        pick = np.minimum(pick, k)
        names = np.array(["", *[f"offer{j + 1}" for j in range(k)]], dtype=object)
        out.append(
            pd.DataFrame(
                {
                    "campaign_id": f"aa{i:04d}",
                    "customer_id": customers,
                    "offer_id": names[pick],
                    "sent_at": sent,
                    "channel": "email",
                    "propensity": probs[np.arange(n), pick],
                    "design": "unequal" if unequal else "equal",
                    "control_share": c,
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def outcomes(store: Store, exposures: pd.DataFrame) -> pd.DataFrame:
    """Every fake campaign's outcomes frame as the report reads it, with its design."""
    logged = exposures.drop(columns=["design", "control_share"]).copy()
    logged["offer_id"] = logged["offer_id"].replace("", None)
    insert_exposures(store, logged)
    frame = campaign_outcomes(store, None, window_days=WINDOW)
    design = exposures.drop_duplicates("campaign_id").set_index("campaign_id")["design"]
    frame["design"] = design.reindex(frame["campaign_id"]).to_numpy()
    return frame


def measure_all(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (campaign, arm, measure, level): low, high, arm size."""
    rows = []
    for cid, part in frame.groupby("campaign_id", sort=True):
        part = part.reset_index(drop=True)
        part.attrs = frame.attrs
        for level in (0.90, 0.95):
            try:
                result = estimate_lift(part, confidence=level, with_segments=False)
            except Exception as error:  # a campaign too small to measure: say so, skip it
                rows.append({"campaign_id": cid, "skipped": str(error)})
                break
            base = {
                "campaign_id": cid,
                "level": level,
                "design": part["design"].iloc[0],
                "control": result["control"]["customers"],
                "buyers_control": int(part.loc[part["arm"] == "control", "converted"].sum()),
            }
            for arm in result["arms"]:
                for name in MEASURES:
                    for kind in ("lift", "lift_unadjusted"):
                        e = arm[kind][name]
                        rows.append(
                            {
                                **base,
                                "arm": arm["offer_id"],
                                "customers": arm["customers"],
                                "measure": name if kind == "lift" else f"{name} (no CUPED)",
                                "low": e["low"],
                                "high": e["high"],
                            }
                        )
            total = result["incremental_profit"]
            rows.append(
                {
                    **base,
                    "arm": "(whole)",
                    "customers": len(part),
                    "measure": "incremental_profit",
                    "low": total["low"],
                    "high": total["high"],
                }
            )
    return pd.DataFrame(rows)


def coverage_table(name: str, rows: pd.DataFrame, console: Console) -> None:
    rows = rows.dropna(subset=["level"])
    rows = rows.assign(covers=(rows["low"] <= 0) & (rows["high"] >= 0))
    table = Table(title=f"{name} (real data): share of intervals containing 0 (A/A)")
    table.add_column("measure")
    table.add_column("arms of")
    table.add_column("arms", justify="right")
    table.add_column("90% covers", justify="right")
    table.add_column("95% covers", justify="right")
    table.add_column("median 90% width", justify="right")
    for measure in [*MEASURES, "incremental_profit"]:
        part = rows[rows["measure"] == measure]
        groups = [("all", part)]
        if measure != "incremental_profit":
            groups += [
                (
                    f"{lo}-{hi} customers" if hi < 10**9 else f">={lo} customers",
                    part[part["customers"].between(lo, hi)],
                )
                for lo, hi in BINS
            ]
            groups += [(d, part[part["design"] == d]) for d in ("equal", "unequal")]
            groups += [
                (f"control buyers {lo}-{hi}" if hi < 10**9 else f"control buyers >={lo}", g)
                for lo, hi in ((0, 2), (3, 9), (10, 10**9))
                for g in [part[part["buyers_control"].between(lo, hi)]]
            ]
        for label, g in groups:
            n = int((g["level"] == 0.90).sum())
            if not n:
                continue
            c90 = g.loc[g["level"] == 0.90, "covers"].mean()
            c95 = g.loc[g["level"] == 0.95, "covers"].mean()
            width = (g["high"] - g["low"])[g["level"] == 0.90].median()
            table.add_row(measure, label, f"{n:,}", f"{c90:.3f}", f"{c95:.3f}", f"{width:,.3g}")
        table.add_section()
    console.print(table)


def draw_and_log(name: str, stores: dict, count: int, seed: int) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / f"{name}.duckdb"
        if name in stores and Path(stores[name]).is_file():
            shutil.copy(stores[name], db)  # the fake campaigns go into a copy
        else:
            ingest(shared_data_root() / DATASETS[name], db)
            if name in stores:
                shutil.copy(db, stores[name])
        with Store(str(db)) as store:
            return outcomes(store, draw_campaigns(store.table("orders"), count, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(DATASETS), action="append")
    parser.add_argument("--campaigns", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", action="append", default=[], help="NAME=FILE: reuse a store")
    parser.add_argument("--save", type=Path, help="write each dataset's rows as NAME.csv here")
    parser.add_argument(
        "--outcomes",
        type=Path,
        help="keep the campaigns' outcomes here (NAME.pkl) and measure kept ones again",
    )
    args = parser.parse_args()
    stores = dict(s.split("=", 1) for s in args.store)
    console = Console(width=120)
    for name in args.only or sorted(DATASETS, reverse=True):
        started = time.perf_counter()
        kept = args.outcomes / f"{name}.pkl" if args.outcomes else None
        if kept is not None and kept.is_file():
            frame = pd.read_pickle(kept)
        else:
            frame = draw_and_log(name, stores, args.campaigns, args.seed)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                frame.to_pickle(kept)
        rows = measure_all(frame)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            rows.to_csv(args.save / f"{name}.csv", index=False)
        skipped = int(rows.get("skipped", pd.Series(dtype=object)).notna().sum())
        console.print(
            f"{name}: {frame['campaign_id'].nunique()} campaigns ({skipped} not measurable), "
            f"{time.perf_counter() - started:.0f} s"
        )
        coverage_table(name, rows, console)


if __name__ == "__main__":
    main()

"""Churn risk on a short history (the churn window model cannot be fitted), against held-out
truth: whether each customer placed an order in the 180 days after the as-of date.

* UCI Online Retail: the first ``--uci-days`` daily files (60: as of 2011-02-19) are ingested
  and profiled; the truth is read from the later daily files of the full dataset.
* Synthetic worlds (``promopilot.synth.worldgen.make_world``, training seeds 1-40 only): the
  shop folder cut at ``--cut-days`` after its first day (orders, events, reviews, campaigns
  and sign-ups before the cut), profiled as of the cut; the truth is the world's own orders in
  the 180 days after it; sign-ups before the world's first day are moved to it (a shop that
  opened then, so that the churn model has no earlier history to learn from). Figures from
  our own synthetic data.

Per group (buyers: an order before the as-of date; browsers: none, but in the profile; all):
customers, ROC AUC of ``churn_risk`` for "no order in the next 180 days", mean ``churn_risk``
and the true share with no order in the next 180 days; "30-day order" lines score
``purchase_propensity_30d`` against an order in the next 30 days (mean propensity, true share
with an order). Lines marked "window share" score,
for the same customers, what the shop's own earlier window gives every customer
(:func:`promopilot.profile.silence.no_order_probability`; the profile uses it only where
BG/NBD has no value), a check of that method on buyers too.

    .venv/bin/python bench/churn_short_history.py [--uci-days 60] [--seeds 1 2 3]
        [--customers 2000] [--cut-days 120] [--skip-uci]
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from shared_data import shared_data_root

HORIZON = pd.Timedelta(days=180)
TIME_COLUMNS = {"orders": "timestamp", "events": "timestamp", "reviews": "timestamp"}


def profile_of(folder: Path, as_of=None) -> pd.DataFrame:
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.profile.build import build_profile

    with Store(":memory:") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest(store, folder)
        profile = build_profile(store, as_of=as_of, evaluate=False)
        customers = profile.customers
        note = next((n for n in profile.notes if n.startswith("churn_risk:")), "")
        print(f"  as of {profile.as_of}; {note[:300]}")
        try:
            from promopilot.profile.silence import no_order_probability
        except ImportError:  # the code before the window share
            return customers
        share, how = no_order_probability(store, profile.as_of, customers, 180)
        print(f"  window share: {how}")
    return customers.assign(window_share=share.to_numpy())


def score(customers: pd.DataFrame, bought_after: set[str], within_30: set[str]) -> list[tuple]:
    ids = customers["customer_id"].astype(str)
    c = customers.assign(silent=~ids.isin(bought_after), ordered_30=ids.isin(within_30))
    rows = []
    buyer = c["frequency"].fillna(0) > 0
    for name, frame in (("buyers", c[buyer]), ("browsers", c[~buyer]), ("all", c)):
        if frame.empty:
            continue
        for column, label in (("churn_risk", name), ("window_share", f"{name} (window share)")):
            if column not in frame:
                continue
            y, p = frame["silent"].to_numpy(), frame[column].to_numpy()
            auc = roc_auc_score(y, p) if 0 < y.sum() < len(y) else float("nan")
            rows.append((label, len(frame), auc, float(np.mean(p)), float(np.mean(y))))
        y, p = frame["ordered_30"].to_numpy(), frame["purchase_propensity_30d"].to_numpy()
        auc = roc_auc_score(y, p) if 0 < y.sum() < len(y) else float("nan")
        rows.append((f"{name} (30-day order)", len(frame), auc, np.mean(p), np.mean(y)))
    return rows


def show(title: str, rows: list[tuple]) -> None:
    print(title)
    print(f"  {'group':25} {'n':>6} {'AUC':>6} {'mean risk':>10} {'true silent':>12}")
    for name, n, auc, mean, true in rows:
        print(f"  {name:25} {n:6d} {auc:6.3f} {mean:10.3f} {true:12.3f}")


def uci(root: Path, days: int) -> None:
    files = sorted((root / "uci-online-retail" / "by-day").glob("*.csv"))
    with tempfile.TemporaryDirectory() as tmp:
        for file in files[:days]:
            (Path(tmp) / file.name).symlink_to(file)
        customers = profile_of(Path(tmp))
    last = pd.Timestamp(files[days - 1].stem)
    later = pd.concat(
        [pd.read_csv(f, dtype={"CustomerID": str, "InvoiceNo": str}) for f in files[days:]]
    )
    at = pd.to_datetime(later["InvoiceDate"])
    sale = ~later["InvoiceNo"].str.startswith("C") & (later["Quantity"] > 0)
    start = last + pd.Timedelta(days=1)

    def ordered(within: pd.Timedelta) -> set[str]:
        window = (at >= start) & (at < start + within)
        ids = later.loc[sale & window, "CustomerID"].dropna()
        return set(ids.str.replace(r"\.0$", "", regex=True))

    rows = score(customers, ordered(HORIZON), ordered(pd.Timedelta(days=30)))
    show(f"UCI Online Retail, first {days} daily files", rows)


def world(seed: int, n: int, cut_days: int) -> list[tuple]:
    from promopilot.synth.orders import START
    from promopilot.synth.worldgen import make_world

    shop = make_world(seed, n)
    cut = START + pd.Timedelta(days=cut_days)
    orders = shop.tables["orders"]
    at = pd.to_datetime(orders["timestamp"])
    after = orders.loc[(at >= cut) & (at < cut + HORIZON), "customer_id"].astype(str)
    in_30 = orders.loc[(at >= cut) & (at < cut + pd.Timedelta(days=30)), "customer_id"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame in shop.tables.items():
            if name in TIME_COLUMNS:
                frame = frame[pd.to_datetime(frame[TIME_COLUMNS[name]]) < cut]
            elif name == "customers":  # a shop opened at START: nobody signed up before
                signup = pd.to_datetime(frame["signup_at"])
                frame = frame[signup < cut].assign(signup_at=signup.clip(lower=START))
            elif name == "campaigns":
                frame = frame[pd.to_datetime(frame["sent_at"]) < cut]
            if len(frame):
                frame.to_csv(Path(tmp) / f"{name}.csv", index=False)
        customers = profile_of(Path(tmp), as_of=cut)
    rows = score(customers, set(after), set(in_30.astype(str)))
    show(f"world {seed}, first {cut_days} days (synthetic)", rows)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uci-days", type=int, default=60)
    ap.add_argument("--skip-uci", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--cut-days", type=int, default=120)
    args = ap.parse_args()
    if any(s > 40 for s in args.seeds):
        raise SystemExit("training seeds 1-40 only (the report seeds are not for tuning)")
    if not args.skip_uci:
        uci(shared_data_root(), args.uci_days)
    every = [r for s in args.seeds for r in world(s, args.customers, args.cut_days)]
    if every:
        frame = pd.DataFrame(every, columns=["group", "n", "auc", "mean", "true"])
        print("worlds, mean over seeds (synthetic):")
        print(frame.groupby("group", sort=False)[["n", "auc", "mean", "true"]].mean().round(3))


if __name__ == "__main__":
    main()

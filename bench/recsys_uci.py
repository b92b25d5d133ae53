"""Recommenders on UCI Online Retail with a temporal split: the hybrid against every single
model, and cold-start coverage.

    .venv/bin/python bench/recsys_uci.py            # ../shared/data or $PROMOPILOT_SHARED_DATA
    .venv/bin/python bench/recsys_uci.py --test-days 30

Train on everything before the cutoff (the last `--test-days` days are the test); the truth
is what each customer with history bought for the first time after the cutoff; top 10 with
already-bought products excluded. Hyperparameters are tuned on the training part only
(each customer's latest purchase held out); the hybrid reranks the tuned models and learns its
weights on the same kind of held-out data. nDCG@10 etc. as in ``recsys_movielens.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from shared_data import shared_data_root

NAMES = ("popularity", "itemknn", "userknn", "rp3beta", "session", "ease", "als", "content")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=shared_data_root(),
        help="folder holding uci-online-retail (default: ../shared/data)",
    )
    parser.add_argument("--test-days", type=int, default=30, help="days held out at the end")
    args = parser.parse_args()
    folder = args.data / "uci-online-retail" / "by-day"
    if not folder.exists():
        sys.exit(f"error: {folder}: not found (pass --data or set PROMOPILOT_SHARED_DATA)")

    import pandas as pd

    from promopilot.data.ingest import ingest
    from promopilot.data.queries import recommend as queries
    from promopilot.data.store import Store
    from promopilot.recommend.evaluate import evaluate, tune
    from promopilot.recommend.service import GRIDS, make_model

    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="promopilot-uci-") as tmp,
        Store(Path(tmp) / "store.duckdb") as store,
    ):
        ingest(store, folder, format="uci")
        cutoff = store.default_as_of() - pd.Timedelta(days=args.test_days)
        train = queries.interactions(store, as_of=cutoff)
        full = queries.interactions(store)
        products = queries.catalogue(store)
    print(f"ingested in {time.perf_counter() - started:.0f} s; cutoff {cutoff:%Y-%m-%d}")
    known = set(train["customer_id"])
    pairs = set(zip(train["customer_id"], train["product_id"], strict=True))
    test = full[full["customer_id"].isin(known)]
    test = test[
        [(c, p) not in pairs for c, p in zip(test["customer_id"], test["product_id"], strict=True)]
    ]
    print(
        f"train: {len(train):,} customer-product pairs, {train['customer_id'].nunique():,} "
        f"customers, {train['product_id'].nunique():,} products; test: {len(test):,} new "
        f"pairs of {test['customer_id'].nunique():,} customers"
    )

    rows, tuned = [], []
    for name in NAMES:
        print(f"  {name}", file=sys.stderr, flush=True)
        params = {}
        if name in GRIDS:
            params, _ = tune(
                lambda _n=name, **p: make_model(_n, **p),
                GRIDS[name],
                train,
                validation="temporal",
                products=products,
            )
        model = make_model(name, **params)
        scores = evaluate(model, train, test, products=products)
        rows.append({"model": name, **scores, "params": params})
        tuned.append((name, make_model(name, **params)))
    print("  hybrid", file=sys.stderr, flush=True)
    hybrid = make_model("hybrid", models=tuned, validation="temporal")
    scores = evaluate(hybrid, train, test, products=products)
    rows.append({"model": "hybrid", **scores, "params": {"uses": hybrid.summary()}})
    table = pd.DataFrame(rows)
    print(f"{'model':<12}{'MAP':>8}{'nDCG@10':>9}{'P@10':>8}{'R@10':>8}{'cover':>8}  params")
    for r in table.to_dict("records"):
        print(
            f"{r['model']:<12}{r['MAP']:>8.4f}{r['nDCG@k']:>9.4f}{r['Precision@k']:>8.4f}"
            f"{r['Recall@k']:>8.4f}{r['coverage']:>8.3f}  "
            + ", ".join(f"{a}={b}" for a, b in r["params"].items())
        )
    single = table[table["model"] != "hybrid"]
    best = single.loc[single["nDCG@k"].idxmax()]
    ours = float(table.loc[table["model"] == "hybrid", "nDCG@k"].iloc[0])
    print(
        f"\nhybrid nDCG@10 {ours:.4f} vs best single ({best['model']}) {best['nDCG@k']:.4f}: "
        f"{'beats' if ours > best['nDCG@k'] else 'does not beat'}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()

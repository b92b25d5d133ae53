"""The Microsoft Recommenders protocol on MovieLens 100k, our models next to the published
table.

    .venv/bin/python bench/recsys_movielens.py           # ../shared/data or $PROMOPILOT_SHARED_DATA
    .venv/bin/python bench/recsys_movielens.py --data DIR

Protocol (their ``examples/06_benchmarks``): every rating is an interaction; a random 75/25
split stratified per item (``python_stratified_split(..., filter_by="item")``, seed 42); top
10 per user with the user's training items excluded; every held-out item relevant; MAP
(their ``map``), nDCG@10, Precision@10, Recall@10. Each model's hyperparameters are chosen on
a validation split of the training part only (``promopilot.recommend.evaluate.tune``); the
hybrid reranks the tuned models. ALS and BPR are the ``implicit`` library's. The data goes
through the store and its MovieLens importer exactly as ``promopilot recommend --data DIR
--evaluate`` does, so that command prints the same figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from shared_data import shared_data_root

PUBLISHED = (  # recommenders-team/recommenders, examples/06_benchmarks, MovieLens 100k, k=10
    ("BiVAE (published)", 0.146, 0.475, 0.412, 0.219),
    ("BPR (published, cornac)", 0.132, 0.442, 0.388, 0.213),
    ("SAR (published)", 0.111, 0.382, 0.331, 0.176),
)
LABELS = {"als": "ALS (implicit)", "bpr": "BPR (implicit)", "ease": "EASE (tuned)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=shared_data_root(),
        help="folder holding movielens-100k (default: ../shared/data)",
    )
    args = parser.parse_args()
    folder = args.data / "movielens-100k"
    if not (folder / "u.data").exists():
        sys.exit(f"error: {folder}: no u.data (pass --data or set PROMOPILOT_SHARED_DATA)")

    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.recommend.service import protocol_benchmark
    from promopilot.recommend.shop import shop_tables

    with (
        tempfile.TemporaryDirectory(prefix="promopilot-ml-") as tmp,
        Store(Path(tmp) / "store.duckdb") as store,
    ):
        ingest(store, folder)
        interactions, products = shop_tables(store)
    print(
        f"MovieLens 100k: {len(interactions):,} interactions, "
        f"{interactions['customer_id'].nunique():,} users, "
        f"{interactions['product_id'].nunique():,} items"
    )
    started = time.perf_counter()
    table = protocol_benchmark(
        interactions,
        products,
        k=10,
        progress=lambda name: print(f"  tuning and fitting {name}", file=sys.stderr, flush=True),
    )
    seconds = time.perf_counter() - started
    header = f"{'model':<26}{'MAP':>8}{'nDCG@10':>9}{'P@10':>8}{'R@10':>8}{'cover':>8}  params"
    print(header)
    print("-" * len(header))
    for row in table.to_dict("records"):
        name = LABELS.get(row["model"], row["model"])
        if row.get("MAP") != row.get("MAP") or "MAP" not in row:
            print(f"{name:<26}  not fitted: {row['params']}")
            continue
        print(
            f"{name:<26}{row['MAP']:>8.3f}{row['nDCG@k']:>9.3f}{row['Precision@k']:>8.3f}"
            f"{row['Recall@k']:>8.3f}{row['coverage']:>8.3f}  {row['params']}"
        )
    for name, *values in PUBLISHED:
        print(
            f"{name:<26}"
            + "".join(f"{v:>{w}.3f}" for v, w in zip(values, (8, 9, 8, 8), strict=True))
        )
    best = table.loc[table["nDCG@k"].idxmax()]
    bivae = PUBLISHED[0][1:]
    ours = (best["MAP"], best["nDCG@k"], best["Precision@k"], best["Recall@k"])
    beats = all(o > b for o, b in zip(ours, bivae, strict=True))
    print(
        f"\nbest: {LABELS.get(best['model'], best['model'])}; beats BiVAE on all four "
        f"metrics: {'yes' if beats else 'no'}; nDCG@10 >= 0.50: "
        f"{'yes' if best['nDCG@k'] >= 0.50 else 'no'} ({best['nDCG@k']:.3f}); "
        f"{seconds:.0f} s"
    )


if __name__ == "__main__":
    main()

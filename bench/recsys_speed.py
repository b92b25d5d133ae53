"""Speed and memory of recommending at shop scale (synthetic interactions).

    .venv/bin/python bench/recsys_speed.py                   # 100k customers x 20k products
    .venv/bin/python bench/recsys_speed.py --customers 10000 --products 5000

Draws `--per-customer` interactions per customer on average (product popularity follows a
power law), fits each model with at most `--threads` BLAS/implicit threads, then times top-10
for every customer (blocks of customers: no dense customers x products matrix) and the
median time of one customer's top-10 after loading. Peak memory is the process's maximum
resident set size. The data are synthetic: the figures say nothing about quality.
"""

from __future__ import annotations

import argparse
import os
import resource
import time


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--per-customer", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", default="als,itemknn", help="comma-separated model names")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits

    from promopilot.recommend.service import make_model

    rng = np.random.default_rng(0)
    n = int(args.customers * args.per_customer)
    customers = rng.integers(0, args.customers, n)
    weights = 1.0 / np.arange(1, args.products + 1) ** 0.8
    products = rng.choice(args.products, size=n, p=weights / weights.sum())
    data = pd.DataFrame(
        {"customer_id": customers.astype(str), "product_id": products.astype(str), "weight": 1.0}
    )
    data = data.drop_duplicates(["customer_id", "product_id"], ignore_index=True)
    ids = data["customer_id"].unique()
    print(
        f"synthetic: {len(ids):,} customers x {args.products:,} products, "
        f"{len(data):,} interactions; {args.threads} threads; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'model':<10}{'fit s':>8}{'top-10 all s':>14}{'one customer ms':>17}{'peak GB':>9}")
    for name in args.models.split(","):
        with threadpool_limits(args.threads):
            model = make_model(name)
            t0 = time.perf_counter()
            model.fit(data)
            fit_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            recs = model.recommend(ids, k=10)
            all_s = time.perf_counter() - t0
            assert recs["customer_id"].nunique() == len(ids)
            one = []
            for cid in rng.choice(ids, 200, replace=False):
                t1 = time.perf_counter()
                model.recommend([cid], k=10)
                one.append(time.perf_counter() - t1)
        print(
            f"{name:<10}{fit_s:>8.1f}{all_s:>14.1f}{np.median(one) * 1000:>17.2f}{peak_gb():>9.2f}"
        )
        del model, recs


if __name__ == "__main__":
    main()

"""The deep recommenders (``promopilot[deep]``: SASRec and LightGCN) next to EASE.

    .venv/bin/python bench/recsys_deep.py      # ../shared/data or $PROMOPILOT_SHARED_DATA
    .venv/bin/python bench/recsys_deep.py --part uci --threads 2

Two tables, each model fitted once on the training part and scored on the held-out part:

- MovieLens 100k under the Microsoft Recommenders protocol, exactly as
  ``recsys_movielens.py`` (75/25 random split stratified per item, seed 42, top 10 with seen
  items excluded, every held-out item relevant), next to their published rows.
- UCI Online Retail with a temporal leave-last-out split: each customer's latest new product
  (by ``last_seen``) is the test, everything before it the training data; customers with a
  single product stay in training only. This is the setting SASRec is made for (what comes
  next); the random split above is not.

EASE's L2 is chosen on a validation split of the training part only (stratified for
MovieLens, each customer's latest product for UCI), as in the other benchmarks. SASRec and
LightGCN run with their defaults (the papers' settings, modest epochs), not tuned: say so when
quoting them. Fitting is limited to `--threads` CPU threads; ``fit s`` is the seconds to fit
the model and recommend to the test customers (EASE's tuning not included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from recsys_movielens import PUBLISHED
from shared_data import shared_data_root

HEADER = (
    f"{'model':<26}{'MAP':>8}{'nDCG@10':>9}{'P@10':>8}{'R@10':>8}{'cover':>8}{'fit s':>8}  params"
)


MODELS = ("ease", "itemknn", "sasrec", "lightgcn")


def models(names: tuple[str, ...], threads: int, validation: str, train):
    """(name, estimator, params text) of the compared models; EASE tuned on `train`."""
    from promopilot.recommend.evaluate import tune
    from promopilot.recommend.graph import LightGCNRecommender
    from promopilot.recommend.sequential import SASRecRecommender
    from promopilot.recommend.service import GRIDS, make_model

    if "ease" in names:
        best, _ = tune(
            lambda **p: make_model("ease", **p), GRIDS["ease"], train, validation=validation
        )
        params = ", ".join(f"{k}={v}" for k, v in best.items())
        yield "EASE (tuned)", make_model("ease", **best), params
    if "itemknn" in names:
        yield "item-kNN (default)", make_model("itemknn"), "defaults"
    if "sasrec" in names:
        yield "SASRec", SASRecRecommender(n_threads=threads), "defaults, not tuned"
    if "lightgcn" in names:
        yield "LightGCN", LightGCNRecommender(n_threads=threads), "defaults, not tuned"


def run(title: str, train, test, products, args, validation: str) -> list[dict]:
    from promopilot.recommend.evaluate import evaluate

    print(f"\n{title}")
    print(HEADER)
    print("-" * len(HEADER))
    rows = []
    for name, model, params in models(args.models, args.threads, validation, train):
        print(f"  fitting {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        scores = evaluate(model, train, test, k=10, products=products)
        seconds = time.perf_counter() - started
        rows.append({"model": name, **scores})
        print(
            f"{name:<26}{scores['MAP']:>8.4f}{scores['nDCG@k']:>9.4f}"
            f"{scores['Precision@k']:>8.4f}{scores['Recall@k']:>8.4f}"
            f"{scores['coverage']:>8.3f}{seconds:>8.0f}  {params}",
            flush=True,
        )
    return rows


def load(folder: Path, **ingest_args):
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.recommend.shop import shop_tables

    with (
        tempfile.TemporaryDirectory(prefix="promopilot-deep-") as tmp,
        Store(Path(tmp) / "store.duckdb") as store,
    ):
        ingest(store, folder, **ingest_args)
        interactions, products = shop_tables(store)
    return interactions.assign(
        customer_id=interactions["customer_id"].astype(str),
        product_id=interactions["product_id"].astype(str),
    ), products


def movielens(root: Path, args) -> None:
    from promopilot.recommend.evaluate import stratified_split

    folder = root / "movielens-100k"
    if not (folder / "u.data").exists():
        print(f"skipped MovieLens: {folder}: no u.data")
        return
    interactions, products = load(folder)
    train, test = stratified_split(interactions, ratio=0.75, seed=42)
    run(
        f"MovieLens 100k, Microsoft Recommenders protocol ({len(interactions):,} ratings, "
        f"{interactions['customer_id'].nunique():,} users; 75/25 per item, seed 42)",
        train,
        test,
        products,
        args,
        "stratified",
    )
    for name, *values in PUBLISHED:
        cells = zip(values, (8, 9, 8, 8), strict=True)
        print(f"{name:<26}" + "".join(f"{v:>{w}.4f}" for v, w in cells))


def uci(root: Path, args) -> None:
    from promopilot.recommend.evaluate import temporal_split

    folder = root / "uci-online-retail" / "by-day"
    if not folder.exists():
        print(f"skipped UCI: {folder}: not found")
        return
    interactions, products = load(folder, format="uci")
    train, test = temporal_split(interactions, n_last=1)
    run(
        f"UCI Online Retail, temporal leave-last-out ({len(interactions):,} customer-product "
        f"pairs; test: the latest new product of {test['customer_id'].nunique():,} customers)",
        train,
        test,
        products,
        args,
        "temporal",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=shared_data_root(), help="folder holding the datasets"
    )
    parser.add_argument(
        "--part", choices=("all", "movielens", "uci"), default="all", help="which table(s)"
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for fitting")
    parser.add_argument(
        "--models", default=",".join(MODELS), help=f"comma-separated, of {', '.join(MODELS)}"
    )
    args = parser.parse_args()
    args.models = tuple(m.strip() for m in args.models.split(","))
    unknown = set(args.models) - set(MODELS)
    if unknown:
        parser.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("error: this benchmark needs PyTorch: pip install -e '.[deep]'")
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    with threadpool_limits(args.threads):
        if args.part in ("all", "movielens"):
            movielens(args.data, args)
        if args.part in ("all", "uci"):
            uci(args.data, args)
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()

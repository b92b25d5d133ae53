"""What the kept review sentiment scores cost a store that gets new data every day, and what
they save the models page.

    .venv/bin/python bench/kept_sentiment.py --demo demo-out/promopilot.duckdb --out /tmp/new
    PYTHONPATH=/path/to/old/src .venv/bin/python bench/kept_sentiment.py ... --out /tmp/old
    .venv/bin/python bench/kept_sentiment.py --compare /tmp/old /tmp/new

A copy of the demo store (``promopilot demo``) gets `--reviews` Chinese reviews more (the
online_shopping_10_cats texts from ../shared/data, 5 stars where labelled positive, 1 where
negative, at random customers, products and times before the store's last day), its kept
sets dropped. Then, for day 0 and each of `--days` days after it (each day an order and 50
reviews more ingested): the features as of the profile's dates (the store's day and the
snapshot dates 30, 60, 90, 180 and 360 days before: a shop under 100,000 customers builds
them with kept scores), as of the store's day again (the plan's) and the models page
(``keep_model_quality``, timed), then the store's file size after a checkpoint, the sets
kept and their bytes. Each day's page and features are saved (``--compare`` checks two runs
are the same). Nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from shared_data import shared_data_root


def prepared(demo: Path, out: Path, n_reviews: int) -> Path:
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    path = out / "store.duckdb"
    shutil.copy(demo, path)
    source = shared_data_root() / "chinese-online-shopping-10-cats" / "online_shopping_10_cats.csv"
    texts = pd.read_csv(source).dropna(subset=["review"]).sample(n=n_reviews, random_state=0)
    rng = np.random.default_rng(0)
    with Store(path) as store:
        store.execute("DELETE FROM computed WHERE name = 'review_sentiment'")
        customers = store.query("SELECT customer_id FROM customers")["customer_id"].to_numpy()
        products = store.query("SELECT product_id FROM products")["product_id"].to_numpy()
        first, last = store.date_range()
        span = (last - first).total_seconds()
        stamps = first + pd.to_timedelta(rng.uniform(0, span - 86_400, n_reviews), unit="s")
        reviews = pd.DataFrame(
            {
                "customer_id": rng.choice(customers, n_reviews),
                "product_id": rng.choice(products, n_reviews),
                "text": texts["review"].str.lstrip("\ufeff").to_numpy(),
                "rating": np.where(texts["label"].to_numpy() == 1, 5, 1),
                "timestamp": stamps.floor("s").strftime("%Y-%m-%dT%H:%M:%S"),
            }
        )
        (out / "reviews").mkdir(exist_ok=True)
        reviews.to_csv(out / "reviews" / "reviews.csv", index=False)
        ingest(store, out / "reviews" / "reviews.csv")
    return path


def new_day(store, out: Path, day: int, rng: np.random.Generator) -> None:
    """An order and 50 reviews on the day after the store's last."""
    from promopilot.data.ingest import ingest

    _, last = store.date_range()
    when = (last.normalize() + pd.Timedelta(days=1, hours=12)).strftime("%Y-%m-%dT%H:%M:%S")
    customers = store.query("SELECT customer_id FROM customers")["customer_id"].to_numpy()
    folder = out / f"day{day}"
    folder.mkdir(exist_ok=True)
    (folder / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        f"bench-{day},{when},{customers[0]},P0001,1,10\n"
    )
    texts = ["很好，很满意", "质量太差了", "物流很快，好评", "一般般吧", "不推荐"]
    rows = [
        (rng.choice(customers), "P0001", texts[i % 5], 5 if i % 5 in (0, 2) else 1, when)
        for i in range(50)
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "text", "rating", "t"])
    frame["t"] = pd.Timestamp(when) + pd.to_timedelta(np.arange(50), unit="s")
    frame.rename(columns={"t": "timestamp"}).to_csv(folder / "reviews.csv", index=False)
    ingest(store, folder)


def run(demo: Path, out: Path, n_reviews: int, days: int) -> None:
    from promopilot.data.store import Store
    from promopilot.profile.features import build_features
    from promopilot.serve.quality import keep_model_quality, uplift_quality

    out.mkdir(parents=True, exist_ok=True)
    path = prepared(demo, out, n_reviews)
    rng = np.random.default_rng(1)
    results = []
    for day in range(days + 1):
        with Store(path) as store:
            if day:
                new_day(store, out, day, rng)
            as_of = store.default_as_of()
            start = time.perf_counter()
            for back in (0, 30, 60, 90, 180, 360):
                build_features(store, as_of=store.shop_days(as_of, -back))
            profile_s = time.perf_counter() - start
            features = build_features(store)  # the plan's
            start = time.perf_counter()
            keep_model_quality(store)
            page_s = time.perf_counter() - start
            page = uplift_quality(store)
            kept = store.query(
                "SELECT count(*) AS n, coalesce(sum(length(value)), 0) AS bytes FROM computed "
                "WHERE name = 'review_sentiment'"
            ).iloc[0]
            n = store.scalar("SELECT count(*) FROM reviews")
            store.execute("CHECKPOINT")
        size = path.stat().st_size
        print(
            f"day {day}: {n:,} reviews; profile's features {profile_s:.1f} s, models page "
            f"{page_s:.1f} s; {int(kept['n'])} sets kept, {int(kept['bytes']) / 1e6:.2f} MB; "
            f"store {size / 1e6:.1f} MB",
            flush=True,
        )
        results.append({"features": features, "page": page, "sets": int(kept["n"])})
    with open(out / "results.pkl", "wb") as handle:
        pickle.dump(results, handle)


def compare(one: Path, two: Path) -> None:
    a, b = (pickle.loads((p / "results.pkl").read_bytes()) for p in (one, two))
    for day, (x, y) in enumerate(zip(a, b, strict=True)):
        pd.testing.assert_frame_equal(x["features"], y["features"], check_exact=True)
        if isinstance(x["page"], pd.DataFrame):
            pd.testing.assert_frame_equal(x["page"], y["page"], check_exact=True)
        else:
            assert x["page"] == y["page"]
        print(f"day {day}: the same features and models page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=Path("demo-out/promopilot.duckdb"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--reviews", type=int, default=5_000)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    else:
        run(args.demo, args.out, args.reviews, args.days)


if __name__ == "__main__":
    main()

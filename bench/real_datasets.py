"""Ingest public datasets with their importers and say what was kept and why the rest was not.

    .venv/bin/python bench/real_datasets.py             # ../shared/data, or $PROMOPILOT_SHARED_DATA
    .venv/bin/python bench/real_datasets.py --data DIR

Datasets (each into its own temporary store):

- UCI Online Retail, one CSV per trading day (``uci-online-retail/by-day``, 305 files), with
  the ``uci`` importer;
- MovieLens 100K (``movielens-100k``: ``u.data`` ratings, ``u.item`` movies), with the
  ``movielens`` importer;
- the CDNOW 1/10 sample (``cdnow-sample/CDNOW_sample.txt``), with the ``cdnow`` importer;
- the Hillstrom e-mail test (``hillstrom-email-2008/hillstrom.csv``), with the ``hillstrom``
  importer (campaign, offers, customers, a past-year summary order, outcome orders).

Every command on these datasets (not only ingest): ``bench/real_commands.py``.

Prints rows read / loaded / new / quarantined / flagged per dataset, then the quarantine
reasons counted. Nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from shared_data import shared_data_root

DATASETS = (
    ("UCI Online Retail (by day)", "uci-online-retail/by-day", "uci"),
    ("MovieLens 100K", "movielens-100k", "movielens"),
    ("CDNOW sample", "cdnow-sample/CDNOW_sample.txt", "cdnow"),
    ("Hillstrom e-mail test", "hillstrom-email-2008/hillstrom.csv", "hillstrom"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=shared_data_root(),
        help="folder holding the datasets (default: ../shared/data)",
    )
    args = parser.parse_args()
    root: Path = args.data
    missing = [rel for _, rel, _ in DATASETS if not (root / rel).exists()]
    if missing:
        sys.exit(
            f"error: {root}: dataset folder(s) not found: {', '.join(missing)} "
            "(pass --data or set PROMOPILOT_SHARED_DATA)"
        )

    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.data.summary import shop_summary

    results = []
    for name, rel, fmt in DATASETS:
        with (
            tempfile.TemporaryDirectory(prefix="promopilot-real-") as tmp,
            Store(Path(tmp) / "store.duckdb") as store,
        ):
            started = time.perf_counter()
            report = ingest(store, root / rel, format=fmt)
            seconds = time.perf_counter() - started
            reasons = store.query(
                'SELECT "table", reason, count(*) AS n FROM quarantine GROUP BY ALL '
                "ORDER BY n DESC, reason"
            )
            tables = ("orders", "events", "products", "customers", "offers", "campaigns")
            stored = {t: store.count(t) for t in tables}
            stored["returns (order lines)"] = int(
                store.scalar("SELECT count(*) FROM orders WHERE is_return")
            )
            stored["postage/fee codes (products with is_product false)"] = int(
                store.scalar("SELECT count(*) FROM products WHERE NOT is_product")
            )
            money = shop_summary(store)
            stored["money"] = money
        results.append((name, fmt, report, seconds, reasons, stored))

    header = (
        "dataset",
        "format",
        "files",
        "read",
        "loaded",
        "new",
        "quarantined",
        "flagged",
        "seconds",
    )
    rows = [
        (
            name,
            fmt,
            f"{len(r.files):,}",
            f"{r.n_read:,}",
            f"{r.n_loaded:,}",
            f"{r.n_new:,}",
            f"{r.n_quarantined:,}",
            f"{r.n_flagged:,}",
            f"{s:.1f}",
        )
        for name, fmt, r, s, _, _ in results
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(
        "  ".join(
            h.ljust(w) if i < 2 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for row in rows:
        print(
            "  ".join(
                v.ljust(w) if i < 2 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for name, _, report, _, reasons, stored in results:
        money = stored.pop("money")
        print(f"\n{name}: stored " + ", ".join(f"{n:,} {t}" for t, n in stored.items() if n))
        if money.n_order_lines:
            print(
                f"  revenue: gross {money.gross_revenue:,.2f} - returns {money.returns:,.2f} = "
                f"net {money.revenue:,.2f}, of which products {money.product_revenue:,.2f} and "
                f"postage/fees/adjustments {money.non_product_revenue:,.2f}"
            )
        print(f"  loaded but already stored (exact repeats): {report.n_loaded - report.n_new:,}")
        if reasons.empty:
            print("  quarantined: none")
            continue
        print("  quarantined, by reason:")
        for row in reasons.itertuples():
            print(f"  {row.n:>9,}  {row.table}: {row.reason}")


if __name__ == "__main__":
    main()

"""`promopilot demo`: the whole loop on a synthetic shop, with a summary and a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from promopilot.cli.common import console, ingest_table, ingest_with_progress
from promopilot.cli.data import summary_table


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        out: Annotated[Path, typer.Option("--out", help="Folder for the shop, store and report.")
                       ] = Path("demo-out"),
        customers: Annotated[int, typer.Option("--customers", min=100)] = 5000,
        seed: Annotated[int, typer.Option("--seed")] = 0,
    ) -> None:
        """Generate a shop, ingest it, profile customers, plan a campaign and write a report."""
        from promopilot.data.store import Store
        from promopilot.data.summary import shop_summary
        from promopilot.data.synth import make_shop
        from promopilot.report import Section, write_report

        out.mkdir(parents=True, exist_ok=True)
        shop_dir = out / "shop"
        db_path = out / "promopilot.duckdb"
        for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        console.rule("1. a synthetic shop")
        with console.status(f"generating {customers:,} customers"):
            make_shop(customers, seed).write(shop_dir)
        console.print(f"shop folder: {shop_dir} (hidden truth in {shop_dir / '_truth'})")

        console.rule("2. ingest into the store")
        sections: list[Section] = []
        with Store(db_path) as store:
            report = ingest_with_progress(store, shop_dir)
            console.print(ingest_table(report))
            summary = shop_summary(store)
            for table in summary_table(summary):
                console.print(table)
            sections.append(Section(
                "The shop",
                text=(f"{summary.n_customers:,} customers, {summary.n_orders:,} orders, revenue "
                      f"{summary.revenue:,.2f} from {summary.first:%Y-%m-%d} to "
                      f"{summary.last:%Y-%m-%d}."),
                tables=[("Top categories by revenue", summary.top_categories)],
            ))
            for step in DEMO_STEPS:
                sections.extend(step(store, out))
        path = write_report(out / "report.html", "promopilot demo report", sections)
        console.rule("done")
        console.print(f"report: {path}")


# Later stages of the loop append themselves here: each takes (store, out) and returns
# report sections, printing its own summary.
DEMO_STEPS: list = []

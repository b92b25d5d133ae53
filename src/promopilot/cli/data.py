"""Commands that bring shop data in and look at it: ingest, synth, summary, forget."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from promopilot.cli.common import (
    DataOption,
    DbOption,
    console,
    ingest_table,
    ingest_with_progress,
    open_store,
)
from promopilot.cli.examples import example
from promopilot.data.words import counted
from promopilot.exceptions import InputError

if TYPE_CHECKING:  # pandas and DuckDB load when a command runs, not for --help
    from promopilot.data.summary import ShopSummary

app = typer.Typer()


def summary_table(summary: ShopSummary) -> tuple[Table, Table | str]:
    # money as every table writes it (never -0.00), with the shop's currency where known
    from promopilot.data.currency import money, money_label

    cur = summary.currency

    overview = Table(title="shop summary", show_header=False)
    overview.add_column("what")
    overview.add_column("value", justify="right")
    span = (
        f"{summary.first:%Y-%m-%d} .. {summary.last:%Y-%m-%d}"
        if summary.first is not None
        else "no dated rows"
    )
    for what, value in (
        ("customers", f"{summary.n_customers:,}"),
        (
            "products",
            f"{summary.n_products:,}"
            + (
                f" (and {counted(summary.n_non_products, 'code')} for postage, fees, ...)"
                if summary.n_non_products
                else ""
            ),
        ),
        ("orders", f"{summary.n_orders:,} ({summary.n_order_lines:,} lines)"),
        ("gross sales (net of discounts)", money(summary.gross_revenue, cur)),
        (f"returns ({summary.n_return_lines:,} lines)", money(-summary.returns, cur)),
        ("revenue (net of returns)", money(summary.revenue, cur)),
        ("  of it products", money(summary.product_revenue, cur)),
        (
            "  of it non-product lines (postage, fees, ...)",
            money(summary.non_product_revenue, cur),
        ),
        ("events", f"{summary.n_events:,}"),
        ("reviews", f"{summary.n_reviews:,}"),
        ("past campaign exposures", f"{summary.n_campaign_rows:,}"),
        ("date range", span),
    ):
        overview.add_row(what, value)
    if summary.top_categories.empty:  # an empty table of headers said nothing (MovieLens)
        return overview, "top categories by net product revenue: none, the shop has no orders"
    cats = Table(title="top categories by net product revenue")
    for col in ("category", money_label("revenue", summary.currency), "share", "orders"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for row in summary.top_categories.itertuples():
        cats.add_row(str(row.category), money(row.revenue), f"{row.share:.1%}", f"{row.n_orders:,}")
    return overview, cats


def register(parent: typer.Typer) -> None:
    """Attach this module's commands to the ``promopilot`` app (kept until ``cli/__init__.py``
    adds ``app`` itself): an unnamed sub-app's commands become the parent's own."""
    parent.add_typer(app)


@app.command(epilog=example("ingest"))
def ingest(
    path: Annotated[Path, typer.Argument(help="A shop folder, one shop file, or an export.")],
    format: Annotated[
        str,
        typer.Option("--format", help="auto, shop, uci, shopify, movielens, cdnow or hillstrom."),
    ] = "auto",
    db: DbOption = None,
    show_reasons: Annotated[int, typer.Option(help="How many quarantine reasons to list.")] = 8,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            help="strptime format of dates that are not ISO 8601, e.g. '%m/%d/%Y %H:%M' "
            "(month-first) or '%d/%m/%Y %H:%M' (day-first); used for every timestamp column, "
            "rows it does not read are quarantined. Default: detected; the `date_format` "
            "setting when ambiguous.",
        ),
    ] = None,
    rating_scale: Annotated[
        str | None,
        typer.Option(
            "--rating-scale",
            help="The scale of the reviews' ratings as LOWEST-HIGHEST, e.g. 1-10 or 0-100; "
            "stored as 1-5 stars. Default: the [reviews] rating_scale setting, else 1-5.",
        ),
    ] = None,
) -> None:
    """Load shop data into the store.

    Bad rows are quarantined with their reason, good rows kept; re-ingesting adds nothing.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    from promopilot.data.loading import FileRefused
    from promopilot.data.money_signs import ingest_note
    from promopilot.data.ratings import parse_scale

    scale = None if rating_scale is None else parse_scale(rating_scale, "--rating-scale")

    with open_store(db, None, must_exist=False) as store:
        if date_format:
            store.date_format = date_format  # ingest() reads it from the store
        store.rating_scale = scale  # staging reads it from the store
        try:
            report = ingest_with_progress(store, path, format)
        except FileRefused as refused:  # the other files of the folder were loaded: show them
            if refused.report is not None:
                console.print(ingest_table(refused.report))
            raise
        console.print(ingest_table(report))
        reasons: Counter[str] = Counter()
        for f in report.files:
            reasons.update(f.reasons)
            for note in f.notes:
                console.print(f"[dim]{Path(f.file).name}: {note}[/dim]")
        signs = ingest_note(store)  # $ in one file, € in another: messages show neither
        if signs:
            console.print(signs, markup=False)
        if reasons:
            console.print("quarantined rows by reason (see table `quarantine` in the store):")
            for reason, n in reasons.most_common(show_reasons):
                console.print(f"  {n:>9,}  {reason}")
        if report.n_flagged:
            console.print(
                f"{counted(report.n_flagged, 'row')} kept but flagged: they reference "
                "customers or products the shop's tables do not list "
                "(table `flags`)."
            )
        console.print(f"store: {store.path}")


@app.command(
    epilog=example("synth"), short_help="Write a synthetic shop folder, hidden truth in _truth/."
)
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the shop into.")],
    customers: Annotated[
        int, typer.Option("--customers", min=10, help="How many customers.")
    ] = 5000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed, the same shop.")
    ] = 0,
    browse_scale: Annotated[float, typer.Option(help="More or less browsing.")] = 1.0,
) -> None:
    """Write a realistic synthetic shop folder, with its hidden truth in _truth/."""
    from promopilot.synth.shop import make_shop

    with console.status("generating the shop"):
        shop = make_shop(customers, seed, browse_scale=browse_scale)
        shop.write(out)
    sizes = ", ".join(f"{len(v):,} {k}" for k, v in shop.tables.items())
    console.print(f"wrote {out}: {sizes}; hidden truth in {out / '_truth'}")


@app.command(
    epilog=example("summary"), short_help="Customers, orders, revenue, dates and top categories."
)
def summary(db: DbOption = None, data: DataOption = None) -> None:
    """Customers, orders, revenue, date range and top categories."""
    from promopilot.data.summary import shop_summary

    with open_store(db, data) as store:
        for table in summary_table(shop_summary(store)):
            console.print(table)


@app.command(
    epilog=example("forget"), short_help="Erase a customer: data, contact details, quarantine."
)
def forget(
    customer_id: Annotated[str, typer.Argument(help="The customer to erase.")],
    db: DbOption = None,
) -> None:
    """Erase a customer everywhere (data, contact details, quarantine).

    The store file is rewritten so that no byte of their data is left in it; later ingests
    skip them."""
    from promopilot.data import phone_text
    from promopilot.data.erase import forget_for_good
    from promopilot.exceptions import AlreadyForgottenError

    with open_store(db, None) as store:
        try:
            removed = forget_for_good(store, customer_id)
        except AlreadyForgottenError as done:  # a repeated request: nothing left to erase
            console.print(str(done))
            return
    total = sum(removed.values())
    # an e-mail address or phone number masked, as written or as a phone column reads it
    named = phone_text.shown_typed(customer_id)
    console.print(
        f"forgot {'the customer' if named is None else 'customer ' + named}: "
        f"{counted(total, 'row')} "
        "removed "
        f"({', '.join(f'{k} {v}' for k, v in removed.items() if v)}); the store file was "
        "rewritten, so no deleted bytes of theirs remain in it. Files written from the store "
        "before (plans, recommendations, profiles, sent messages, backups) still hold their id: "
        "delete or rewrite them"
    )

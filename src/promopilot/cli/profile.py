"""`promopilot profile`: one row per customer, and the segment table."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from promopilot.cli.common import (
    DataOption,
    DbOption,
    TableOrLines,
    console,
    open_store,
    progress_bar,
)
from promopilot.cli.examples import example
from promopilot.data.shares import whole_percent
from promopilot.data.textfile import EXCEL_CSV
from promopilot.report import formats

app = typer.Typer()


def segment_table(segments) -> TableOrLines:
    """One row per segment. Each figure's column is as wide as its longest header word or
    value, its header wrapped at words, so the segment's name keeps the rest of the width: at
    100 columns Rich shared it by the headers' lengths and cut names and headers mid-word
    ('full-pri…', 'sensitivi…'). Where the figures leave no room for the names' words (80
    columns: 'brows…', 'barga… hunte…'), each segment is its name and a line of its figures."""
    headers = (
        "customers",
        "share",
        "median recency (days)",
        "mean orders",
        "mean spend",
        "mean churn risk",
        "mean discount sensitivity",
        "mean 12-month CLV",
    )
    rows = [
        (
            row.segment,
            f"{row.customers:,}",
            whole_percent(row.share),  # a segment of 0.4% of the customers: not 0%
            f"{row.recency_days:,.0f}",
            f"{row.frequency:.1f}",
            f"{row.monetary:,.0f}",
            f"{row.churn_risk:.0%}" if row.churn_risk == row.churn_risk else formats.MISSING,
            f"{row.discount_sensitivity:.2f}",
            formats.number(row.clv_12m, 0),
        )
        for row in segments.itertuples()
    ]
    table = Table(title="customer segments")
    table.add_column("segment", justify="left")
    for i, header in enumerate(headers, start=1):
        width = max([*(len(w) for w in header.split()), *(len(r[i]) for r in rows)])
        table.add_column(header, justify="right", max_width=width)
    for row in rows:
        table.add_row(*row)

    def lines() -> list[str]:
        # the figures after the recency are means: said once, before them
        words = ("", "", "median recency {} days", "means: {} orders", "spend {}")
        words += ("churn risk {}", "discount sensitivity {}", "12-month CLV {}")
        return [
            line
            for name, customers, share, *figures in rows
            for line in (
                name,
                "  "
                + ", ".join(
                    [f"{customers} customers ({share})"]
                    + [w.format(f) for w, f in zip(words[2:], figures, strict=True)]
                ),
            )
        ]

    return TableOrLines(table, lines)


def choice_table(choices: dict) -> TableOrLines:
    """Each model column against its one-column baseline on the shop's own time split; a line
    each where the column names do not fit (80 columns: 'purchase_pro…', 'days_since_l…')."""
    table = Table(title="models vs one-column baselines (validation window)")
    for name in ("column", "metric", "model", "baseline column", "baseline", "used"):
        table.add_column(name, justify="right" if name in ("model", "baseline") else "left")
    for c in choices.values():
        used = "baseline (tie)" if c.tie else c.winner
        table.add_row(
            c.column, c.metric, f"{c.model_score:.3f}", c.baseline, f"{c.baseline_score:.3f}", used
        )

    def lines() -> list[str]:
        return [
            f"{c.column}: {c.metric} model {c.model_score:.3f}, baseline {c.baseline} "
            f"{c.baseline_score:.3f}; used: {'baseline (tie)' if c.tie else c.winner}"
            for c in choices.values()
        ]

    return TableOrLines(table, lines)


def evaluation_tables(evaluation: dict) -> list:
    out = []
    for name, result in evaluation.items():
        if result is None:
            out.append(f"{name}: not enough history to validate")
            continue
        table = Table(
            title=f"{name} model, validated on the latest window "
            f"(trained one window earlier): AUC {result.auc:.3f}, Brier "
            f"{result.brier:.3f}, base rate {result.base_rate:.1%}, "
            f"n={result.n:,}"
        )
        for col in ("decile", "mean predicted", "observed", "customers"):
            table.add_column(col, justify="right")
        for row in result.calibration.itertuples():
            table.add_row(
                str(row.decile), f"{row.mean_predicted:.3f}", f"{row.observed:.3f}", f"{row.n:,}"
            )
        out.append(table)
    return out


@app.command(
    epilog=example("profile"), short_help="Segments, CLV, churn, propensity, discount sensitivity."
)
def profile(
    out: Annotated[Path, typer.Option("--out", help="CSV with one row per customer.")] = Path(
        "customers.csv"
    ),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date (YYYY-MM-DD: the shop's midnight, in the timezone setting); default: "
            "the shop's day after the last order or event.",
        ),
    ] = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Print AUC and calibration of the churn and propensity models, and each "
            "model against its one-column baseline.",
        ),
    ] = False,
    db: DbOption = None,
    data: DataOption = None,
) -> None:
    """Segments, CLV, churn risk, propensity and discount sensitivity per customer.

    Propensity is the chance of an order in the next 30 days (purchase_propensity_30d).
    """
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.profile.build import build_profile

    with open_store(db, data) as store, progress_bar() as bar:
        task = bar.add_task("profiling", total=7, item="")
        result = build_profile(
            store,
            as_of=as_of,
            evaluate=evaluate,
            progress=lambda s: bar.update(task, advance=1, item=s),
        )
        as_of_text = store.local_text(result.as_of)  # stored in UTC, shown in the shop's zone
        currency = shop_currency(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    # the currency of its money (monetary, clv_12m, ...) in a column, where it is known
    customers = with_currency_column(result.customers, currency)
    customers.to_csv(out, index=False, encoding=EXCEL_CSV)
    models_path = out.with_name(out.stem + ".models.json")
    models_path.write_text(
        json.dumps({column: asdict(choice) for column, choice in result.choices.items()}, indent=2),
        encoding="utf-8",
    )
    console.print(segment_table(result.segments))
    for row in result.segments.itertuples():
        console.print(f"[bold]{row.segment}[/bold]: {row.description}")
    rfm = result.customers["rfm_segment"].value_counts()
    console.print("RFM segments: " + ", ".join(f"{k} {v:,}" for k, v in rfm.items()))
    if evaluate:
        for item in evaluation_tables(result.evaluation):
            console.print(item)
        console.print(choice_table(result.choices))
    for line in note_lines(result.notes, out):
        console.print(line, markup=False, highlight=False)
    console.print(
        f"profile of {len(result.customers):,} customers as of "
        f"{as_of_text} written to {out}; model vs baseline choices in {models_path}"
    )


def note_lines(notes: list[str], out: Path) -> list[str]:
    """The profile's notes under one line saying how to read them: 'purchase_propensity_30d:
    model AUC 0.619 vs baseline (days_since_last_event) 0.678: baseline wins' and
    'sale_order_lift: no sale periods in the orders: 1 (...)' (the UCI sample) told an owner
    neither what a baseline is nor what the 1 is."""
    if not notes:
        return []
    legend = (
        f"notes on the columns of {out}: a model column was checked on the latest window "
        "against one simple column (its baseline) and holds whichever predicted better; a "
        "column the shop's data cannot inform holds the neutral value named"
    )
    return [legend, *(f"note: {note}" for note in notes)]


def register(parent: typer.Typer) -> None:
    """Attach this module's commands to the ``promopilot`` app (an unnamed sub-app: its
    commands become the parent's own)."""
    parent.add_typer(app)

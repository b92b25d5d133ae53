"""`promopilot recommend` (top-k products for every customer) and `promopilot similar`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from promopilot.cli.common import DataOption, DbOption, console, open_store, progress_bar
from promopilot.cli.examples import example
from promopilot.data.textfile import EXCEL_CSV
from promopilot.report import formats

app = typer.Typer()

PUBLISHED = (  # Microsoft Recommenders, MovieLens 100k benchmark table (k=10)
    ("BiVAE (published)", 0.146, 0.475, 0.412, 0.219),
    ("BPR (published)", 0.132, 0.442, 0.388, 0.213),
    ("SAR (published)", 0.111, 0.382, 0.331, 0.176),
)


def benchmark_table(bench, title: str) -> Table:
    """Our models next to the published figures."""
    table = Table(title=title)
    for col in ("model", "MAP", "nDCG@10", "Precision@10", "Recall@10", "coverage", "params"):
        table.add_column(col, justify="left" if col in ("model", "params") else "right")
    names = {"nDCG@k": "ndcg", "Precision@k": "precision", "Recall@k": "recall"}
    for row in bench.rename(columns=names).itertuples():
        if row.MAP != row.MAP:  # a model that could not be fitted
            table.add_row(row.model, "", "", "", "", "", str(row.params))
            continue
        table.add_row(
            row.model,
            f"{row.MAP:.3f}",
            f"{row.ndcg:.3f}",
            f"{row.precision:.3f}",
            f"{row.recall:.3f}",
            f"{row.coverage:.3f}",
            str(row.params),
        )
    for name, *values in PUBLISHED:
        table.add_row(name, *(f"{v:.3f}" for v in values), "", "", style="dim")
    return table


@app.command(epilog=example("recommend"))
def recommend(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="CSV: customer_id, rank, product_id, score (rank 1 = best), every customer.",
        ),
    ] = Path("recs.csv"),
    k: Annotated[int, typer.Option("--k", min=1, help="Products per customer.")] = 10,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="auto (chosen by temporal validation on this shop's data), popularity, "
            "itemknn, userknn, rp3beta, session, ease, visitease, als, bpr, content, hybrid, "
            "or with the [deep] extra sasrec or lightgcn.",
        ),
    ] = "auto",
    per_category: Annotated[
        int | None,
        typer.Option(
            "--per-category", min=1, help="At most this many products of one category per customer."
        ),
    ] = None,
    margin_boost: Annotated[
        float,
        typer.Option(
            "--margin-boost",
            min=0.0,
            help="Favour high-margin products: score x (1 + boost x margin share).",
        ),
    ] = 0.0,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Also run the Microsoft "
            "Recommenders protocol (random 75/25 per product, seed 42) and print "
            "MAP, nDCG, precision and recall at k for every model.",
        ),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the models.")] = 0,
    db: DbOption = None,
    data: DataOption = None,
) -> None:
    """Recommend products to every customer.

    Already-bought products only in repeat categories, out-of-stock products never.
    """
    from promopilot.recommend.shop import recommend_shop

    with open_store(db, data) as store, progress_bar() as bar:
        task = bar.add_task("recommending", total=None, item="")
        result = recommend_shop(
            store,
            k=k,
            model=model,
            max_per_category=per_category,
            margin_boost=margin_boost,
            evaluate=evaluate,
            random_state=seed,
            progress=lambda s: bar.update(task, item=s),
        )
    if result.benchmark is not None:
        console.print(
            benchmark_table(
                result.benchmark,
                f"Microsoft Recommenders protocol (75/25 per product, seed 42, k={k})",
            )
        )
    if result.choice is not None:
        if len(result.choice.table):
            for item in choice_renderables(result.choice, k):
                console.print(item)
        console.print(f"model: {result.model}: {result.choice.reason}")
    else:
        console.print(f"model: {result.model} (as asked)")
    if result.repeat_categories:
        console.print(
            "repeat categories (bought products may come back): "
            + ", ".join(sorted(result.repeat_categories))
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    result.recs.to_csv(out, index=False, encoding=EXCEL_CSV)
    n = result.recs["customer_id"].nunique()
    console.print(f"{len(result.recs):,} recommendations for {n:,} customers written to {out}")


@app.command(epilog=example("similar"))
def similar(
    product_id: Annotated[str, typer.Argument(help="The product to find look-alikes of.")],
    k: Annotated[int, typer.Option("--k", min=1, help="How many products to show.")] = 10,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="itemknn, ease, als, rp3beta or "
            "content (products without history always use content).",
        ),
    ] = "itemknn",
    db: DbOption = None,
    data: DataOption = None,
) -> None:
    """Products most like PRODUCT_ID, with their titles."""
    from promopilot.recommend.shop import similar_products

    with open_store(db, data) as store:
        out = similar_products(store, product_id, k=k, model=model)
    used = out["model"].iat[0] if len(out) else model
    table = Table(title=f"like {product_id} {out.attrs.get('title') or ''} ({used})")
    # a shop without categories (UCI) showed a category column empty on every row: it is
    # left out; a product without a title or category among others is "–", as frame_table
    texts = {col: [_text(v) for v in out[col]] for col in ("title", "category")}
    shown = [c for c in ("title", "category") if any(v != formats.MISSING for v in texts[c])]
    for col in ("rank", "product", *shown, "score"):
        table.add_column(col, justify="right" if col in ("rank", "score") else "left")
    for i, row in enumerate(out.itertuples()):
        cells = [texts[col][i] for col in shown]
        table.add_row(str(row.rank), row.similar_product_id, *cells, f"{row.score:.3f}")
    console.print(table)


def _text(value) -> str:
    """A title or category cell: the text, or "–" where the product has none."""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return formats.MISSING
    return str(value)


def choice_renderables(choice, k: int) -> list:
    """The validation behind `auto`'s choice: each model's scores at the `k` asked for, a
    caption saying what they measure, and why a model has none (the UCI sample's hybrid was a
    row of dashes without a word)."""
    columns = ["model", "nDCG@k", "Recall@k", "coverage"]
    table = Table(title="model choice: each customer's latest interaction held out")
    # below the table, not its caption: a caption wraps to the table's width
    meaning = (
        f"nDCG@{k}: how high the product each customer took next ranks among the {k} "
        f"recommended (1: first every time); Recall@{k}: share of customers it is among "
        "them; coverage: share of the products recommended to anyone"
    )
    for col in columns:
        table.add_column(col.replace("@k", f"@{k}"), justify="left" if col == "model" else "right")
    shown = choice.table.reindex(columns=columns)
    for name, *values in shown.itertuples(index=False):
        table.add_row(name, *(formats.score(v) for v in values))
    notes = choice.table.reindex(columns=["model", "note"]).fillna("")
    why = [f"{m}: not scored: {n}" for m, n in notes.itertuples(index=False) if n]
    return [table, meaning, *why]

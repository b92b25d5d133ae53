"""Commands on review text: sentiment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from promopilot.cli.examples import example
from promopilot.data.words import counted

app = typer.Typer()


@app.command(
    "sentiment",
    epilog=example("sentiment"),
    short_help="Score reviews in [-1, 1] with a label; Chinese, English.",
)
def sentiment(
    in_path: Annotated[
        Path,
        typer.Option(
            "--in",
            help="CSV or TSV (UTF-8 or GBK), or .xlsx, with a review text column (text, "
            "review, comment, content, 评论, 内容 and others, or the one named by "
            "--text-column).",
        ),
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV (UTF-8).")],
    min_rated: Annotated[
        int,
        typer.Option(
            "--min-rated", help="Rated reviews (1-2 or 4-5 stars) needed to train on them."
        ),
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the trained model.")] = 0,
    text_column: Annotated[
        str | None,
        typer.Option("--text-column", help="Name of the review text column (default: found)."),
    ] = None,
    rating_scale: Annotated[
        str | None,
        typer.Option(
            "--rating-scale",
            help="The rating column's scale, LOWEST-HIGHEST (default 1-5 stars), e.g. 1-10 or "
            "0-100: its top quarter trains as positive, its bottom quarter as negative.",
        ),
    ] = None,
) -> None:
    """Score review sentiment in [-1, 1] (Chinese and English) and add a label.

    Learns from the shop's own star ratings when a 'rating' column has enough rated rows.

    Otherwise it uses the built-in lexicon.
    """
    from promopilot.text.labels import parse_rating_scale, scale_text, scale_thresholds
    from promopilot.text.sentiment import score_csv

    scale = None if rating_scale is None else parse_rating_scale(rating_scale)
    run = score_csv(
        in_path,
        out_path,
        min_rated=min_rated,
        random_state=seed,
        text_column=text_column,
        rating_range=scale,
    )
    console = Console(highlight=False)
    if scale is not None and run.rating_column is not None:
        positive, negative = scale_thresholds(scale)
        console.print(
            f"ratings in {run.rating_column!r} on the scale {scale_text(scale)}: {positive:g} "
            f"and above are positive, {negative:g} and below negative (to train on)",
            markup=False,
        )
    for note in run.notes:
        console.print(f"{Path(in_path).name}: {note}", markup=False)
    if run.method == "lexicon":
        why = (
            "no column of ratings to train on"
            if run.rating_column is None
            else f"only {counted(run.n_rated, 'rated review')}, fewer than --min-rated "
            f"{min_rated:,}"
            if run.n_rated < min_rated
            else "no language had enough rated reviews of both kinds"
        )
        console.print(f"method: lexicon ({why})", markup=False)
    else:
        console.print(
            f"method: {run.method} (trained on {counted(run.n_trained, 'rated review')}; "
            + ", ".join(f"{k}: {counted(v, 'row')}" for k, v in sorted(run.method_counts.items()))
            + ")",
            markup=False,
        )
    if run.left_out:
        console.print(
            "contact columns left out of the output: " + ", ".join(run.left_out), markup=False
        )
    if run.followup_column is not None:
        console.print(
            f"follow-up reviews in {run.followup_column!r} scored with their reviews "
            "(the review's text, then 【追评】 and the follow-up)",
            markup=False,
        )
    counts = run.label_counts
    if run.label_column != "label":
        console.print(
            f"the input has a 'label' column already: the scores are written as "
            f"{run.label_column} (and predicted_sentiment, predicted_sentiment_method)",
            markup=False,
        )
    console.print(
        f"{counted(run.n_rows, 'row')} of {run.text_column!r}: {counts['positive']:,} positive, "
        f"{counts['neutral']:,} neutral, "
        f"{counts['negative']:,} negative -> {out_path}",
        markup=False,
    )


def register(parent: typer.Typer) -> None:
    """Attach this module's commands to the ``promopilot`` app (an unnamed sub-app: its
    commands become the parent's own)."""
    parent.add_typer(app)

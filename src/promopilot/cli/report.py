"""`promopilot report`, `evaluate-policy` and `retrain`: did a campaign pay, what would a new
policy have earned, and learn again from everything logged."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from promopilot.cli import common
from promopilot.cli.common import DataOption, DbOption, console, open_store
from promopilot.cli.examples import example
from promopilot.cli.lift_tables import print_lifts
from promopilot.data.textfile import EXCEL_CSV
from promopilot.data.words import counted
from promopilot.exceptions import InputError, UnknownIdError

app = typer.Typer(add_completion=False, no_args_is_help=True)

WindowOption = Annotated[
    int | None,
    typer.Option(
        "--window-days",
        min=1,
        help="Attribution window in days. Default: the campaign_window_days setting.",
    ),
]
ConfidenceOption = Annotated[
    float | None,
    typer.Option(
        "--confidence",
        min=0.5,
        max=0.999,
        help="Level of every interval. Default: the confidence setting.",
    ),
]


def resolve_confidence(confidence: float | None) -> float:
    """The interval level: the option when given, else the `confidence` setting."""
    from promopilot.config import load_settings

    return load_settings().confidence if confidence is None else confidence


JsonOption = Annotated[Path | None, typer.Option("--json", help="Also write the result as JSON.")]


@app.command(
    "report",
    epilog=example("report"),
    short_help="Measure a campaign per offer against its control group.",
)
def report(
    campaign_id: Annotated[str, typer.Argument(help="A campaign in the store's campaigns log.")],
    db: DbOption = None,
    data: DataOption = None,
    window_days: WindowOption = None,
    confidence: ConfidenceOption = None,
    json_path: JsonOption = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
) -> None:
    """Measure a logged campaign per offer against its control group.

    Each offer's lift comes with its interval.
    """
    from promopilot.report.campaign import report_campaign

    confidence = resolve_confidence(confidence)
    try:
        with open_store(db, data) as store, console.status(f"measuring campaign {campaign_id}"):
            result = report_campaign(
                store, campaign_id, html, window_days=window_days, confidence=confidence
            )
    except UnknownIdError as error:
        raise InputError(str(error)) from None
    print_lifts(result)
    console.print(result["summary"])
    if json_path is not None:
        write_json(result, json_path)
        console.print(f"json: {json_path}")
    if html is not None:
        console.print(f"report: {html}")


@app.command(
    "evaluate-policy",
    epilog=example("evaluate-policy"),
    short_help="Estimate a candidate assignment on a logged campaign.",
)
def evaluate_policy(
    policy: Annotated[
        Path,
        typer.Argument(
            help="CSV or .xlsx with customer_id, offer_id (empty offer_id = send nothing)."
        ),
    ],
    campaign: Annotated[str, typer.Option("--campaign", help="The logged randomized campaign.")],
    db: DbOption = None,
    data: DataOption = None,
    window_days: WindowOption = None,
    confidence: ConfidenceOption = None,
    json_path: JsonOption = None,
) -> None:
    """Estimate what a candidate assignment would have earned on a logged campaign."""
    from promopilot.campaigns.ope import evaluate_policy as evaluate
    from promopilot.data.currency import money, money_label
    from promopilot.data.money_signs import money_currency

    confidence = resolve_confidence(confidence)
    frame = read_policy(policy)
    try:
        with (
            open_store(db, data) as store,
            console.status("evaluating the policy (IPS, SNIPS, doubly robust)"),
        ):
            result = evaluate(
                store, frame, campaign, window_days=window_days, confidence=confidence
            )
            currency = money_currency(store)
    except UnknownIdError as error:
        raise InputError(str(error)) from None
    table = Table(title=f"incremental profit per customer if {policy.name} had been sent")
    for col in ("estimator", "estimate", "low", "high"):  # money: its currency where known
        name = col if col == "estimator" else money_label(col, currency)
        table.add_column(name, justify="left" if col == "estimator" else "right")
    for name, e in result["estimators"].items():
        table.add_row(
            name + (" (headline)" if name == result["estimator"] else ""),
            # as the plan's self-check writes profit per customer; the JSON keeps every digit
            *(money(e[k], sign=True) for k in ("estimate", "low", "high")),
        )
    console.print(table)
    console.print(
        f"{result['customers']:,} customers of campaign {campaign}; the policy sends "
        f"{result['policy_sends']:,} offers; {result['customers_not_in_policy']:,} "
        "customers it does not name get nothing."
    )
    if json_path is not None:
        write_json(result, json_path)
        console.print(f"json: {json_path}")


def read_policy(path: Path):
    """The policy file (CSV or .xlsx; :func:`promopilot.campaigns.ope.read_policy`)."""
    from promopilot.campaigns.ope import read_policy as read

    return read(path)


def write_json(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(_jsonable(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def demo_measure_step(store, out: Path, *, campaign_id: str = "demo", seed: int = 0) -> list:
    """The demo's last stage: simulate the orders that follow the sent plan on the synthetic
    shop (from its hidden truth), ingest them, measure the campaign and write
    ``campaign-report.html``. Uses the exposures `send` logged for `campaign_id` when there
    are any, else ``plan.csv`` (then logs its rows as the campaign). Returns report sections."""
    import pandas as pd

    from promopilot.campaigns.measure import measure_with_daily
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.data.ingest import ingest
    from promopilot.data.queries.measure import campaign_exposures
    from promopilot.report.campaign import campaign_sections, write_campaign_report
    from promopilot.report.campaign_extras import extra_sections
    from promopilot.synth.outcomes import simulate_plan_outcomes

    console.rule("8. what the campaign earned (simulated outcomes)")
    truth = pd.read_csv(out / "shop" / "_truth" / "customers.csv", dtype={"customer_id": str})
    logged = campaign_exposures(store, campaign_id)
    if len(logged):
        plan, sent_at = logged, pd.Timestamp(logged["sent_at"].min())
    else:
        plan = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
        plan["propensity"] = plan["propensity"].astype(float)
        sent_at = store.default_as_of()
    # the simulated files are the shop's, written in its wall-clock time as ingest reads them
    simulated = simulate_plan_outcomes(
        truth,
        plan,
        store.table("products"),
        campaign_id=campaign_id,
        sent_at=store.local_time(sent_at),
        seed=seed,
    )
    folder = out / "outcomes"
    folder.mkdir(parents=True, exist_ok=True)
    # in the shop's currency where it has one, as its own exports say it (ingest checks it)
    orders = with_currency_column(simulated["orders"], shop_currency(store))
    orders.to_csv(folder / "orders.csv", index=False, encoding="utf-8")
    if not len(logged):
        simulated["campaigns"].to_csv(folder / "campaigns.csv", index=False, encoding="utf-8")
    ingest(store, folder)
    console.print(
        f"simulated {len(simulated['orders']):,} orders after {store.local_text(sent_at)} "
        f"(synthetic truth): {folder}"
    )
    confidence = resolve_confidence(None)
    result, daily = measure_with_daily(store, campaign_id, confidence=confidence)
    print_lifts(result)
    console.print(result["summary"])
    extra = extra_sections(
        store, campaign_id, window_days=None, confidence=confidence, currency=result.get("currency")
    )
    path = write_campaign_report(result, out / "campaign-report.html", daily, extra)
    write_json(result, out / "campaign-report.json")
    console.print(f"campaign report: {path}")
    return [*campaign_sections(result, daily), *extra]


def _evaluate_default_model(data):
    """The planner's default response model scored on held-out customers of every campaign."""
    from promopilot.config import load_settings
    from promopilot.offers.evaluate import evaluate_models
    from promopilot.offers.plan import DEFAULT_MODEL, campaign_candidates

    return evaluate_models(
        data,
        {DEFAULT_MODEL: campaign_candidates(data, 0)[DEFAULT_MODEL]},
        confidence=load_settings().confidence,
    )


@app.command(
    "retrain",
    epilog=example("retrain"),
    short_help="Rebuild features and models from all data and outcomes.",
)
def retrain(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Folder for the rebuilt customer table and the campaign summary."
        ),
    ] = Path("retrain-out"),
    db: DbOption = None,
    data: DataOption = None,
    window_days: WindowOption = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate/--no-evaluate", help="Score the response model on held-out customers."
        ),
    ] = True,
) -> None:
    """Rebuild features and models from all data, campaign outcomes included."""
    from promopilot.campaigns.retrain import retrain as run
    from promopilot.cli.common import progress_bar
    from promopilot.cli.plan import evaluation_table
    from promopilot.cli.profile import segment_table
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.offers.plan import default_feature_fn

    with open_store(db, data) as store, progress_bar() as bar:
        task = bar.add_task("retraining", total=4 if evaluate else 3, item="")
        result = run(
            store,
            default_feature_fn,
            evaluate=_evaluate_default_model if evaluate else None,
            window_days=window_days,
            progress=lambda step: bar.update(task, advance=1, item=step),
        )
        currency = shop_currency(store)  # the files' money (clv_12m, revenue) is in it
    import pandas as pd

    campaigns = result.campaigns.copy()
    if "sent_at" in campaigns:  # stored in UTC; the table and the file in the shop's time zone
        campaigns["sent_at"] = [store.local_time(t) for t in pd.to_datetime(campaigns["sent_at"])]
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("customers", result.profile.customers), ("campaigns", campaigns)):
        frame = with_currency_column(frame, currency)
        frame.to_csv(out / f"{name}.csv", index=False, encoding=EXCEL_CSV)
    console.print(segment_table(result.profile.segments))
    console.print(
        f"{counted(len(result.campaigns), 'logged campaign')}, "
        + (
            f"{result.training.n:,} exposures with their {result.window_days}-day outcomes in "
            "the training data"
            if result.training is not None
            else result.note
        )
    )
    console.print(campaigns_table(campaigns, currency))
    if result.evaluation is not None:
        if result.evaluation.note():
            console.print(result.evaluation.note())
        console.print(evaluation_table(result.evaluation))
    elif evaluate:
        console.print(
            result.unscored
            or "response model not scored: no logged customer got an offer yet (every "
            "exposure is control or nothing)"
        )
    console.print(f"written: {out / 'customers.csv'}, {out / 'campaigns.csv'}")


def campaigns_table(campaigns, currency: str | None = None) -> common.TableOrLines:
    """retrain's logged campaigns, headed in words. Its "control" column (campaigns.csv keeps
    the name) counts every customer who got nothing, the randomized control group and those
    outside the plan alike: the demo's 431 where its report names 126 held out as control."""
    from promopilot.cli.common import frame_table
    from promopilot.data.currency import money_label

    words = {
        "campaign_id": "campaign",
        "sent_at": "sent",
        "customers": "customers",
        "offers": "offers",
        "control": "got nothing",
        "buyers": "buyers",
        "revenue": money_label("revenue", currency),
        "profit": money_label("profit", currency),
    }
    return frame_table(campaigns.rename(columns=words), "logged campaigns")

"""`promopilot plan` and `promopilot uplift`: who gets which offer, and how well the models
rank persuadable customers."""

from __future__ import annotations

import math
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
from promopilot.data.words import counted
from promopilot.report.labels import readable_rules

app = typer.Typer()

# a designed test's rows in an owner's words, not plan.csv's ("none (nothing) 1,500")
NO_OFFER = "no offer"
GROUP_WORDS = {"none": "not in the test"}

# the progress steps build_plan reports with past campaigns: features, campaigns, 4 candidate
# policies x 3 folds and the estimates of the self-check, fitting, economics, assignment,
# products
PLAN_STEPS = 19


def _offer_line(result) -> str:
    """Which offers the plan could send, and where they came from."""
    offers = result.offers
    names = ", ".join(offers["offer_id"].astype(str)) if len(offers) else "none"
    if result.offer_source == "default offer catalogue":
        return (
            f"offers: the default offer catalogue ({names}); the shop lists no offers "
            "(add offers.csv, or change \\[offers] in promopilot.toml)"
        )
    return f"offers: {names} (from {result.offer_source or 'the store'})"


def check_table(check, currency: str | None = None) -> Table:
    """The candidate policies of a plan's self-check, each valued out of fold (money in
    `currency` where it is known)."""
    from promopilot.data.currency import money, money_label

    # no critical value ("z = 2.15") nor "90.0%": the owner reads what the interval covers
    level = f"{check.confidence * 100:g}%"
    table = Table(
        title=f"policies, each tried on {check.customers:,} past campaign exposures it was not "
        "fitted on: profit per customer, "
        + (
            f"{level} intervals that hold for all {len(check.candidates)} together"
            if len(check.candidates) > 1 and math.isfinite(check.z)
            else f"its {level} interval"
        )
    )
    # how many of the held-out past exposures each policy would offer something: no offer
    # was sent (the column read "offers sent"), and "everyone" offers only as many as the
    # budget's share allows, never the control slice ("everyone ... 1,512" of 3,880)
    offered = f"would offer (of {check.customers:,})"
    for col in ("policy", "estimate", "low", "high", offered):
        name = money_label(col, currency) if col in ("estimate", "low", "high") else col
        table.add_column(name, justify="left" if col == "policy" else "right")
    for row in check.candidates.itertuples():
        chosen = row.policy == check.policy
        share = row.sends / check.customers if check.customers else 0.0
        table.add_row(
            row.policy + (" (chosen)" if chosen else ""),
            money(row.estimate, sign=True),
            money(row.low, sign=True),
            money(row.high, sign=True),
            f"{row.sends:,} ({whole_percent(share)})",  # 3 of 3,880: 0.1%, not 0%
            style="bold" if chosen else None,
        )
    table.caption = (
        f"would offer: of the {check.customers:,} past exposures, how many the policy (fitted "
        "without them) would send an offer, with the plan's budget per customer, control and "
        "exploration slices; nothing was sent. everyone: each offer's average effect, the same "
        "for every customer; where it pays, an offer to as many as the budget allows, never the "
        "control."
    )
    return table


def plan_tables(result, currency: str | None = None) -> list:
    """Rich renderables summarizing a plan (a ``promopilot.offers.plan.PlanResult``); its
    date in the shop's time zone, money in `currency` where it is known."""
    import pandas as pd

    from promopilot.data.currency import money, money_label
    from promopilot.data.store import local_text

    def column(name: str) -> str:  # a column of money: its currency in the header
        return money_label(name, currency)

    t = result.totals
    old = [result.old_data_note] if result.old_data_note else []
    source = "\n".join([*old, _offer_line(result), *result.warnings])
    check = result.self_check
    if check is not None and len(check.candidates):
        source = [source, check_table(check, currency)]
    else:
        source = [source]
    if result.design:
        # a test proposed, not sent: its arms as --run-test would send them (the plan written
        # sends nothing: one row 'none 1,500' under "the test holds 590 of 1,500 customers")
        proposed = result.test_proposed and result.proposed_test is not None
        plan = result.proposed_test if proposed else result.plan
        arm = plan["offer_id"].where(plan["offer_id"] != "", NO_OFFER)
        counts = (
            pd.DataFrame({"group": plan["group"], "arm": arm, "cost": plan["expected_cost"]})
            .groupby(["group", "arm"], sort=True)
            .agg(customers=("cost", "size"), cost=("cost", "sum"))
        )
        table = Table(
            title=f"{'proposed test' if proposed else 'designed test'} {result.campaign_id}"
            + (" (not sent)" if proposed else "")
        )
        for col in ("group", "arm", "customers", column("expected cost")):
            table.add_column(col, justify="left" if col in ("group", "arm") else "right")
        for (group, name), row in counts.iterrows():
            table.add_row(
                GROUP_WORDS.get(group, group), name, f"{int(row.customers):,}", money(row.cost)
            )
        send = ["Send this test with --run-test."] if result.test_proposed else []
        return [*source, result.design, table, *send]
    out = list(source)
    per = Table(
        title=f"plan {result.campaign_id} (as of {local_text(result.as_of, result.timezone)})"
    )
    for col in ("offer", "group", "customers", column("expected profit"), column("expected cost")):
        per.add_column(col, justify="left" if col in ("offer", "group") else "right")
    for row in result.per_offer.itertuples():
        per.add_row(
            row.offer_id,
            row.group,
            f"{row.customers:,}",
            money(row.expected_profit),
            money(row.expected_cost),
        )
    out.append(per)

    def span(bounds) -> str:  # " (interval low .. high)", "" without one
        if not bounds:
            return ""
        return f" (interval {money(bounds[0], currency)} .. {money(bounds[1], currency)})"

    lines = [
        f"model: {result.model_name}",
        f"targeted: {t['n_target']:,} of {t['n_considered']:,} customers; control group "
        f"{t['n_control']:,} (randomized holdout, gets nothing); exploration {t['n_explore']:,}",
        f"expected incremental profit {money(t['expected_profit'], currency)}"
        + span(t.get("profit_interval")),
        f"expected discount cost {money(t['expected_cost'], currency)} of budget "
        f"{money(result.budget, currency)}" + span(t.get("cost_interval")),
    ]
    if check is not None:
        n = t["n_considered"]
        est, low, high = check.scaled(n)
        lines.insert(
            1,
            f"forecast (out of fold on {check.customers:,} past campaign exposures, doubly "
            f"robust): incremental profit {money(est, currency)}{span((low, high))} for {n:,} "
            "customers",
        )
        lines[3] = lines[3].replace("expected incremental profit", "in-sample model sum")
    if result.recent is not None:
        lines.append(result.recent.line())
    if result.self_check_note:
        lines.insert(0, result.self_check_note)
    out.append("\n".join(lines))
    alt = Table(title="what blanket alternatives would be expected to earn (same model)")
    for col in ("alternative", "customers", column("expected profit"), column("expected cost")):
        alt.add_column(col, justify="left" if col == "alternative" else "right")
    alt.add_row(
        "this plan",
        f"{t['n_target'] + t['n_explore']:,}",
        money(t["expected_profit"]),
        money(t["expected_cost"]),
        style="bold",
    )
    for row in result.alternatives.itertuples():
        alt.add_row(
            row.alternative,
            f"{row.customers:,}",
            money(row.expected_profit),
            money(row.expected_cost),
        )
    out += [alt, readable_rules(result.rules)]
    return out


def evaluation_table(evaluation) -> TableOrLines:
    """A ``promopilot.offers.evaluate.UpliftEvaluation`` as a table: one row per model and
    offer, each score with its bootstrap interval, written as the Qini page writes them
    (:func:`promopilot.report.qini.score_cells`)."""
    from promopilot.report.formats import POINTS, POINTS_WORDS
    from promopilot.report.qini import score_cells

    table = Table(
        title=f"uplift on held-out customers ({evaluation.n_test:,} held out, "
        f"{evaluation.n_train:,} for training); scores with their "
        f"{evaluation.confidence:.0%} bootstrap interval"
    )
    cells = score_cells(evaluation.table)
    top = f"{evaluation.k:.0%}"
    # the owner's words, not the evaluation table's column names ("n_treated", "uplift_at_30")
    headers = {
        "n_treated": "offered",
        "n_control": "control",
        "qini": "Qini",
        "auuc": "AUUC",
        f"uplift_at_{int(evaluation.k * 100)}": f"uplift top {top} (pp)",
    }
    for col in cells.columns:
        # names whole (Rich shrinks every column it may wrap: 'class-transfo…' at 100 columns)
        name = col in ("model", "offer")
        table.add_column(headers.get(col, col), justify="left" if name else "right", no_wrap=name)
    table.caption = (
        "Qini and AUUC: where the model's ranking of the customers an offer moves falls "
        "between a random order (0) and a perfect one (1); below 0 it ranks worse than chance. "
        f"uplift top {top}: purchase rate with the offer minus without, among the {top} of "
        f"held-out customers the model ranks highest. {POINTS_WORDS}"
    )
    for row in cells.itertuples(index=False):
        # the interval on a line of its own: a narrow terminal wraps it there, not mid-figure;
        # the uplift's bounds without their "pp" (the estimate and the header say it), so the
        # table still fits 100 columns: "-11.5 pp" over "[-31.5, +9.3]"
        table.add_row(
            *(
                (
                    cell.replace(f" {POINTS},", ",").replace(f" {POINTS}]", "]")
                    if name.startswith("uplift_at_")
                    else cell
                ).replace(" [", "\n[", 1)
                for name, cell in zip(cells.columns, row, strict=True)
            )
        )

    def lines() -> list[str]:  # 80 columns cut the model's name ('dr-learn…', 'class-tr…')
        names = [headers.get(col, col) for col in cells.columns[2:]]
        return [
            f"{row[0]} {row[1]}: "
            + ", ".join(f"{name} {cell}" for name, cell in zip(names, row[2:], strict=True))
            for row in cells.itertuples(index=False)
        ]

    return TableOrLines(table, lines)


@app.command(
    epilog=example("plan"), short_help="Write a plan: who gets which offer within a budget."
)
def plan(
    budget: Annotated[
        float, typer.Option("--budget", min=0, help="Most discount money to give away.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the plan CSV.")] = Path(
        "plan.csv"
    ),
    campaign_id: Annotated[
        str,
        typer.Option(
            "--campaign-id", help="The campaign's name; with each customer id it fixes the draws."
        ),
    ] = "campaign",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Plan date (YYYY-MM-DD: the shop's midnight, in the timezone setting); "
            "default: the shop's day after the last order or event.",
        ),
    ] = None,
    max_messages: Annotated[
        int | None, typer.Option("--max-messages", min=0, help="The most offers to send.")
    ] = None,
    allow_uncertain: Annotated[
        bool,
        typer.Option(
            "--allow-uncertain",
            help="Target with the best policy even when its out-of-fold profit on past "
            "campaigns has a lower bound at or below zero (no 'do no harm').",
        ),
    ] = False,
    run_test: Annotated[
        bool,
        typer.Option(
            "--run-test",
            help="When past campaigns do not show that targeting pays (or there are none), "
            "send the proposed randomized test within the budget instead of nothing.",
        ),
    ] = False,
    db: DbOption = None,
    data: DataOption = None,
) -> None:
    """Decide which customer gets which offer within a budget; write the plan."""
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.data.money_signs import money_currency
    from promopilot.data.queries.offers import add_offers
    from promopilot.offers.catalogue import DEFAULT_CATALOGUE as DEFAULT
    from promopilot.offers.finish import as_written
    from promopilot.offers.forecast import write_forecast
    from promopilot.offers.plan import build_plan

    with open_store(db, data) as store, progress_bar() as bar:
        task = bar.add_task("planning", total=PLAN_STEPS, item="")
        currency = shop_currency(store)  # the CSV's currency column: a code, or a cell's sign
        # once: the plan's words and tables write money in it (else the files' sign: ¥ for ￥89)
        shown = money_currency(store)
        result = build_plan(
            store,
            budget=budget,
            campaign_id=campaign_id,
            as_of=as_of,
            max_messages=max_messages,
            do_no_harm=not allow_uncertain,
            run_test=run_test,
            progress=lambda step: bar.update(task, advance=1, item=step),
            currency=shown,
        )
        # `send` and `report` read an offer's terms from the store: keep the defaults used
        n_added = add_offers(store, result.offers) if result.offer_source == DEFAULT else 0
    out.parent.mkdir(parents=True, exist_ok=True)
    result = as_written(result)  # no float noise in the file; its totals are the file's sums
    # its money columns' currency (expected_cost, ...) in a column, where it is known
    with_currency_column(result.plan, currency).to_csv(out, index=False, encoding=EXCEL_CSV)
    write_forecast(out, result)  # the headline forecast, for the dashboard
    for item in plan_tables(result, shown):
        console.print(item)
    if result.rules:
        rules_path = out.with_suffix(".rules.txt")
        rules_path.write_text(readable_rules(result.rules) + "\n", encoding="utf-8")
        console.print(f"rules saved to {rules_path}")
    console.print(f"plan written to {out} ({len(result.plan):,} rows)")
    if n_added:
        console.print(
            f"the {counted(n_added, 'default offer')} {'was' if n_added == 1 else 'were'} added "
            "to the store's offers table, "
            "for `send` and `report`"
        )


@app.command(
    epilog=example("uplift"), short_help="Qini, AUUC and uplift@k per offer on held-out campaigns."
)
def uplift(
    report: Annotated[
        Path, typer.Option("--report", help="Folder for the Qini plot (qini.html).")
    ] = Path("report"),
    k: Annotated[
        float,
        typer.Option("--k", min=0.01, max=1.0, help="Share of customers for uplift@k."),
    ] = 0.3,
    db: DbOption = None,
    data: DataOption = None,
) -> None:
    """Qini coefficient, AUUC and uplift@k per offer on held-out past-campaign data."""
    from promopilot.offers.evaluate import EVALUATED_MODELS, evaluate_campaign_models
    from promopilot.report.qini import write_qini_plot

    with open_store(db, data) as store, progress_bar() as bar:
        task = bar.add_task("scoring models", total=1 + len(EVALUATED_MODELS), item="")
        evaluation = evaluate_campaign_models(
            store, k=k, progress=lambda step: bar.update(task, advance=1, item=step)
        )
    if evaluation.note():
        console.print(evaluation.note())
    console.print(evaluation_table(evaluation))
    path = write_qini_plot(evaluation, report)
    console.print(f"Qini curves: {path}")


def register(parent: typer.Typer) -> None:
    """Add `plan` and `uplift` to the `promopilot` app (Typer merges an unnamed sub-app's
    commands into its parent)."""
    parent.add_typer(app)

"""`promopilot demo`: the whole loop on a synthetic shop, with a summary and a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from promopilot.cli.common import console, ingest_table, ingest_with_progress, open_store
from promopilot.cli.data import summary_table
from promopilot.cli.examples import example
from promopilot.data.textfile import EXCEL_CSV

if TYPE_CHECKING:
    import pandas as pd

    from promopilot.data.summary import ShopSummary

app = typer.Typer(add_completion=False)

# the synthetic shop's prices are yuan (a 保湿面霜 at about 120, 数码 at 450): its orders say so,
# and its messages write ¥ as the shop's currency's sign, not as a default for every shop
DEMO_CURRENCY = "CNY"


@app.command(
    epilog=example("demo"), short_help="Run the loop on a synthetic shop: plan, send, measure."
)
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the shop, store and reports.")
    ] = Path("demo-out"),
    customers: Annotated[
        int, typer.Option("--customers", min=100, help="Customers in the synthetic shop.")
    ] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic shop.")] = 0,
) -> None:
    """Run the loop on a synthetic shop: profile, plan, send (dry run), measure."""
    from promopilot.data.currency import money, setting
    from promopilot.data.summary import shop_summary
    from promopilot.report import Section, write_report
    from promopilot.synth.shop import make_shop

    out.mkdir(parents=True, exist_ok=True)
    shop_dir = out / "shop"
    db_path = out / "promopilot.duckdb"
    for stale in (db_path, db_path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    console.rule("1. a synthetic shop")
    with console.status(f"generating {customers:,} customers"):
        shop = make_shop(customers, seed)
        if not setting():  # a currency setting of the user's is the store's: theirs is kept
            shop.tables["orders"] = shop.tables["orders"].assign(currency=DEMO_CURRENCY)
        shop.write(shop_dir)
    console.print(f"shop folder: {shop_dir} (hidden truth in {shop_dir / '_truth'})")

    console.rule("2. ingest into the store")
    sections: list[Section] = []
    # the store every other command opens (the timezone setting among its settings): the
    # synthetic shop's times are its wall-clock times, and `serve --db` below reads the same
    with open_store(db_path, None, must_exist=False) as store:
        report = ingest_with_progress(store, shop_dir)
        console.print(ingest_table(report))
        summary = shop_summary(store)
        for table in summary_table(summary):
            console.print(table)
        sections.append(
            Section(
                "The shop",
                text=(
                    f"{summary.n_customers:,} customers, {summary.n_orders:,} orders, revenue "
                    f"{money(summary.revenue, summary.currency)} from "
                    f"{summary.first:%Y-%m-%d} to "
                    f"{summary.last:%Y-%m-%d}."
                ),
                tables=[
                    ("Top categories by revenue", categories_for_report(summary)),
                ],
            )
        )
        for step in DEMO_STEPS:
            sections.extend(step(store, out))
    path = write_report(out / "report.html", "promopilot demo report", sections)
    console.rule("done")
    console.print(f"report: {path}")
    console.print(f"campaign report: {out / 'campaign-report.html'}")
    console.print(
        "dashboard: http://127.0.0.1:8000/ (log in with your key) — serve it with:\n"
        f"  PROMOPILOT_ADMIN_KEYS=choose-a-key promopilot serve --db {db_path} "
        f"--plan {out / 'plan.csv'} --campaign-id demo",
        soft_wrap=True,
    )


def _profile_step(store, out: Path) -> list:
    from promopilot.cli.profile import segment_table
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.profile.build import build_profile
    from promopilot.report import Section

    console.rule("3. know each customer")
    with console.status("features, lifetime value, churn and propensity models, segments"):
        profile = build_profile(store)
    customers = with_currency_column(profile.customers, shop_currency(store))
    customers.to_csv(out / "customers.csv", index=False, encoding=EXCEL_CSV)
    console.print(segment_table(profile.segments))
    churn = profile.evaluation.get("churn")
    as_of = store.local_text(profile.as_of)  # stored in UTC, shown in the shop's zone
    text = f"{len(profile.customers):,} customers profiled as of {as_of}." + (
        f" Churn model AUC on the latest window: {churn.auc:.3f}." if churn else ""
    )
    console.print(text)
    table = segments_for_report(profile.segments, shop_currency(store))
    rfm = profile.customers["rfm_segment"].value_counts().rename_axis("rfm_segment")
    return [
        Section(
            "Customer segments",
            text=text,
            tables=[
                ("Data-driven segments", table),
                ("RFM segments", rfm.reset_index(name="customers")),
            ],
        )
    ]


PLAN_MONEY = ("expected_profit", "expected_cost")  # the plan tables' sums of money


def money_headers(frame: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """A plan table as the report shows it: its sums of money headed with their `currency`
    where it is known (``expected cost (CNY)``), as the report's other money columns are."""
    from promopilot.data.currency import money_label
    from promopilot.report.labels import label

    names = {c: money_label(label(c), currency) for c in PLAN_MONEY if c in frame.columns}
    return frame.rename(columns=names)


def categories_for_report(summary: ShopSummary) -> pd.DataFrame:
    """The top categories as the report shows them, the revenue's header naming its currency
    where it is known (``revenue (CNY)``), as the terminal's table and every other money
    column of the report do."""
    from promopilot.data.currency import money_label

    frame = summary.top_categories
    return frame.rename(columns={"revenue": money_label("revenue", summary.currency)})


def segments_for_report(segments: pd.DataFrame, currency: str | None = None) -> pd.DataFrame:
    """The segment table as the report shows it: each figure's header says what it is of
    (recency is the segment's median, in whole days as `profile` prints it; the rest are
    means), since the descriptions beside them compare means ("days since last order 355 vs
    207 overall" beside a median of 312); the spend's header names its `currency` where it
    is known (``net spend (mean) (CNY)``)."""
    import pandas as pd

    from promopilot.data.currency import money_label

    return pd.DataFrame(
        {
            "segment": segments["segment"],
            "customers": segments["customers"],
            "share": segments["share"],
            "days since last order (median)": segments["recency_days"].round().astype("Int64"),
            "orders (mean)": segments["frequency"],
            money_label("net spend (mean)", currency): segments["monetary"],
            "churn risk (mean probability)": segments["churn_risk"],
            "discount sensitivity (mean)": segments["discount_sensitivity"],
            "description": segments["description"],
        }
    )


def budget_words(budget: float, totals: dict, currency: str | None) -> str:
    """The demo report's plan in one line: its budget, money as every other line writes it
    (it read "Budget 3,000." beside "6,746.10 CNY"), and who the plan targets."""
    from promopilot.data.currency import money

    return (
        f"Budget {money(budget, currency)}. {totals['n_target']:,} customers targeted, control "
        f"group {totals['n_control']:,}, exploration {totals['n_explore']:,}. "
    )


def _plan_step(store, out: Path) -> list:
    from promopilot.cli.plan import evaluation_table, plan_tables
    from promopilot.data.currency import shop_currency, with_currency_column
    from promopilot.offers.evaluate import evaluate_campaign_models
    from promopilot.offers.finish import as_written
    from promopilot.offers.forecast import forecast_text, plan_forecast, write_forecast
    from promopilot.offers.plan import DEFAULT_MODEL, build_plan
    from promopilot.report import Section, figure_html
    from promopilot.report.formats import POINTS_WORDS
    from promopilot.report.labels import readable_rules
    from promopilot.report.qini import qini_figure, score_cells, write_qini_plot

    console.rule("5. how well do the models find persuadable customers?")
    with console.status("scoring uplift models on held-out campaign customers"):
        evaluation = evaluate_campaign_models(store, models=(DEFAULT_MODEL, "x-learner"))
    qini_path = write_qini_plot(evaluation, out)
    console.print(evaluation_table(evaluation))
    console.print(f"Qini curves: {qini_path}")

    console.rule("6. who gets which offer")
    n_customers = len(store.table("customers", ["customer_id"])) or 1
    budget = round(0.6 * n_customers, -2)
    with console.status(f"planning a campaign with a discount budget of {budget:,.0f}"):
        # the demo shop's one past campaign is too small for the self-check to prove a
        # plan's profit (the plan would send nothing): the demo targets anyway, as
        # `plan --allow-uncertain` does, and prints the check's verdict
        result = build_plan(
            store,
            budget=budget,
            campaign_id="demo",
            n_bootstrap=10,
            select_model=False,
            do_no_harm=False,
        )
    # the demo replays its synthetic shop at the shop's own date (send is given it): no
    # "Old data" line about today
    result.old_data_note = ""
    result = as_written(result)  # no float noise in the file; its totals are the file's sums
    currency = shop_currency(store)
    plan = with_currency_column(result.plan, currency)  # its money's currency, where known
    plan.to_csv(out / "plan.csv", index=False, encoding=EXCEL_CSV)
    (out / "plan.rules.txt").write_text(readable_rules(result.rules) + "\n", encoding="utf-8")
    for item in plan_tables(result, currency):
        console.print(item)
    check = result.self_check
    if check is not None and not check.passes:
        console.print(
            "[bold]The demo targets anyway[/bold] (as `plan --allow-uncertain` does), to show "
            "the rest of the loop; `promopilot plan` on its own would send nothing here."
        )
    console.print(f"plan: {out / 'plan.csv'}")
    write_forecast(out / "plan.csv", result)
    t = result.totals
    text = budget_words(budget, t, currency) + forecast_text(plan_forecast(result))
    return [
        Section(
            "Uplift models on held-out campaign customers",
            text=(
                f"{evaluation.n_test:,} customers held out, {evaluation.n_train:,} for training; "
                f"each score with its {evaluation.confidence:.0%} bootstrap interval. The uplift "
                f"in the top {evaluation.k:.0%} is the purchase rate with the offer minus "
                f"without among the customers the model ranks highest, in {POINTS_WORDS}."
            ),
            tables=[("Per offer against the control group", score_cells(evaluation.table))],
            figures=[figure_html(qini_figure(evaluation))],
        ),
        Section(
            "The campaign plan",
            text=text,
            tables=[
                (
                    "Per offer and group (model's in-sample sums, no forecast)",
                    money_headers(result.per_offer, currency),
                ),
                (
                    "What blanket alternatives would earn by the same model (in-sample)",
                    money_headers(result.alternatives, currency),
                ),
            ],
            pre=readable_rules(result.rules),
        ),
    ]


def _recommend_step(store, out: Path) -> list:
    from promopilot.cli.common import frame_table
    from promopilot.recommend.shop import sample_recommendations
    from promopilot.report import Section

    console.rule("4. which products to show them")
    with console.status("fitting the recommender"):
        recs = sample_recommendations(store, n_customers=3, k=5)
    table = recs[["customer_id", "rank", "title", "category", "score"]].round({"score": 3})
    console.print(frame_table(table))
    return [Section("Recommended products for the most active customers", tables=[("", table)])]


def _send_step(store, out: Path) -> list:
    from promopilot.campaigns.delivery import send_campaign
    from promopilot.report import Section

    console.rule("7. send the campaign (dry run: messages written to a folder)")
    sent_at = store.default_as_of()  # the synthetic shop's "today"
    with console.status("logging every exposure, then writing the messages"):
        report = send_campaign(
            store,
            out / "plan.csv",
            campaign_id="demo",
            channel="email",
            dry_run=True,
            out=out / "messages",
            sent_at=sent_at,
        )
    text = (
        f"{report.n_exposures:,} exposures logged before sending (every row of the plan: "
        f"target, control, explore and none); {report.n_delivered:,} e-mails written to "
        f"{out / 'messages'}, "
        f"{report.n_unsubscribed:,} unsubscribed customers skipped."
    )
    console.print(text)
    return [Section("Sending the campaign (dry run)", text=text)]


def _measure_step(store, out: Path) -> list:
    from promopilot.cli.report import demo_measure_step

    return demo_measure_step(store, out, campaign_id="demo")


def _dashboard_step(store, out: Path) -> list:
    """The dashboard's model quality, kept in the store: a server started on it shows the
    models page at once (it took 5 to 10 s on its first visit, computed there)."""
    from promopilot.serve.quality import keep_model_quality

    with console.status("scoring the models for the dashboard (kept in the store)"):
        keep_model_quality(store)
    return []


# The stages after ingest: each takes (store, out), prints its summary and returns report
# sections.
DEMO_STEPS: list = [
    _profile_step,
    _recommend_step,
    _plan_step,
    _send_step,
    _measure_step,
    _dashboard_step,
]

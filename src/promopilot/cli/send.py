"""`promopilot send`: log a plan's exposures and deliver its coupons (e-mail, SMS, CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from promopilot.cli.common import DbOption, console, open_store, progress_bar
from promopilot.cli.examples import example

app = typer.Typer()


@app.command(epilog=example("send"))
def send(
    plan: Annotated[
        Path, typer.Argument(help="The plan written by `promopilot plan` (CSV, or saved as .xlsx).")
    ],
    campaign_id: Annotated[
        str,
        typer.Option(
            "--campaign-id",
            help="Names the campaign in the exposure log; the same id and plan "
            "again send only what was not sent.",
        ),
    ],
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            help="email (SMTP), sms (dry run only: no gateway is built in) or csv "
            "(the shop platform's coupon import file only).",
        ),
    ] = "email",
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Write the messages into --out instead of sending them; the "
            "exposures are still logged.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the coupon import file and dry-run messages "
            "(default: send-<campaign id>).",
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Folder of templates that replace the shipped ones "
            "(default: the send.templates setting).",
        ),
    ] = None,
    sent_at: Annotated[
        str | None,
        typer.Option(
            "--sent-at",
            help="Send time to log for every exposure, ISO 8601 (default: now); a time "
            "without a zone is the shop's (the timezone setting), as ingest reads them.",
        ),
    ] = None,
    show_contacts: Annotated[
        bool,
        typer.Option(
            "--show-contacts",
            help="Dry run: write real addresses and names instead of masked ones.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Log every row of a plan, then deliver its coupons.

    Every row is logged: target, control, explore and none. A plan that offers nobody is not
    logged.
    """
    from promopilot.campaigns.delivery import send_campaign
    from promopilot.campaigns.price_sign import price_sign_words
    from promopilot.exceptions import InputError

    try:
        import pandas as pd

        if sent_at:
            pd.Timestamp(sent_at)  # checked before anything is opened
    except ValueError:
        raise InputError(f"--sent-at: {sent_at!r}: expected an ISO 8601 time") from None
    with open_store(db, None) as store, progress_bar() as bar:
        task = bar.add_task("sending", total=None, item="")
        report = send_campaign(
            store,
            plan,
            campaign_id=campaign_id,
            channel=channel,
            dry_run=dry_run,
            out=out,
            templates=templates,
            sent_at=sent_at or None,  # read in the shop's zone, as ingest reads naive times
            show_contacts=show_contacts,
            progress=lambda done, total: bar.update(task, completed=done, total=total, item=""),
        )
    if report.sent_nothing:
        console.print(
            f"{plan} sends nothing: none of its {report.n_considered:,} customers is offered "
            f"a coupon, so campaign {report.campaign_id} is not logged and no file is written "
            "(a plan that proposed a test sends it when planned with --run-test)",
            markup=False,
        )
        return
    if report.old_data:
        console.print(report.old_data, markup=False)
    table = Table(
        title=f"campaign {report.campaign_id} ({report.channel}"
        f"{', dry run' if report.dry_run else ''})"
    )
    table.add_column("")
    table.add_column("customers", justify="right")
    rows = [
        ("exposures in the log (every group)", report.n_exposures),
        ("  logged by this run", report.n_logged),
        ("left out: forgotten on request", report.n_forgotten),
        ("offered a coupon", report.n_offered),
        ("  done in earlier runs", report.n_done_before),
        ("  written to files" if report.dry_run else "  delivered now", report.n_delivered),
        ("  unsubscribed: not sent", report.n_unsubscribed),
        ("  no address: not sent", report.n_no_address),
        ("  refused for good", report.n_failed),
        ("  deferred: run again to retry", report.n_deferred),
    ]
    for label, n in rows:
        if n or not label.startswith("left out"):
            table.add_row(label, f"{n:,}")
    console.print(table)
    # the code reports show (read once, by send_campaign); messages show send's own sign (the
    # csv channel writes none: its coupon file has no prices)
    if report.n_offered and report.channel != "csv":
        console.print(f"prices in messages: {price_sign_words(report)}", markup=False)
    if report.no_sender:
        console.print(
            "no sender is configured: the messages' From: is a placeholder; set from_address "
            "under [send] in promopilot.toml (or PROMOPILOT_SEND_FROM_ADDRESS) before sending",
            markup=False,
        )
    for path in report.files:
        console.print(f"wrote {path}")
    if report.n_deferred:
        raise typer.Exit(1)

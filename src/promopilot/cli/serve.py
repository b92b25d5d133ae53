"""`promopilot serve`: the HTTP API and the owner's dashboard on one port."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from promopilot.cli.common import DbOption
from promopilot.cli.examples import example

app = typer.Typer()


@app.command(
    epilog=example("serve"), short_help="Serve offers, recommendations and the dashboard (HTTP)."
)
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The latest plan (`promopilot plan --out`; CSV or .xlsx): its customers get its "
            "decisions, everyone else a live decision.",
        ),
    ] = None,
    campaign_id: Annotated[
        str | None,
        typer.Option(
            "--campaign-id", help="The live campaign's id (default: the plan's campaign_id column)."
        ),
    ] = None,
    access_log: Annotated[
        bool,
        typer.Option("--access-log/--no-access-log", help="Log every request line (never keys)."),
    ] = False,
) -> None:
    """Serve offers, recommendations, feedback and the dashboard over HTTP.

    Keys come from PROMOPILOT_ADMIN_KEYS / PROMOPILOT_READ_KEYS.
    """
    from promopilot.config import load_settings
    from promopilot.exceptions import InputError
    from promopilot.serve.runner import run_server

    path = db or Path(load_settings().db)
    if not path.exists():
        raise InputError(f"{path}: no store here: run `promopilot ingest DIR` first")
    run_server(
        path,
        host=host,
        port=port,
        plan=plan,
        campaign_id=campaign_id,
        access_log=access_log,
        tell=lambda note: typer.echo(f"{path}: {note}", err=True),
        announce=lambda: typer.echo(
            f"dashboard: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)"
        ),
    )

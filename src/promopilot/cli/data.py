"""Commands that bring shop data in and look at it: ingest, synth, summary, forget."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the app."""

"""The ``promopilot`` command.

Kept thin: each command module parses arguments, calls one function and formats the result.
Every error is one line on stderr and an exit code (2 for unusable input or usage: input that
cannot be read, too little data for the command, an id the store does not hold; 1 for any
other failure), never a traceback: the details go to the log file that line names. Warnings
go to the log file too, not the terminal.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
import typer.core

from promopilot.cli.examples import example
from promopilot.cli.logs import LOG, report_unexpected, setup_logging
from promopilot.exceptions import (
    InputError,
    NotEnoughDataError,
    PromopilotError,
    UnknownIdError,
)


class _Group(typer.core.TyperGroup):
    """The root command, whose list of commands wraps a long line instead of cutting it.

    click cuts each command's line to the terminal's width less the longest name: at 80
    columns "synth  Write a realistic synthetic shop folder, with its..." (12 of 16 lines). Each
    command's `short_help` fits 80 columns whole; on a narrower terminal it wraps, not cut."""

    def format_commands(self, ctx, formatter) -> None:  # type: ignore[no-untyped-def]
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="promopilot",
    cls=_Group,
    help="Learn from your shop's data who should get which offer, and prove it paid.",
    epilog=example("promopilot"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    # click writes help 80 columns wide at most and cuts each command's line in the list to
    # fit: "Customers, orders, revenue, date range and top..." at any terminal width
    context_settings={"max_content_width": 120},
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"promopilot {version('promopilot')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Learn from your shop's data who should get which offer, and prove it paid."""
    # An explicit callback keeps `promopilot` a command group even with a single command.


# One module per area; each defines a Typer sub-app `app` whose commands join the root.
COMMAND_MODULES = (
    "data",
    "profile",
    "text",
    "recommend",
    "plan",
    "send",
    "report",
    "serve",
    "demo",
)

for _name in COMMAND_MODULES:
    app.add_typer(importlib.import_module(f"promopilot.cli.{_name}").app)


def _usage_error_types() -> tuple[type[BaseException], ...]:
    """Typer ships its own copy of click in recent releases; usage errors come from either."""
    modules = (sys.modules.get(name) for name in ("typer._click.exceptions", "click.exceptions"))
    return tuple(module.ClickException for module in modules if module is not None)


def usage_line(error: BaseException) -> str:
    """A mistake in the command line (an unknown option, a value of the wrong type, a missing
    argument) in one line, with where to read the command's options: click's own four lines
    (usage, hint, a blank line, the error) would break the one-line rule every other error keeps."""
    message = error.format_message().rstrip(".")  # type: ignore[attr-defined]
    names, ctx = [], getattr(error, "ctx", None)
    while ctx is not None and ctx.parent is not None:  # the program's own name, however run
        names.append(ctx.info_name)
        ctx = ctx.parent
    command = " ".join(["promopilot", *reversed(names)])
    return f"error: {message} (see '{command} --help')"


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs a command and turns every outcome into an exit code."""
    setup_logging()
    err = typer.echo
    try:
        result = app(args=argv, standalone_mode=False)
    except (InputError, NotEnoughDataError, UnknownIdError) as error:
        # the data cannot support the command, or it names what the store does not hold
        LOG.info("unusable input", exc_info=True)
        err(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    except PromopilotError as error:
        LOG.info("failure", exc_info=True)
        err(f"error: {error}", err=True)
        sys.exit(EXIT_FAILURE)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err("aborted", err=True)
        sys.exit(EXIT_FAILURE)
    except Exception as error:
        if isinstance(error, _usage_error_types()):
            err(usage_line(error), err=True)
            sys.exit(getattr(error, "exit_code", EXIT_USAGE))
        err(report_unexpected(error), err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(result if isinstance(result, int) else EXIT_OK)

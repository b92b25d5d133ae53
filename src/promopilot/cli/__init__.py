"""The ``promopilot`` command. Kept thin: each command module parses arguments, calls one
function and formats the result. Errors become one line on stderr and an exit code:
2 for unusable input, 1 for any other failure; never a traceback."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from promopilot.exceptions import InputError, PromopilotError

app = typer.Typer(
    name="promopilot",
    help="Learn from your shop's data who should get which offer, and prove it paid.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """Learn from your shop's data who should get which offer, and prove it paid."""
    # An explicit callback keeps `promopilot` a command group even while only one command is
    # registered (Typer otherwise turns a lone command into the root command).


# Each module registers its commands on `app` through a `register(app)` function.
COMMAND_MODULES = ("data", "text")

for _name in COMMAND_MODULES:
    importlib.import_module(f"promopilot.cli.{_name}").register(app)

err_console = Console(stderr=True, highlight=False)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, standalone_mode=False)
    except InputError as error:
        err_console.print(f"error: {error}", markup=False)
        sys.exit(2)
    except PromopilotError as error:
        err_console.print(f"error: {error}", markup=False)
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except Exception as error:  # click usage errors and the like
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise

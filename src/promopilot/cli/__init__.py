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
COMMAND_MODULES = ("data", "profile", "text", "plan", "demo", "recommend")

for _name in COMMAND_MODULES:
    importlib.import_module(f"promopilot.cli.{_name}").register(app)

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        result = app(args=argv, standalone_mode=False)
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
    except Exception as error:  # usage errors (Typer ships its own copy of click)
        usage_error = _click_exception_types()
        if isinstance(error, usage_error):
            error.show()
            sys.exit(error.exit_code)
        raise
    sys.exit(result if isinstance(result, int) else 0)


def _click_exception_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = []
    try:
        from typer._click.exceptions import ClickException as TyperClickException

        types.append(TyperClickException)
    except ImportError:  # older Typer uses click itself
        pass
    try:
        import click

        types.append(click.ClickException)
    except ImportError:
        pass
    return tuple(types)

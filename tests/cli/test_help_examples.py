"""Every command's --help ends with an example an owner can copy, and the example parses."""

from __future__ import annotations

import shlex

import pytest
import typer
from typer.testing import CliRunner

from promopilot.cli import app
from promopilot.cli.examples import EXAMPLES
from tests.cli.test_every_command_property import run

ROOT = typer.main.get_command(app)
COMMANDS = sorted(ROOT.commands)  # type: ignore[attr-defined]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_help_shows_an_example_that_parses(name, tmp_path, monkeypatch):
    """`promopilot plan --help` listed its options and no example (nor did 14 other commands:
    only ingest and sentiment named an e.g. in an option); an owner reading the terminal for the
    first time had to compose a first command from the option list."""
    text = _help(name)
    assert "Example" in text
    for line in EXAMPLES[name]:
        assert line in text  # one line each, not joined into a paragraph
        args = shlex.split(line)
        assert args[:2] == ["promopilot", name]
        monkeypatch.chdir(tmp_path)  # the files an example names need not exist to parse
        with ROOT.commands[name].make_context(name, args[2:]) as ctx:  # type: ignore[attr-defined]
            assert ctx.params  # parsed: every option known, every required one given


def test_the_first_help_says_where_to_start():
    text = _help()
    assert "promopilot demo --out demo-out" in text
    assert "promopilot ingest shop/ --db shop.duckdb" in text


def test_the_command_list_uses_the_terminal_width(capsys, monkeypatch):
    """click wrote help 80 columns wide at most and cut each command's line in the list:
    "summary  Customers, orders, revenue, date range and top..." on a 100-column terminal
    (a terminal's width, read from COLUMNS as a shell sets it, not given to click)."""
    monkeypatch.setenv("COLUMNS", "100")  # CliRunner fixes help at 80 columns: main() here
    code, text, _ = run(["--help"], capsys)
    assert code == 0
    assert "summary          Customers, orders, revenue, date range and top categories.\n" in text
    assert "Write a realistic synthetic shop folder, with its hidden truth in _truth/." in text
    assert max(map(len, text.splitlines())) <= 100

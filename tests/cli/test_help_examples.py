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


def test_no_command_line_is_cut_in_the_list(capsys, monkeypatch):
    """At 100 columns the list cut seven commands' lines: "profile  Segments, CLV, churn risk,
    purchase propensity and discount sensitivity...", "serve  Serve offers, recommendations,
    feedback and the dashboard over HTTP (keys...", "demo  Run the whole loop on a synthetic shop:
    profile, plan, send (dry run),..."; each line now shows its command's whole first sentence."""
    monkeypatch.setenv("COLUMNS", "100")
    code, text, _ = run(["--help"], capsys)
    assert code == 0
    listed = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in listed] == list(ROOT.commands)  # none hidden
    for line, command in zip(listed, ROOT.commands.values(), strict=True):  # type: ignore[attr-defined]
        whole = command.get_short_help_str(limit=1_000)
        assert line.endswith(f"  {whole}"), line
        assert not line.endswith("...")
    assert max(map(len, text.splitlines())) <= 100

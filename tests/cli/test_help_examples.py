"""Every command's --help ends with an example an owner can copy, and the example parses."""

from __future__ import annotations

import shlex
import unicodedata

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
    assert "summary          Customers, orders, revenue, dates and top categories.\n" in text
    assert "synth            Write a synthetic shop folder, hidden truth in _truth/.\n" in text
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


def _columns(line: str) -> int:
    """The columns a line takes on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _command_list(text: str) -> list[str]:
    return text.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()


def test_no_command_line_is_cut_at_80_columns(capsys, monkeypatch):
    """At 80 columns (a standard terminal) the list cut 12 of 16 commands' lines: "synth  Write
    a realistic synthetic shop folder, with its...", "uplift  Qini coefficient, AUUC and
    uplift@k per offer on...", "evaluate-policy  Estimate what a candidate assignment would
    have earned...", and the first example ran past the edge. Each line now shows its
    command's whole short help on one line, every line within 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    code, text, _ = run(["--help"], capsys)
    assert code == 0
    listed = _command_list(text)
    assert [line.split()[0] for line in listed] == list(ROOT.commands)  # one line each
    for line, command in zip(listed, ROOT.commands.values(), strict=True):  # type: ignore[attr-defined]
        assert line.endswith(f"  {command.get_short_help_str(limit=1_000)}"), line
        assert not line.endswith("..."), line
    assert max(map(_columns, text.splitlines())) <= 80


def test_a_narrower_terminal_wraps_the_list_instead_of_cutting_it(capsys, monkeypatch):
    """Below 80 columns a command's line wraps under its own column; no word is dropped."""
    monkeypatch.setenv("COLUMNS", "60")
    code, text, _ = run(["--help"], capsys)
    assert code == 0
    lines = _command_list(text)
    listed = " ".join(" ".join(lines).split())
    for command in ROOT.commands.values():  # type: ignore[attr-defined]
        assert command.get_short_help_str(limit=1_000) in listed
    assert "..." not in listed
    assert max(map(_columns, lines)) <= 60  # the examples are typed as they are, not wrapped


@pytest.mark.parametrize("name", COMMANDS)
def test_every_commands_help_fits_80_columns_uncut(name, capsys, monkeypatch):
    """`promopilot plan --help` at 80 columns ended in an 85-column example (send's 84) and
    sentiment's --in help set a line "... or the one named by --text-column" that read as a
    cut: options' help wraps, examples fit, nothing is cut with "..." or "…"."""
    monkeypatch.setenv("COLUMNS", "80")
    code, text, _ = run([name, "--help"], capsys)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("Usage: ")  # "[ARGS]..." is click's own
    for line in lines[1:]:
        assert _columns(line) <= 80, line
        assert "..." not in line and "…" not in line, line

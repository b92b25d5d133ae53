"""Property: on any shop folder a shop might hand over (tests/shopfolders.py), every command
of the whole loop (ingest, summary, profile, recommend, similar, plan, uplift, send, report,
evaluate-policy, retrain, sentiment) exits 0, or 2 with exactly one line on stderr; never a
traceback, never a Python warning on the terminal (warnings go to the log file)."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from promopilot.cli import main
from tests.shopfolders import ShopFolder, shop_folders

COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # each example runs a dozen commands: shrinking a failure would take many minutes
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
}


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def clean(name: str, code: int, out: str, err: str) -> None:
    """Exit 0, or 2 in one line; nothing that looks like a traceback or a Python warning."""
    shown = out + err
    assert code in (0, 2), f"{name}: exit {code}: {err}"
    assert "Traceback" not in shown, f"{name}: {shown}"
    assert "Warning" not in shown, f"{name}: a warning reached the terminal: {shown}"
    if code == 2:
        assert len(err.strip().splitlines()) == 1, f"{name}: {err}"
    else:
        assert err == "", f"{name}: {err}"


def first(path: Path, column: str) -> str | None:
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next((row[column] for row in csv.DictReader(handle) if row.get(column)), None)


def check(folder: ShopFolder, capsys) -> None:
    with tempfile.TemporaryDirectory(prefix="promopilot-prop-") as tmp:
        tmp = Path(tmp)
        previous = os.environ.get("PROMOPILOT_LOG")
        os.environ["PROMOPILOT_LOG"] = str(tmp / "promopilot.log")
        try:
            _every_command(folder.write(tmp / "shop"), tmp, capsys)
        finally:
            if previous is None:
                os.environ.pop("PROMOPILOT_LOG", None)
            else:
                os.environ["PROMOPILOT_LOG"] = previous


def _every_command(shop: Path, tmp: Path, capsys) -> None:
    db = str(tmp / "s.duckdb")
    code, out, err = run(["ingest", str(shop), "--db", db], capsys)
    clean("ingest", code, out, err)
    reviews = next(shop.glob("reviews.*"), None)
    if reviews is not None:
        scored = str(tmp / "scored.csv")
        clean("sentiment", *run(["sentiment", "--in", str(reviews), "--out", scored], capsys))
    if code != 0:
        return
    plan, recs = tmp / "plan.csv", tmp / "recs.csv"
    steps = [
        ["summary", "--db", db],
        ["profile", "--db", db, "--out", str(tmp / "customers.csv")],
        ["recommend", "--db", db, "--out", str(recs), "--k", "3"],
        ["plan", "--db", db, "--budget", "100", "--out", str(plan), "--campaign-id", "p1"],
        ["uplift", "--db", db, "--report", str(tmp / "qini")],
    ]
    for args in steps:
        clean(args[0], *run(args, capsys))
    product = first(recs, "product_id")
    if product:
        clean("similar", *run(["similar", product, "--db", db, "--k", "2"], capsys))
    if plan.is_file():
        send = ["send", str(plan), "--campaign-id", "p1", "--channel", "csv", "--dry-run"]
        clean("send", *run([*send, "--out", str(tmp / "sent"), "--db", db], capsys))
        clean("report", *run(["report", "p1", "--db", db], capsys))
        policy = tmp / "policy.csv"
        policy.write_text("customer_id,offer_id\n", encoding="utf-8")
        args = ["evaluate-policy", str(policy), "--campaign", "p1", "--db", db]
        clean("evaluate-policy", *run(args, capsys))
    retrain = ["retrain", "--db", db, "--out", str(tmp / "retrain"), "--no-evaluate"]
    clean("retrain", *run(retrain, capsys))


@pytest.mark.slow  # a dozen commands per folder, models fitted by several
@settings(max_examples=4, **COMMON)
@given(folder=shop_folders())
def test_every_command_on_any_shop_folder_exits_0_or_2_in_one_line(folder, capsys):
    check(folder, capsys)


@pytest.mark.slow
@settings(max_examples=40, **COMMON)
@given(folder=shop_folders(max_rows=60))
def test_every_command_on_any_shop_folder_many(folder, capsys):
    check(folder, capsys)

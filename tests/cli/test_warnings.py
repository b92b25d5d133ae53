"""Warnings never reach the terminal: whatever a library warns while a command runs goes to the
log file, and the command's output stays clean."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from promopilot.cli import main

ORDERS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
    "A1,2025-01-02 10:00:00,c1,p1,1,10\n"
    "A2,2025-01-05 11:00:00,c2,p2,2,5.5\n"
)


@pytest.fixture()
def shop(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    return folder


def noisy_summary(monkeypatch):
    """Make `summary` warn the way scipy, sklearn and numpy do while it computes."""
    import promopilot.data.summary as summary

    original = summary.shop_summary

    def warned(store):
        warnings.warn("IntegrationWarning-like noise from a model", RuntimeWarning, stacklevel=1)
        warnings.warn("an imputer saw an all-empty column", UserWarning, stacklevel=1)
        np.log(np.zeros(2))  # numpy's own RuntimeWarning: divide by zero
        return original(store)

    monkeypatch.setattr(summary, "shop_summary", warned)


def test_warnings_go_to_the_log_not_the_terminal(shop, tmp_path, monkeypatch, capsys):
    log = tmp_path / "promopilot.log"
    monkeypatch.setenv("PROMOPILOT_LOG", str(log))
    noisy_summary(monkeypatch)
    with pytest.raises(SystemExit) as done:
        main(["summary", "--data", str(shop)])
    out = capsys.readouterr()
    assert done.value.code == 0
    assert "revenue (net of returns)" in out.out  # the command did its work
    assert "Warning" not in out.out + out.err and out.err == ""
    text = log.read_text(encoding="utf-8")
    assert "IntegrationWarning-like noise" in text and "all-empty column" in text
    assert "divide by zero" in text


@pytest.mark.slow  # a subprocess: the console entry point as a user runs it
def test_warnings_stay_off_the_terminal_of_a_real_process(shop, tmp_path):
    code = (
        "import warnings, sys\n"
        "import promopilot.data.summary as s\n"
        "original = s.shop_summary\n"
        "def warned(store):\n"
        "    warnings.warn('noise from a model', RuntimeWarning)\n"
        "    return original(store)\n"
        "s.shop_summary = warned\n"
        "from promopilot.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    log = tmp_path / "p.log"
    done = subprocess.run(
        [sys.executable, "-c", code, "summary", "--data", str(shop)],
        capture_output=True,
        text=True,
        env={"PROMOPILOT_LOG": str(log), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr and done.stderr == ""
    assert "noise from a model" in log.read_text(encoding="utf-8")

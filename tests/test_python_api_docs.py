"""docs/python-api.md runs: its Python blocks, in order and in one namespace (as one notebook),
on the small synthetic shop its first block ingests. A change that breaks an example breaks
this test, so the guide cannot rot."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from promopilot.synth.shop import make_shop

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHOP_COMMAND = "promopilot synth --out myshop --customers 400"


def python_blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def test_the_guide_has_an_example_for_every_step():
    text = DOC.read_text(encoding="utf-8")
    assert SHOP_COMMAND in text  # the shop the examples run on, made below the same way
    code = "\n".join(python_blocks(text))
    for call in (
        "ingest(",
        "build_profile(",
        "ChurnModel(",
        "XLearner(",
        "DRLearner(",
        ".recommend(",
        "build_plan(",
        "evaluate_policy(",
        "review_sentiment(",
    ):
        assert call in code, call


def test_the_guide_runs(tmp_path, monkeypatch, capsys):
    make_shop(400, 0).write(tmp_path / "myshop")  # what SHOP_COMMAND writes
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__python_api_guide__"}
    started = time.perf_counter()
    for number, block in enumerate(python_blocks(DOC.read_text(encoding="utf-8")), 1):
        try:
            exec(compile(block, f"{DOC.name} block {number}", "exec"), namespace)
        except Exception as error:  # name the block: the traceback points into it
            pytest.fail(f"block {number} of {DOC.name} failed: {error!r}\n{block}")
    took = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "orders" in out and "pct10" in out  # the ingest report and the policy values printed
    print(f"the guide ran in {took:.1f} s")

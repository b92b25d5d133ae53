"""Property: on any shop folder a shop might hand over (tests/shopfolders.py), `ingest` and
`summary` exit 0, or 2 with exactly one line on stderr and no traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from promopilot.cli import main
from tests.shopfolders import ShopFolder, shop_folders

COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def check(folder: ShopFolder, capsys) -> None:
    with tempfile.TemporaryDirectory(prefix="promopilot-prop-") as tmp:
        path = folder.write(Path(tmp) / "shop")
        db = str(Path(tmp) / "s.duckdb")
        code, _, err = run(["ingest", str(path), "--db", db], capsys)
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert len(err.strip().splitlines()) == 1, err
            return
        assert err == ""
        code, out, err = run(["summary", "--db", db], capsys)
        assert (code, err) == (0, ""), err
        assert "revenue (net of returns)" in out
        code, _, err = run(["summary", "--data", str(path)], capsys)
        assert (code, err) == (0, ""), err


@settings(max_examples=10, **COMMON)
@given(folder=shop_folders())
def test_any_shop_folder_ingests_or_fails_in_one_line(folder, capsys):
    check(folder, capsys)


@pytest.mark.slow
@settings(max_examples=150, **COMMON)
@given(folder=shop_folders(max_rows=60))
def test_any_shop_folder_ingests_or_fails_in_one_line_many(folder, capsys):
    check(folder, capsys)

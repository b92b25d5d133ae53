"""The CLI as a person uses it: exit codes, one-line errors, no tracebacks."""

import runpy
import subprocess
import sys

import pytest

from promopilot.cli import main


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def test_help_lists_the_commands(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ("ingest", "synth", "summary", "forget", "demo"):
        assert command in out


def test_python_dash_m_promopilot_is_the_cli(capsys, monkeypatch):
    """`python -m promopilot` ran nothing (the package had no __main__)."""
    monkeypatch.setattr(sys, "argv", ["promopilot", "--help"])
    monkeypatch.delitem(sys.modules, "promopilot.__main__", raising=False)  # run, not reuse
    with pytest.raises(SystemExit) as done:
        runpy.run_module("promopilot", run_name="__main__")
    assert done.value.code == 0 and "ingest" in capsys.readouterr().out


def test_missing_store_is_a_one_line_error(tmp_path, capsys):
    code, _, err = run(["summary", "--db", str(tmp_path / "none.duckdb")], capsys)
    assert code == 2
    assert "no store here" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow  # three subprocesses
def test_synth_ingest_summary_round_trip(tmp_path):
    exe = [sys.executable, "-c", "from promopilot.cli import main; main()"]
    shop, db = tmp_path / "shop", tmp_path / "s.duckdb"
    subprocess.run(
        [*exe, "synth", "--customers", "200", "--out", str(shop)], check=True, capture_output=True
    )
    done = subprocess.run(
        [*exe, "ingest", str(shop), "--db", str(db)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "orders.csv" in done.stdout
    shown = subprocess.run([*exe, "summary", "--data", str(shop)], capture_output=True, text=True)
    assert shown.returncode == 0 and "customers" in shown.stdout and "200" in shown.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ingest", "--no-such-option"], "No such option: --no-such-option"),
        (["plan", "--budget", "abc"], "Invalid value for '--budget'"),
        (["ingest"], "Missing argument"),
    ],
)
def test_usage_mistakes_are_one_line_naming_the_help_not_a_traceback(capsys, args, said):
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err  # click's usage block was four lines
    assert err.startswith("error: ") and said in err
    assert f"(see 'promopilot {args[0]} --help')" in err


def test_summary_of_a_shop_without_returns_shows_no_negative_zero(tmp_path, capsys):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id;timestamp;customer_id;product_id;quantity;unit_price\n"
        "1;01.12.2010 08:26;c1;p1;2;12,50\n2;02.12.2010 09:00;c2;p2;1;3,75\n",
        encoding="utf-8",
    )
    code, out, _ = run(["summary", "--data", str(shop)], capsys)
    assert code == 0
    returns = next(line for line in out.splitlines() if "returns (0 lines)" in line)
    assert "0.00" in returns and "-0.00" not in returns
    assert "28.75" in out  # decimal commas read as decimals


def test_summary_shows_the_date_range_in_the_shops_time_zone(tmp_path, capsys, monkeypatch):
    for name in ("PROMOPILOT_CONFIG", "PROMOPILOT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "promopilot.toml").write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    shop = tmp_path / "shop"
    shop.mkdir()
    # local times: 03:00 on the 1st is the 31st of July in UTC
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o1,2026-08-01 03:00,c1,p1,1,10\no2,2026-08-31 20:00,c1,p1,1,10\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    assert run(["ingest", str(shop), "--db", db], capsys)[0] == 0
    code, out, _ = run(["summary", "--db", db], capsys)
    assert code == 0
    span = next(line for line in out.splitlines() if "date range" in line)
    assert "2026-08-01 .. 2026-08-31" in span


def test_summary_writes_a_currency_sign_before_the_amount(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency\n"
        "1,2025-12-01,c1,p1,2,12.50,$\n2,2025-12-02,c2,p2,1,3.75,$\n"
        "3,2025-12-03,c2,p2,-1,3.75,$\n",
        encoding="utf-8",
    )
    code, out, _ = run(["summary", "--data", str(shop)], capsys)
    assert code == 0
    lines = out.splitlines()
    revenue = next(line for line in lines if "revenue (net of returns)" in line)
    returns = next(line for line in lines if line.lstrip("│ ").startswith("returns"))
    # before: "25.00 $" and "-3.75 $"
    assert "$25.00" in revenue and "-$3.75" in returns and "25.00 $" not in revenue
    assert "revenue ($)" in out


def test_summary_shows_money_with_the_currency_of_the_orders(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency\n"
        "1,2025-12-01,c1,p1,2,12.50,EUR\n2,2025-12-02,c2,p2,1,3.75,EUR\n",
        encoding="utf-8",
    )
    code, out, _ = run(["summary", "--data", str(shop)], capsys)
    assert code == 0
    revenue = next(line for line in out.splitlines() if "revenue (net of returns)" in line)
    assert "28.75 EUR" in revenue
    assert "revenue (EUR)" in out  # the top categories' money column, as the report heads it
    # the setting names the currency of a shop whose files name none
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "1,2025-12-01,c1,p1,2,12.50\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "gbp")
    code, out, _ = run(["summary", "--data", str(shop)], capsys)
    assert code == 0 and "25.00 GBP" in out
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "pounds sterling")
    code, _, err = run(["summary", "--data", str(shop)], capsys)
    assert code == 2 and "is not a currency code" in err and "Traceback" not in err

"""`promopilot plan`, `promopilot uplift` and `promopilot demo` as a person runs them."""

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from promopilot.offers.plan import PLAN_COLUMNS

EXE = [sys.executable, "-c", "from promopilot.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "200"}  # wide enough that no table cell wraps


def promopilot(*args):
    return subprocess.run([*EXE, *map(str, args)], capture_output=True, text=True, env=ENV,
                          timeout=900)


@pytest.fixture(scope="module")
def db(shop_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "shop.duckdb"
    shutil.copy(shop_db, path)
    return path


def test_plan_writes_the_plan_file_and_prints_its_summary(db, tmp_path):
    out = tmp_path / "plans" / "spring.csv"
    done = promopilot("plan", "--budget", 1800, "--out", out, "--db", db,
                      "--campaign-id", "spring")
    assert done.returncode == 0, done.stderr
    plan = pd.read_csv(out, keep_default_na=False, dtype={"offer_id": str})
    assert list(plan.columns) == PLAN_COLUMNS
    assert plan["customer_id"].is_unique
    text = done.stdout
    # customers per offer, profit and cost with intervals, the slices, the alternatives and
    # the rules: and the numbers printed are the file's
    n_target = ((plan["group"] == "target") & (plan["offer_id"] != "")).sum()
    n_control = (plan["group"] == "control").sum()
    n_explore = (plan["group"] == "explore").sum()
    assert f"targeted: {n_target:,} of {len(plan):,} customers" in text
    assert f"control group {n_control:,}" in text and f"exploration {n_explore:,}" in text
    cost = plan.loc[plan["offer_id"] != "", "expected_cost"].sum()
    assert f"expected discount cost {cost:,.2f} of budget 1,800.00 (interval" in text
    assert "expected incremental profit" in text
    for offer in plan.loc[plan["group"] == "target", "offer_id"].replace("", pd.NA).dropna():
        assert offer in text
    assert "to everyone" in text and "to the likeliest buyers, same budget" in text
    assert "who gets what" in text
    assert "class:" in out.with_suffix(".rules.txt").read_text(encoding="utf-8")
    assert "model: " in text


def test_plan_bad_input_is_one_line_without_a_traceback(db, tmp_path):
    done = promopilot("plan", "--budget", 100, "--db", tmp_path / "missing.duckdb")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no store here" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = promopilot("plan", "--budget", -5, "--db", db)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    done = promopilot("plan", "--budget", 100, "--db", db, "--data", tmp_path)
    assert done.returncode == 2 and "either --db or --data" in done.stderr


def test_uplift_evaluate_prints_scores_per_offer_and_writes_the_qini_plot(db, tmp_path):
    report = tmp_path / "report"
    done = promopilot("uplift", "--evaluate", "--report", report, "--db", db)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "held out" in text
    for column in ("qini", "auuc", "uplift_at_30"):
        assert column in text
    lines = [line for line in text.splitlines() if "pooled-x" in line]
    assert {o for o in ("pct10", "mj150_20", "freeship", "beauty15")
            if any(o in line for line in lines)} == {"pct10", "mj150_20", "freeship", "beauty15"}
    page = (report / "qini.html").read_text(encoding="utf-8")
    assert "Qini curves" in page and "pooled-x" in page


def test_demo_runs_the_loop_and_ends_with_a_plan(tmp_path):
    done = promopilot("demo", "--out", tmp_path / "demo", "--customers", 1500)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    # the plan is the last step: its summary comes after the profile and uplift steps
    assert text.index("know each customer") < text.index("who gets which offer")
    tail = text[text.index("who gets which offer"):]
    assert "targeted:" in tail and "expected incremental profit" in tail
    assert "who gets what" in tail and "report:" in tail
    plan = pd.read_csv(tmp_path / "demo" / "plan.csv", keep_default_na=False)
    assert list(plan.columns) == PLAN_COLUMNS and len(plan) == 1500
    page = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert "The campaign plan" in page
    # no contact data in the report or the plan
    contacts = pd.read_csv(tmp_path / "demo" / "shop" / "customers.csv", dtype=str)
    plan_text = (tmp_path / "demo" / "plan.csv").read_text(encoding="utf-8")
    for column in ("email", "phone"):
        assert not any(value in page or value in plan_text for value in contacts[column])

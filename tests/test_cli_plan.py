"""`promopilot plan`, `promopilot uplift` and `promopilot demo` as a person runs them (in a
subprocess: slow), and the same commands' parsing, errors and output in-process (fast)."""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import pandas as pd
import pytest
from rich.console import Console

from promopilot.cli import common as cli_common
from promopilot.cli import main
from promopilot.cli.plan import plan_tables
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.forecast import forecast_text, plan_forecast, read_forecast, write_forecast
from promopilot.offers.plan import PLAN_COLUMNS, PlanResult
from promopilot.synth.shop import make_shop

EXE = [sys.executable, "-c", "from promopilot.cli import main; main()"]
ENV = {**os.environ, "COLUMNS": "200"}  # wide enough that no table cell wraps


def promopilot(*args):
    return subprocess.run(
        [*EXE, *map(str, args)], capture_output=True, text=True, env=ENV, timeout=900
    )


@pytest.fixture(scope="module")
def db(shop_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "shop.duckdb"
    shutil.copy(shop_db, path)
    return path


@pytest.mark.slow
def test_plan_writes_the_plan_file_and_prints_its_summary(db, tmp_path):
    out = tmp_path / "plans" / "spring.csv"
    # the shop's past campaign is too small to prove a plan's profit: target anyway
    done = promopilot(
        "plan", "--budget", 1800, "--out", out, "--db", db, "--campaign-id", "spring",
        "--allow-uncertain",
    )  # fmt: skip
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
    # (with an interval where the chosen policy is a response model with bootstrap draws)
    assert f"expected discount cost {cost:,.2f} of budget 1,800.00" in text
    assert "forecast (out of fold" in text and "in-sample model sum" in text
    for offer in plan.loc[plan["group"] == "target", "offer_id"].replace("", pd.NA).dropna():
        assert offer in text
    assert "to everyone" in text and "to the likeliest buyers, same budget" in text
    assert "who gets what" in text
    # the rules in words, on the terminal and in the file: no raw column or "class:"
    rules = out.with_suffix(".rules.txt").read_text(encoding="utf-8")
    assert "offer: " in rules and "class:" not in rules and "class:" not in text
    assert "recency_days" not in rules
    assert "model: " in text


@pytest.mark.slow
def test_plan_bad_input_is_one_line_without_a_traceback(db, tmp_path):
    done = promopilot("plan", "--budget", 100, "--db", tmp_path / "missing.duckdb")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no store here" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = promopilot("plan", "--budget", -5, "--db", db)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    done = promopilot("plan", "--budget", 100, "--db", db, "--data", tmp_path)
    assert done.returncode == 2 and "either --db or --data" in done.stderr


@pytest.mark.slow
def test_uplift_prints_scores_per_offer_and_writes_the_qini_plot(db, tmp_path):
    report = tmp_path / "report"
    done = promopilot("uplift", "--report", report, "--db", db)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "held out" in text
    for column in ("Qini", "AUUC", "uplift top 30%", "offered", "control"):
        assert column in text
    lines = [line for line in text.splitlines() if "pooled-x" in line]
    assert {
        o for o in ("pct10", "mj150_20", "freeship", "beauty15") if any(o in line for line in lines)
    } == {"pct10", "mj150_20", "freeship", "beauty15"}
    page = (report / "qini.html").read_text(encoding="utf-8")
    assert "Qini curves" in page and "pooled-x" in page


@pytest.mark.slow
def test_demo_runs_the_loop_and_ends_with_a_plan(tmp_path):
    done = promopilot("demo", "--out", tmp_path / "demo", "--customers", 1500)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    # the plan is the last step: its summary comes after the profile and uplift steps
    assert text.index("know each customer") < text.index("who gets which offer")
    tail = text[text.index("who gets which offer") :]
    assert "targeted:" in tail and "forecast (out of fold" in tail
    assert "who gets what" in tail and "report:" in tail
    plan = pd.read_csv(tmp_path / "demo" / "plan.csv", keep_default_na=False)
    # the demo shop's orders name their currency (yuan): the plan says it, messages write ¥
    assert list(plan.columns) == [*PLAN_COLUMNS, "currency"] and len(plan) == 1500
    assert set(plan["currency"]) == {"CNY"}
    messages = [p for p in (tmp_path / "demo" / "messages").rglob("*") if p.is_file()]
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in messages)
    assert re.search(r"¥\d", written)
    page = (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
    assert "The campaign plan" in page
    # the plan tables' sums of money name the shop's currency, as the report's other money
    # columns do (they read "expected cost" with no currency)
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", page.split("The campaign plan", 1)[1])
    assert "expected cost (CNY)" in heads and "expected cost" not in heads
    assert "expected profit (model, in-sample) (CNY)" in heads
    # the uplift scores each with its interval in one cell, no raw bound columns
    assert "qini_low" not in page and re.search(r"<td[^>]*>-?\d\.\d{3} \[-?\d\.\d{3}, ", page)
    # the plan's rules in words: no column the rules split on by its raw name
    from promopilot.offers.explain import RULE_FEATURES

    (rules,) = [p for p in re.findall(r"<pre>(.*?)</pre>", page, flags=re.S) if "who gets" in p]
    assert "|--- " in rules and "class:" not in rules
    assert not [c for c in RULE_FEATURES if c in rules]
    # no contact data in the report or the plan
    contacts = pd.read_csv(tmp_path / "demo" / "shop" / "customers.csv", dtype=str)
    plan_text = (tmp_path / "demo" / "plan.csv").read_text(encoding="utf-8")
    for column in ("email", "phone"):
        assert not any(value in page or value in plan_text for value in contacts[column])
    # the dashboard's model quality is kept in the store: the models page opens at once
    from promopilot.data.queries import computed
    from promopilot.data.store import Store

    with Store(tmp_path / "demo" / "promopilot.duckdb", read_only=True) as store:
        kept = set(store.query(f"SELECT name FROM {computed.TABLE}")["name"])
    assert {"recommendation_quality", "uplift_quality"} <= kept


# -- in-process: the same parsing, errors and output without a subprocess ----------------------
def run_cli(capsys, monkeypatch, *args) -> tuple[int, str, str]:
    """`promopilot ARGS` in this process: (exit code, stdout, stderr), tables 200 wide."""
    monkeypatch.setattr(cli_common.console, "_width", 200)
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_plan_usage_and_input_errors_exit_2_with_one_line(capsys, monkeypatch, tmp_path):
    code, _, err = run_cli(
        capsys, monkeypatch, "plan", "--budget", 100, "--db", tmp_path / "missing.duckdb"
    )
    assert code == 2 and "no store here" in err and len(err.strip().splitlines()) == 1
    code, out, err = run_cli(
        capsys, monkeypatch, "plan", "--budget", -5, "--db", tmp_path / "missing.duckdb"
    )
    assert code == 2 and "Traceback" not in out + err and "--budget" in err
    code, _, err = run_cli(
        capsys,
        monkeypatch,
        "plan",
        "--budget",
        100,
        "--db",
        tmp_path / "x.duckdb",
        "--data",
        tmp_path,
    )
    assert code == 2 and "either --db or --data" in err
    code, _, err = run_cli(capsys, monkeypatch, "uplift", "--k", 2, "--db", tmp_path / "x")
    assert code == 2 and "--k" in err


@pytest.fixture(scope="module")
def fresh_shop_db(tmp_path_factory):
    """A small shop (400 customers) with no campaign history, ingested into a DuckDB file."""
    folder = tmp_path_factory.mktemp("fresh")
    path = folder / "fresh.duckdb"
    with Store(path) as store:
        ingest(store, make_shop(400, seed=1, campaign_share=0.0).write(folder / "shop"))
        store.execute("DELETE FROM campaigns")
    return path


def test_plan_without_history_writes_a_designed_test(capsys, monkeypatch, fresh_shop_db, tmp_path):
    path = tmp_path / "fresh.duckdb"
    shutil.copy(fresh_shop_db, path)
    out = tmp_path / "first.csv"
    code, text, err = run_cli(
        capsys,
        monkeypatch,
        "plan",
        "--budget",
        500,
        "--db",
        path,
        "--out",
        out,
        "--campaign-id",
        "first",
        "--as-of",
        "2026-07-01",
    )
    assert code == 0, err
    plan = pd.read_csv(out, keep_default_na=False, dtype={"offer_id": str})
    assert list(plan.columns) == PLAN_COLUMNS and plan["customer_id"].is_unique
    assert "randomized test" in text and "proposed test first (not sent)" in text
    # proposed, not sent: the command names its own flag for sending it
    assert "not sent unless the plan is asked to run it" in text
    assert "Send this test with --run-test." in text
    # the printed arm sizes and costs are the file's; the test's cost fits the budget
    arms = plan["offer_id"].replace("", "no offer")
    groups = plan["group"].replace("none", "not in the test")
    for (group, arm), n in arms.groupby(groups).value_counts().items():
        assert f"{group} " in text and f"{arm} " in text and f"{n:,}" in text
    assert plan["expected_cost"].sum() <= 500 + 1e-6
    assert (plan["campaign_id"] == "first").all()
    assert f"plan written to {out} ({len(plan):,} rows)" in text.replace("\n", "")
    forecast = read_forecast(out)  # beside the plan, for the dashboard
    assert forecast["checked"] is False and forecast["decision_code"] == "nothing"


def _small_plan() -> PlanResult:
    plan = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "offer_id": ["pct10", "", "", "x"],
            "group": ["target", "control", "target", "explore"],
        }
    )
    return PlanResult(
        plan=plan,
        campaign_id="spring",
        as_of=pd.Timestamp("2026-07-01"),
        budget=1800.0,
        per_offer=pd.DataFrame(
            {
                "offer_id": ["pct10", "x"],
                "group": ["target", "explore"],
                "customers": [1, 1],
                "expected_profit": [12.5, -1.25],
                "expected_cost": [3.0, 1.0],
            }
        ),
        totals={
            "expected_profit": 11.25,
            "expected_cost": 4.0,
            "n_target": 1,
            "n_control": 1,
            "n_explore": 1,
            "n_considered": 4,
            "profit_interval": (2.0, 20.0),
            "cost_interval": (3.5, 4.5),
        },
        alternatives=pd.DataFrame(
            {
                "alternative": ["pct10 to everyone"],
                "customers": [4],
                "expected_profit": [-30.0],
                "expected_cost": [40.0],
            }
        ),
        rules="who gets what (a depth-3 tree reproduces 100% of the plan's choices):",
        model_name="pooled-x",
    )


def test_plan_summary_prints_the_plan_numbers():
    result = _small_plan()
    console = Console(width=200, record=True)
    for item in plan_tables(result):
        console.print(item)
    text = console.export_text()
    assert "plan spring (as of 2026-07-01)" in text and "model: pooled-x" in text
    assert "targeted: 1 of 4 customers; control group 1" in text and "exploration 1" in text
    assert "expected incremental profit 11.25 (interval 2.00 .. 20.00)" in text
    assert "expected discount cost 4.00 of budget 1,800.00 (interval 3.50 .. 4.50)" in text
    assert "pct10 to everyone" in text and "-30.00" in text and "who gets what" in text


def test_plan_summary_shows_money_with_the_shops_currency():
    console = Console(width=200, record=True)
    for item in plan_tables(_small_plan(), "EUR"):
        console.print(item)
    text = console.export_text()
    assert "expected incremental profit 11.25 EUR (interval 2.00 EUR .. 20.00 EUR)" in text
    assert "expected discount cost 4.00 EUR of budget 1,800.00 EUR" in text
    # a column of money is headed as the report and the dashboard head it
    assert "expected profit (EUR)" in text and "expected cost (EUR)" in text


def test_plan_summary_prints_the_out_of_fold_forecast():
    from promopilot.offers.selfcheck import SelfCheck

    plan = pd.DataFrame({"customer_id": ["a", "b"], "offer_id": ["pct10", ""], "group": "target"})
    result = PlanResult(
        plan=plan,
        campaign_id="c",
        as_of=pd.Timestamp("2026-07-01"),
        budget=10.0,
        per_offer=pd.DataFrame(
            columns=["offer_id", "group", "customers", "expected_profit", "expected_cost"]
        ),
        totals={
            "expected_profit": 99.0,
            "expected_cost": 4.0,
            "n_target": 1,
            "n_control": 0,
            "n_explore": 0,
            "n_considered": 2,
        },
        alternatives=pd.DataFrame(
            columns=["alternative", "customers", "expected_profit", "expected_cost"]
        ),
        self_check=SelfCheck(
            per_customer=1.5, low=-0.5, high=3.5, customers=700, policy_sends=300, confidence=0.9
        ),
        self_check_note="Past campaigns do not show that this plan makes money: ...",
    )
    console = Console(width=200, record=True)
    for item in plan_tables(result):
        console.print(item)
    text = console.export_text()
    # the forecast is the out-of-fold figure for the plan's customers, not the model's sum
    assert "incremental profit 3.00 (interval -1.00 .. 7.00) for 2 customers" in text
    assert "out of fold on 700 past campaign exposures" in text
    assert "in-sample model sum 99.00" in text
    assert "do not show that this plan makes money" in text


def test_the_self_check_table_writes_money_as_the_plan_lines_do():
    from types import SimpleNamespace

    from promopilot.cli.plan import check_table

    candidates = pd.DataFrame(
        {"policy": ["model"], "estimate": [1234.5], "low": [-0.001], "high": [2500.0], "sends": 9}
    )
    check = SimpleNamespace(
        candidates=candidates, policy="model", customers=700, confidence=0.9, z=float("nan")
    )
    console = Console(width=200, record=True)
    console.print(check_table(check, "EUR"))
    text = console.export_text()
    # thousands separated, zero without a sign (it was +1234.50 and -0.00), headed as the
    # report heads money
    assert "+1,234.50" in text and "+2,500.00" in text and " 0.00 " in text
    assert "estimate (EUR)" in text and "-0.00" not in text


def test_the_self_check_table_says_what_its_intervals_cover_without_a_critical_value():
    """The demo's plan headed its candidates "policies compared out of fold on 2,913 past
    campaign exposures (doubly robust profit per customer, intervals at 90.0% for all 4
    together, z = 2.15)": a z an owner cannot act on, a level with a needless decimal."""
    from types import SimpleNamespace

    from promopilot.cli.plan import check_table

    candidates = pd.DataFrame(
        {"policy": ["pooled-x", "everyone"], "estimate": [6.71, 1.16], "low": [-1.79, -4.29]}
    ).assign(high=[15.21, 6.6], sends=[1681, 538])
    check = SimpleNamespace(
        candidates=candidates, policy="pooled-x", customers=2913, confidence=0.9, z=2.15
    )
    console = Console(width=100, record=True)
    console.print(check_table(check, "EUR"))
    text = " ".join(console.export_text().split())
    assert "each tried on 2,913 past campaign exposures it was not fitted on" in text
    assert "profit per customer, 90% intervals that hold for all 2 together" in text
    assert "z =" not in text and "90.0%" not in text


def test_the_self_check_table_counts_whom_each_policy_would_offer_not_offers_sent():
    """The demo's candidates read "everyone ... offers sent 1,512" beside 3,880 past exposures:
    no offer was sent (the policies are valued on past exposures), and "everyone" offered only
    as many as the budget's share allowed, never the control. The column says of how many,
    with the share, and the caption what the count is and why "everyone" is not all."""
    from types import SimpleNamespace

    from promopilot.cli.plan import check_table

    candidates = pd.DataFrame(
        {"policy": ["t-learner", "everyone"], "estimate": [5.36, 3.55], "low": [-2.07, -2.1]}
    ).assign(high=[12.8, 9.21], sends=[3065, 1512])
    check = SimpleNamespace(
        candidates=candidates, policy="t-learner", customers=3880, confidence=0.9, z=2.2
    )
    console = Console(width=200, record=True)
    console.print(check_table(check))
    text = " ".join(console.export_text().split())
    assert "offers sent" not in text and "would offer (of 3,880)" in text
    assert "1,512 (39%)" in text and "3,065 (79%)" in text
    assert "of the 3,880 past exposures, how many the policy" in text
    assert "nothing was sent" in text and "never the control" in text


def test_the_forecast_pages_show_is_the_out_of_fold_one_with_its_warning(tmp_path):
    from promopilot.offers.selfcheck import SelfCheck

    plan = pd.DataFrame({"customer_id": ["a", "b"], "offer_id": ["pct10", ""], "group": "target"})
    result = PlanResult(
        plan=plan,
        campaign_id="c",
        as_of=pd.Timestamp("2026-07-01"),
        budget=10.0,
        totals={"expected_profit": 99.0, "n_considered": 2},
        self_check=SelfCheck(
            per_customer=1.5, low=-0.5, high=3.5, customers=700, policy_sends=300, confidence=0.9
        ),
        self_check_note="Past campaigns do not show that any candidate policy makes money.",
    )
    forecast = plan_forecast(result)
    assert (forecast["estimate"], forecast["low"], forecast["high"]) == (3.0, -1.0, 7.0)
    assert forecast["in_sample_sum"] == 99.0 and forecast["decision_code"] == "targets_anyway"
    text = forecast_text(forecast)
    assert "3.00 (interval -1.00 .. 7.00 at 90%) for 2 customers" in text
    assert "do not show that any candidate policy makes money" in text and "99" not in text
    write_forecast(tmp_path / "plan.csv", result)
    assert read_forecast(tmp_path / "plan.csv") == forecast
    assert read_forecast(tmp_path / "other.csv") is None
    unchecked = forecast_text(plan_forecast(replace(result, self_check=None, self_check_note="")))
    assert "not checked" in unchecked and "in-sample sum, 99.00, is no forecast" in unchecked


def test_the_forecast_and_the_warning_name_the_shops_currency():
    from promopilot.offers.forecast import no_profit_warning
    from promopilot.offers.selfcheck import SelfCheck

    check = SelfCheck(
        per_customer=1.5, low=-0.5, high=1234.5, customers=700, policy_sends=300, confidence=0.9
    )
    warning = no_profit_warning(check, "EUR")
    assert "earns +1.50 EUR per customer out of fold (interval -0.50 EUR .. +1,234.50 EUR at" in (
        warning
    )
    plan = pd.DataFrame({"customer_id": ["a", "b"], "offer_id": ["pct10", ""], "group": "target"})
    result = PlanResult(
        plan=plan,
        campaign_id="c",
        as_of=pd.Timestamp("2026-07-01"),
        budget=10.0,
        totals={"expected_profit": 99.0, "n_considered": 2},
        self_check=check,
        self_check_note=warning,
        currency="EUR",
    )
    forecast = plan_forecast(result)
    assert forecast["currency"] == "EUR"
    text = forecast_text(forecast)
    assert "3.00 EUR (interval -1.00 EUR .. 2,469.00 EUR at 90%) for 2 customers" in text
    assert warning in text
    unchecked = forecast_text(plan_forecast(replace(result, self_check=None, self_check_note="")))
    assert "in-sample sum, 99.00 EUR, is no forecast" in unchecked


def _with_campaign(fresh_shop_db, tmp_path, sent_at: str, arms: list[str]):
    """A copy of the fresh shop whose store holds one randomized campaign (arms in turn)."""
    path = tmp_path / "shop.duckdb"
    shutil.copy(fresh_shop_db, path)
    with Store(path) as store:
        ids = store.table("customers")["customer_id"].tolist()
        rows = [f"k,{c},{arms[i % len(arms)]},{sent_at},{1 / len(arms)}" for i, c in enumerate(ids)]
        folder = tmp_path / "campaign"
        folder.mkdir()
        (folder / "campaigns.csv").write_text(
            "campaign_id,customer_id,offer_id,sent_at,propensity\n" + "\n".join(rows) + "\n"
        )
        ingest(store, folder / "campaigns.csv")
    return path


def test_plan_on_a_campaign_that_sent_nothing_says_so(capsys, monkeypatch, fresh_shop_db, tmp_path):
    path = _with_campaign(fresh_shop_db, tmp_path, "2026-05-01", [""])
    code, text, err = run_cli(
        capsys, monkeypatch, "plan", "--budget", 500, "--db", path, "--allow-uncertain",
        "--out", tmp_path / "plan.csv", "--as-of", "2026-07-01",
    )  # fmt: skip
    assert code == 0, err
    assert "sent no offer" in text and "randomized test" in text


def test_plan_leaves_out_a_campaign_without_outcomes_yet(
    capsys, monkeypatch, fresh_shop_db, tmp_path
):
    # sent after the last order or event, as `send` records one: its purchases are not in yet
    path = _with_campaign(fresh_shop_db, tmp_path, "2026-07-01", ["", "pct10"])
    code, text, err = run_cli(
        capsys, monkeypatch, "plan", "--budget", 500, "--db", path,
        "--out", tmp_path / "plan.csv", "--as-of", "2026-07-01",
    )  # fmt: skip
    assert code == 0, err
    assert "not counted until their outcomes are ingested" in " ".join(text.split())


def test_plan_on_old_data_says_what_date_it_describes_the_customers_at(
    capsys, monkeypatch, fresh_shop_db, tmp_path
):
    from promopilot.data import shop_time

    path = tmp_path / "fresh.duckdb"
    shutil.copy(fresh_shop_db, path)
    with Store(path, read_only=True) as store:
        newest = store.date_range()[1]
        day, plan_date = store.local_text(newest, to="day"), store.local_text(store.default_as_of())
        later = store.local_text(newest + pd.Timedelta(days=365), to="day")
    args = ["plan", "--budget", 500, "--db", path, "--out", tmp_path / "plan.csv"]
    # a year on: the plan is the data's (the day after its newest order), and it says so first
    # the clock the plan reads (raising=False: the test runs, and fails, where there is none)
    monkeypatch.setattr(
        shop_time, "utc_now", lambda: newest + pd.Timedelta(days=365), raising=False
    )
    code, text, err = run_cli(capsys, monkeypatch, *args)
    assert code == 0, err
    assert " ".join(text.split()).startswith(
        f"Old data: the shop's newest order or event is from {day}, 365 days before today "
        f"({later}); this plan describes its customers as of {plan_date} (choose the date with "
        "--as-of)"
    )
    # a week on: nothing to say
    monkeypatch.setattr(shop_time, "utc_now", lambda: newest + pd.Timedelta(days=7), raising=False)
    code, text, err = run_cli(capsys, monkeypatch, *args)
    assert code == 0, err
    assert "Old data" not in text

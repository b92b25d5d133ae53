"""`promopilot report` and `evaluate-policy`, and the demo's plan -> outcomes -> report stage
(opened in headless Chromium)."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from promopilot.cli.report import app, demo_measure_step
from promopilot.data.currency import money, stored_currency
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def _campaign_db(tmp_path_factory) -> Path:
    """A randomized campaign of 600 customers with a real effect of the offer, ingested once for
    the module (tests get a copy: the commands may write to it)."""
    tmp_path = tmp_path_factory.mktemp("campaign")
    rng = np.random.default_rng(5)
    n = 600
    ids = [f"c{i:04d}" for i in range(n)]
    arm = np.where(rng.random(n) < 0.5, "pct10", "")
    pre = rng.random(n) < 0.3
    buy = rng.random(n) < np.where(arm == "pct10", 0.35, 0.15) + 0.2 * pre
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame({"product_id": ["p"], "price": [40.0], "cost": [20.0]}).to_csv(
        folder / "products.csv", index=False
    )
    pd.DataFrame(
        {"offer_id": ["pct10"], "kind": ["percent_off"], "value": [0.1], "send_cost": [0.1]}
    ).to_csv(folder / "offers.csv", index=False)
    pd.DataFrame(
        {
            "campaign_id": "spring",
            "customer_id": ids,
            "offer_id": arm,
            "sent_at": "2026-03-01T10:00:00",
            "propensity": 0.5,
        }
    ).to_csv(folder / "campaigns.csv", index=False)
    buyers, before = np.flatnonzero(buy), np.flatnonzero(pre)
    days = rng.integers(0, 14, len(buyers))
    pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in buyers] + [f"b{i}" for i in before],
            "timestamp": [f"2026-03-{2 + d:02d}" for d in days] + ["2026-02-20"] * len(before),
            "customer_id": [ids[i] for i in buyers] + [ids[i] for i in before],
            "product_id": "p",
            "quantity": 1,
            "unit_price": 40.0,
            "discount": 0.0,
        }
    ).to_csv(folder / "orders.csv", index=False)
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        ingest(store, folder)
    return path


@pytest.fixture()
def campaign_db(_campaign_db, tmp_path) -> Path:
    """This test's own copy of the campaign's store."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(_campaign_db, path)
    return path


def test_report_command_writes_json_and_html(campaign_db, tmp_path):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    done = runner.invoke(
        app,
        [
            "report",
            "spring",
            "--db",
            str(campaign_db),
            "--json",
            str(out_json),
            "--html",
            str(out_html),
            "--window-days",
            "14",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "lift over sending nothing" in done.output and "whole campaign" in done.output
    result = json.loads(out_json.read_text(encoding="utf-8"))
    assert result["campaign_id"] == "spring" and result["window_days"] == 14
    assert result["control"]["customers"] + result["arms"][0]["customers"] == 600
    assert result["verdict"] == "gain"  # +20 points of conversion at a 10% discount
    page = out_html.read_text(encoding="utf-8")
    assert "每位顾客利润" in page and "Plotly.newPlot" in page
    assert "<script src=" not in page  # offline: plotly.js is embedded, no CDN
    assert "Promotion depth" in page and "returns and reviews" in page


def test_the_report_shows_money_in_the_shops_currency(campaign_db, tmp_path, monkeypatch):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    args = ["report", "spring", "--db", str(campaign_db), "--json", str(out_json)]
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    # no currency known: the JSON as before, without the key
    assert "currency" not in json.loads(out_json.read_text(encoding="utf-8"))
    assert "EUR" not in done.output
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "eur")
    done = runner.invoke(app, [*args, "--html", str(out_html)])
    assert done.exit_code == 0, done.output
    result = json.loads(out_json.read_text(encoding="utf-8"))
    assert result["currency"] == "EUR"
    words = " ".join(done.output.split())
    assert "The campaign earned money: incremental profit " in words
    verdict = result["summary"]
    assert verdict.startswith("The campaign earned money: incremental profit ")
    profit = result["incremental_profit"]
    assert f"{profit['estimate']:,.2f} EUR (90% interval {profit['low']:,.2f} EUR to" in verdict
    assert "EUR" in done.output.split("The campaign earned")[0]  # the lift table's money columns
    page = out_html.read_text(encoding="utf-8")
    assert "Money in EUR 金额单位：EUR" in page
    # the headline writes the currency after each sum, as the verdict does
    assert f"增量利润 {money(profit['estimate'], 'EUR')} [{money(profit['low'], 'EUR')}, " in page
    assert f"{money(profit['high'], 'EUR')}]." in page and "] EUR." not in page


def test_a_campaign_without_outcomes_yet_shows_no_figures(campaign_db, tmp_path):
    # reported right after the send: no order in any window, so every lift would read
    # "0.00 [0.00, 0.00]", a certainty the data do not have
    with Store(campaign_db) as store:
        store.execute(
            "INSERT INTO campaigns (campaign_id, customer_id, offer_id, sent_at, propensity) "
            "SELECT 'autumn', customer_id, offer_id, TIMESTAMP '2026-09-01 10:00', propensity "
            "FROM campaigns WHERE campaign_id = 'spring'"
        )
    out_html = tmp_path / "autumn.html"
    args = ["report", "autumn", "--db", str(campaign_db), "--html", str(out_html)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "No outcomes yet" in done.output
    said = " ".join(done.output.split())
    # which one, how many were sent an offer and got nothing, and the data's end before the send
    assert "customers of campaign autumn (325 sent an offer, 275 got nothing) has" in said
    assert "The store's orders and events end before it was sent (" in said
    assert "0.00]" not in done.output and "0.0%]" not in done.output
    page = out_html.read_text(encoding="utf-8")
    assert "No outcomes yet" in page
    # in Chinese too, with the counts (it said only "窗口期内尚无订单")
    assert "（325 位收到优惠，275 位未获优惠）" in page and "截至发送之前" in page
    assert "0.00]" not in page and "0.0%]" not in page


def test_the_report_says_how_many_customers_used_their_code(campaign_db, tmp_path):
    with Store(campaign_db) as store:
        store.execute(
            "UPDATE campaigns SET \"group\" = CASE WHEN offer_id = '' THEN 'control' "
            "ELSE 'explore' END, coupon_code = CASE WHEN offer_id = '' THEN NULL "
            "ELSE 'CODE' || customer_id END"
        )
        store.execute(  # three of the offer's buyers typed their code, in lower case
            "UPDATE orders SET coupon_code = lower('CODE' || customer_id) "
            "WHERE order_id IN (SELECT o.order_id FROM orders o "
            "JOIN campaigns c USING (customer_id) WHERE c.offer_id = 'pct10' AND "
            "o.order_id LIKE 'o%' ORDER BY o.order_id LIMIT 3)"
        )
        with_code = store.scalar("SELECT count(*) FROM orders WHERE coupon_code IS NOT NULL")
        offered = store.scalar("SELECT count(*) FROM campaigns WHERE offer_id = 'pct10'")
    assert with_code == 3
    out_html = tmp_path / "r.html"
    done = runner.invoke(
        app, ["report", "spring", "--db", str(campaign_db), "--html", str(out_html)]
    )
    assert done.exit_code == 0, done.output
    said = f"Customers who ordered with their coupon code: pct10 {with_code} of {offered:,}."
    assert said in " ".join(done.output.split())
    assert said in out_html.read_text(encoding="utf-8")


def test_evaluate_policy_reads_a_policy_keyed_by_address_masked(campaign_db, tmp_path, capsys):
    from promopilot.cli import main

    # the two addresses are one customer: refused by line, the address masked
    policy = tmp_path / "policy.csv"
    policy.write_text(
        "customer_id,offer_id\nc0001,pct10\nann@example.com,pct10\n Ann@Example.COM,\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as done:
        main(["evaluate-policy", str(policy), "--campaign", "spring", "--db", str(campaign_db)])
    out = capsys.readouterr()
    assert done.value.code == 2 and len(out.err.strip().splitlines()) == 1
    assert (
        "policy.csv: line 4, column customer_id: 'a***@example.com': each customer once per "
        "policy (line 3 is the same customer)"
    ) in " ".join(out.err.split())
    assert "ann@" not in (out.err + out.out).lower()


def test_evaluate_policy_command(campaign_db, tmp_path, monkeypatch):
    monkeypatch.delenv("PROMOPILOT_CURRENCY", raising=False)
    policy = tmp_path / "policy.csv"
    pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(600)], "offer_id": "pct10"}).to_csv(
        policy, index=False
    )
    out_json = tmp_path / "ope.json"
    done = runner.invoke(
        app,
        [
            "evaluate-policy",
            str(policy),
            "--campaign",
            "spring",
            "--db",
            str(campaign_db),
            "--json",
            str(out_json),
        ],
    )
    assert done.exit_code == 0, done.output
    result = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(result["estimators"]) == {"ips", "snips", "dr"}
    assert result["incremental_profit_per_customer"]["low"] > 0
    assert "EUR" not in done.output
    # the table writes money as the rest of the CLI does (two decimals, signed); the JSON
    # keeps its full precision
    rows = {line.split()[1]: line for line in done.output.splitlines() if line.startswith("│")}
    for name, e in result["estimators"].items():
        cells = [money(e[k], sign=True) for k in ("estimate", "low", "high")]
        assert [c.strip() for c in rows[name].split("│")[2:5]] == cells, rows[name]
        assert f"{e['estimate']:,.3f}" not in rows[name]
        assert round(e["estimate"], 2) != e["estimate"]  # not rounded in the JSON


def test_evaluate_policy_heads_its_money_with_the_shops_currency(
    campaign_db, tmp_path, monkeypatch
):
    policy = tmp_path / "policy.csv"
    pd.DataFrame({"customer_id": ["c0001"], "offer_id": "pct10"}).to_csv(policy, index=False)
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    args = ["evaluate-policy", str(policy), "--campaign", "spring", "--db", str(campaign_db)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    header = done.output.split("ips")[0]
    assert header.count("EUR") == 3  # estimate, low and high
    assert "estimate (EUR)" in header  # as the report heads money (money_label)


@pytest.mark.parametrize("command", ["report", "evaluate-policy"])
def test_confidence_comes_from_the_setting_unless_given(
    command, campaign_db, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # no promopilot.toml here
    monkeypatch.delenv("PROMOPILOT_CONFIG", raising=False)
    policy = tmp_path / "policy.csv"
    pd.DataFrame({"customer_id": ["c0000", "c0001"], "offer_id": "pct10"}).to_csv(
        policy, index=False
    )
    target = ["spring"] if command == "report" else [str(policy), "--campaign", "spring"]
    out_json = tmp_path / "out.json"

    def level(*extra: str) -> float:
        args = [command, *target, "--db", str(campaign_db), "--json", str(out_json), *extra]
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
        return json.loads(out_json.read_text(encoding="utf-8"))["confidence"]

    monkeypatch.delenv("PROMOPILOT_CONFIDENCE", raising=False)
    assert level() == 0.90  # the built-in setting
    monkeypatch.setenv("PROMOPILOT_CONFIDENCE", "0.8")
    assert level() == 0.8
    (tmp_path / "promopilot.toml").write_text("[promopilot]\nconfidence = 0.7\n")
    monkeypatch.delenv("PROMOPILOT_CONFIDENCE")
    assert level() == 0.7
    assert level("--confidence", "0.99") == 0.99  # the option wins


def test_errors_are_one_line_and_exit_2(campaign_db, tmp_path, capsys):
    from promopilot.cli import main

    with pytest.raises(SystemExit) as done:
        main(["report", "nope", "--db", str(campaign_db)])
    assert done.value.code == 2
    bad = tmp_path / "policy.csv"
    bad.write_text("customer,offer\nc0001,pct10\n")
    with pytest.raises(SystemExit) as done:
        main(["evaluate-policy", str(bad), "--campaign", "spring", "--db", str(campaign_db)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "'nope' is not in the store (known: spring)" in err
    assert "missing columns customer_id, offer_id" in err and "Traceback" not in err


def _browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path("/usr/bin/chromium").exists()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not _browser_available(), reason="needs /usr/bin/chromium and playwright")
def test_demo_outcomes_report_renders_its_charts_in_chromium(shop, shop_db, tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "demo"
    shop.write(out / "shop")
    db = tmp_path / "store.duckdb"
    shutil.copy(shop_db, db)
    # a plan with a randomized control group and an exploration slice
    rng = np.random.default_rng(0)
    ids = shop.truth["customer_id"].to_numpy()
    u = rng.random(len(ids))
    offer = np.where(
        u < 0.2, "", np.where(u < 0.3, rng.choice(["pct10", "freeship"], len(ids)), "pct10")
    )
    group = np.where(u < 0.2, "control", np.where(u < 0.3, "explore", "target"))
    propensity = np.where(offer == "", 0.2, np.where(offer == "pct10", 0.75, 0.05))
    pd.DataFrame(
        {"customer_id": ids, "offer_id": offer, "group": group, "propensity": propensity}
    ).to_csv(out / "plan.csv", index=False)
    with Store(db) as store:
        sections = demo_measure_step(store, out)
    assert sections and (out / "campaign-report.json").exists()
    page = out / "campaign-report.html"
    shot = tmp_path / "campaign-report.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(page.resolve().as_uri())
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        plots = tab.locator(".js-plotly-plot")
        n_plots = plots.count()
        traces = [plots.nth(i).locator("g.trace").count() for i in range(n_plots)]
        points = tab.locator(".js-plotly-plot path.point").count()
        error_bars = tab.locator(".js-plotly-plot g.errorbar").count()
        tab.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(
        f"\n{n_plots} charts, traces per chart {traces}, {points} points, "
        f"{error_bars} error bars; screenshot {shot}"
    )
    assert not errors
    assert n_plots == 4  # lift per offer, cumulative profit, per segment, depth
    assert all(t > 0 for t in traces)
    assert error_bars > 0 and points > 0
    assert shot.stat().st_size > 20_000


def test_demo_outcomes_follow_the_send_in_a_shop_far_from_utc(shop, shop_db, tmp_path):
    """In a Shanghai store the simulated orders are written in the shop's time and read back
    as ingest reads them: none falls before the logged send (written as UTC wall-clock times,
    they were read 8 hours early, and the first hours' orders preceded the send)."""
    from promopilot.campaigns.exposures import record_exposures

    out = tmp_path / "demo"
    shop.write(out / "shop")
    db = tmp_path / "store.duckdb"
    shutil.copy(shop_db, db)
    ids = shop.truth["customer_id"].to_numpy()
    control = np.arange(len(ids)) % 5 == 0
    plan = pd.DataFrame(
        {
            "customer_id": ids,
            "offer_id": np.where(control, "", "pct10"),
            "group": np.where(control, "control", "target"),
            "propensity": 0.8,
        }
    )
    with Store(db, timezone="Asia/Shanghai") as store:
        sent_at = store.default_as_of()
        record_exposures(store, plan, campaign_id="demo", channel="email", sent_at=sent_at)
        demo_measure_step(store, out)
        first = store.scalar("SELECT min(timestamp) FROM orders WHERE order_id LIKE 'demo-O%'")
    assert pd.Timestamp(first) >= sent_at


def test_demo_outcomes_carry_the_shops_currency(shop, shop_db, tmp_path, monkeypatch):
    """The simulated orders.csv names the shop's currency as its exports do: it had no
    currency column, so a EUR shop's outcomes read as money in no currency."""
    out = tmp_path / "demo"
    shop.write(out / "shop")
    db = tmp_path / "store.duckdb"
    shutil.copy(shop_db, db)
    ids = shop.truth["customer_id"].to_numpy()
    control = np.arange(len(ids)) % 5 == 0
    pd.DataFrame(
        {
            "customer_id": ids,
            "offer_id": np.where(control, "", "pct10"),
            "group": np.where(control, "control", "target"),
            "propensity": 0.8,
        }
    ).to_csv(out / "plan.csv", index=False)
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "EUR")
    with Store(db) as store:
        demo_measure_step(store, out)
        recorded = stored_currency(store)
    orders = pd.read_csv(out / "outcomes" / "orders.csv", dtype=str)
    assert len(orders) and orders["currency"].eq("EUR").all()
    assert recorded == "EUR"  # the ingest read it as the orders' currency
    result = json.loads((out / "campaign-report.json").read_text(encoding="utf-8"))
    assert result["currency"] == "EUR"


@pytest.mark.parametrize(("encoding", "sep"), [("gbk", ","), ("utf-8-sig", "\t")])
def test_evaluate_policy_reads_a_policy_saved_by_chinese_excel(
    campaign_db, tmp_path, encoding, sep
):
    # Excel on a Chinese Windows saves "CSV" in GBK; "Unicode text" is tab-delimited
    policy = tmp_path / "policy.csv"
    pd.DataFrame(
        {"customer_id": [f"c{i:04d}" for i in range(600)], "offer_id": "pct10", "备注": "九折"}
    ).to_csv(policy, index=False, encoding=encoding, sep=sep)
    out_json = tmp_path / "ope.json"
    args = ["evaluate-policy", str(policy), "--campaign", "spring", "--db", str(campaign_db)]
    done = runner.invoke(app, [*args, "--json", str(out_json)])
    assert done.exit_code == 0, done.output
    assert json.loads(out_json.read_text(encoding="utf-8"))["policy_sends"] == 600


def test_evaluate_policy_reads_a_policy_saved_as_an_excel_workbook(campaign_db, tmp_path, capsys):
    from promopilot.cli import main

    policy = pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(600)], "offer_id": "pct10"})
    book, out_json = tmp_path / "policy.xlsx", tmp_path / "ope.json"
    policy.to_excel(book, index=False)
    args = ["evaluate-policy", str(book), "--campaign", "spring", "--db", str(campaign_db)]
    done = runner.invoke(app, [*args, "--json", str(out_json)])
    assert done.exit_code == 0, done.output
    assert json.loads(out_json.read_text(encoding="utf-8"))["policy_sends"] == 600
    policy.loc[9, "customer_id"] = "c0003"  # Excel row 11 (header on row 1)
    policy.to_excel(book, index=False)
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = " ".join(capsys.readouterr().err.split())
    assert exited.value.code == 2
    assert "policy.xlsx: row 11, column A (customer_id): 'c0003'" in err and "(row 5 is" in err

"""The CSVs of money (`plan`'s plan, `profile`'s customers) name the shop's currency in a
``currency`` column where it is known, and leave it out where it is not."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.offers.plan import PLAN_COLUMNS, PlanResult

ORDERS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price,Currency\n"
    "o1,2026-09-20 10:00,c1,p1,1,10,EUR\no2,2026-10-04 12:00,c1,p1,1,10,EUR\n"
    "o3,2026-09-28 09:00,c2,p1,2,10,EUR\no4,2026-10-11 20:00,c3,p1,1,10,EUR\n"
)


def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def _store(tmp_path, capsys, monkeypatch, orders: str):
    for name in ("PROMOPILOT_CONFIG", "PROMOPILOT_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    shop = tmp_path / "shop"
    shop.mkdir(exist_ok=True)
    (shop / "orders.csv").write_text(orders, encoding="utf-8")
    path = tmp_path / "s.duckdb"
    assert run(capsys, "ingest", shop, "--db", path)[0] == 0
    return path


@pytest.fixture()
def euro_db(tmp_path, capsys, monkeypatch):
    """A store of a shop whose orders file says its money is in euros."""
    return _store(tmp_path, capsys, monkeypatch, ORDERS)


@pytest.fixture()
def bare_db(tmp_path, capsys, monkeypatch):
    """The same shop with no currency anywhere."""
    bare = "\n".join(line.rsplit(",", 1)[0] for line in ORDERS.splitlines()) + "\n"
    return _store(tmp_path, capsys, monkeypatch, bare)


def test_the_profile_csv_names_its_currency(euro_db, capsys, tmp_path):
    out = tmp_path / "customers.csv"
    code, _, err = run(capsys, "profile", "--db", euro_db, "--out", out)
    assert code == 0, err
    customers = pd.read_csv(out)
    assert {"monetary", "clv_12m"} <= set(customers.columns)
    assert list(customers.columns)[-1] == "currency" and (customers["currency"] == "EUR").all()


def test_the_profile_csv_of_a_shop_without_a_currency_has_no_currency_column(
    bare_db, capsys, tmp_path
):
    out = tmp_path / "customers.csv"
    code, _, err = run(capsys, "profile", "--db", bare_db, "--out", out)
    assert code == 0, err
    assert "currency" not in pd.read_csv(out).columns


def _fake_plan(monkeypatch):
    import promopilot.offers.plan as planning

    def build_plan(store, **kwargs):  # the plan itself is not what is tested here
        plan = pd.DataFrame(
            {"customer_id": ["c1"], "offer_id": ["pct10"], "group": "target", "propensity": 1.0}
        )
        for col in PLAN_COLUMNS:
            plan[col] = plan.get(col, 2.5)
        return PlanResult(
            plan=plan[PLAN_COLUMNS],
            campaign_id="spring",
            as_of=store.as_of(None),
            budget=10.0,
            timezone=store.timezone,
            totals={"expected_profit": 1.0, "expected_cost": 2.5, "n_target": 1}
            | {"n_control": 0, "n_explore": 0, "n_considered": 1},
        )

    monkeypatch.setattr(planning, "build_plan", build_plan)


def test_the_plan_csv_names_the_currency_its_money_is_in(euro_db, capsys, tmp_path, monkeypatch):
    _fake_plan(monkeypatch)
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", "--budget", 10, "--db", euro_db, "--out", out)
    assert code == 0, err
    plan = pd.read_csv(out, keep_default_na=False)
    assert list(plan.columns) == [*PLAN_COLUMNS, "currency"]
    assert (plan["currency"] == "EUR").all() and plan["expected_cost"].iat[0] == 2.5


def test_the_currency_setting_names_the_plan_csvs_currency(bare_db, capsys, tmp_path, monkeypatch):
    _fake_plan(monkeypatch)
    monkeypatch.setenv("PROMOPILOT_CURRENCY", "gbp")  # a store that recorded none
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", "--budget", 10, "--db", bare_db, "--out", out)
    assert code == 0, err
    assert pd.read_csv(out)["currency"].tolist() == ["GBP"]


def test_the_plan_csv_of_a_shop_without_a_currency_is_as_before(
    bare_db, capsys, tmp_path, monkeypatch
):
    _fake_plan(monkeypatch)
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", "--budget", 10, "--db", bare_db, "--out", out)
    assert code == 0, err
    assert list(pd.read_csv(out).columns) == PLAN_COLUMNS


def test_retrain_writes_the_currency_beside_its_money(euro_db, capsys, tmp_path):
    past = tmp_path / "past"
    past.mkdir()
    (past / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        "fall,c1,,2026-10-01 09:00,0.5\nfall,c2,,2026-10-01 09:00,0.5\n",
        encoding="utf-8",
    )
    assert run(capsys, "ingest", past / "campaigns.csv", "--db", euro_db)[0] == 0
    out_dir = tmp_path / "retrain"
    code, _, err = run(capsys, "retrain", "--db", euro_db, "--out", out_dir, "--no-evaluate")
    assert code == 0, err
    campaigns = pd.read_csv(out_dir / "campaigns.csv")  # revenue and profit per campaign
    assert {"revenue", "profit"} <= set(campaigns) and campaigns["currency"].eq("EUR").all()
    assert pd.read_csv(out_dir / "customers.csv")["currency"].eq("EUR").all()

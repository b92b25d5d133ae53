"""A shop that names no currency code but writes its prices with one sign (``￥89``, the
full-width yen of GBK files, or ``¥89``, ``$59.00``) had its money shown bare by ``summary``,
``plan``, ``report`` and the dashboard, while its messages wrote the sign. They now show the
sign its files write (``¥28.50``), as its messages do; the CSVs' ``currency`` column stays
for a currency (a code, or a currency cell) only, and files with two signs stay bare."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from promopilot.cli import main
from promopilot.data.money_signs import money_currency
from promopilot.data.store import Store
from promopilot.offers.plan import PLAN_COLUMNS, PlanResult
from promopilot.serve.app import create_app
from promopilot.serve.config import ServeConfig
from promopilot.serve.state import build_state

KEY = "admin-key-signs"


def orders(first: str, second: str) -> str:
    return (
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        f"o1,2026-09-20 10:00,c1,p1,1,{first}12.50\n"
        f"o2,2026-10-04 12:00,c2,p1,2,{second}8.00\n"
    )


def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture()
def shop_db(tmp_path, capsys, monkeypatch):
    for name in ("PROMOPILOT_CONFIG", "PROMOPILOT_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def make(first: str, second: str):
        shop = tmp_path / f"shop-{len(list(tmp_path.iterdir()))}"
        shop.mkdir()
        (shop / "orders.csv").write_text(orders(first, second), encoding="utf-8")
        path = shop / "s.duckdb"
        assert run(capsys, "ingest", shop, "--db", path)[0] == 0
        return path

    return make


@pytest.mark.parametrize("sign", ["￥", "¥", "$"])
def test_summary_writes_the_sign_the_shops_prices_are_written_with(shop_db, capsys, sign):
    db = shop_db(sign, sign)
    code, out, err = run(capsys, "summary", "--db", db)
    assert code == 0, err
    shown = "¥" if sign == "￥" else sign  # the full-width sign is the yen/yuan sign ¥
    assert f"{shown}28.50" in out  # was a bare 28.50


def test_files_writing_two_signs_stay_bare(shop_db, capsys):
    db = shop_db("$", "€")
    code, out, err = run(capsys, "summary", "--db", db)
    assert code == 0, err
    assert " 28.50 " in out and "$28.50" not in out and "€28.50" not in out
    with Store(db, read_only=True) as store:
        assert money_currency(store) is None


def test_the_plan_writes_its_money_with_the_sign_but_its_csv_names_no_currency(
    shop_db, capsys, tmp_path, monkeypatch
):
    import promopilot.offers.plan as planning

    seen = {}

    def build_plan(store, **kwargs):  # the plan's figures are not what is tested here
        seen["currency"] = kwargs.get("currency")
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
            currency=kwargs.get("currency"),
        )

    monkeypatch.setattr(planning, "build_plan", build_plan)
    db = shop_db("￥", "￥")
    out = tmp_path / "plan.csv"
    code, printed, err = run(capsys, "plan", "--budget", 10, "--db", db, "--out", out)
    assert code == 0, err
    assert seen["currency"] == "¥"
    assert "¥2.50" in printed and "¥10.00" in printed  # the cost of the budget, with its sign
    assert list(pd.read_csv(out).columns) == PLAN_COLUMNS  # a sign off prices: no currency


def test_the_dashboard_writes_the_sign_of_a_full_width_priced_shop(shop_db):
    db = shop_db("￥", "￥")
    with Store(db) as store:
        app = create_app(store, ServeConfig.from_keys([KEY]), state=build_state(store))
        with TestClient(app) as client:
            client.post("/login", data={"key": KEY})
            page = client.get("/?lang=en").text
    assert ">¥28.50<" in page and 'id="money-in"' in page

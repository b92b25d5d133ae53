"""`plan.csv` writes its figures without float noise (propensity 0.8674999999999999, profit
1.3969617995954398), and every reader of the file still agrees with the plan: `send`'s
reader (the measurement's weights 1/propensity), the server's sum of expected profit against
the forecast written beside the file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.offers.plan import PLAN_COLUMNS, PlanResult
from tests.cli.test_csv_currency import ORDERS, _store, run

N = 20_000  # rows: enough that per-row rounding would move an unrounded sum by cents


def _noisy_plan(monkeypatch):
    import promopilot.offers.plan as planning

    rng = np.random.default_rng(5)
    group = np.where(np.arange(N) % 5 == 0, "control", "target")
    # each profit ends in ...49: rounded to 4 decimals every one goes down
    profit = np.where(group == "target", np.round(rng.uniform(0.5, 3, N), 4) + 0.000049, 0.0)
    plan = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(N)],
            "offer_id": np.where(group == "target", "pct10", ""),
            "group": group,
            "propensity": np.where(group == "target", 0.8674999999999999, 0.2 / 3),
            "expected_incremental_profit": profit,
            "expected_cost": profit / 3,
            "profit_lower": profit - 1.3969617995954398,
        }
    )
    plan.loc[1, "expected_incremental_profit"] = 1.3969617995954398
    for col in PLAN_COLUMNS:
        plan[col] = plan.get(col, "")
    sent = plan[plan["offer_id"] != ""]
    original = plan[PLAN_COLUMNS].copy()

    def build_plan(store, **kwargs):
        return PlanResult(
            plan=original.copy(),
            campaign_id="spring",
            as_of=store.as_of(None),
            budget=10.0,
            timezone=store.timezone,
            totals={
                "expected_profit": float(sent["expected_incremental_profit"].sum()),
                "expected_cost": float(sent["expected_cost"].sum()),
                "n_target": len(sent),
                "n_control": N - len(sent),
                "n_explore": 0,
                "n_considered": N,
            },
        )

    monkeypatch.setattr(planning, "build_plan", build_plan)
    return original


def test_the_plan_file_rounds_its_figures_and_its_readers_agree(tmp_path, capsys, monkeypatch):
    from promopilot.campaigns.exposures import read_plan
    from promopilot.offers.forecast import read_forecast
    from promopilot.serve.state import _matching_forecast

    db = _store(tmp_path, capsys, monkeypatch, ORDERS)
    original = _noisy_plan(monkeypatch)
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", "--budget", 10, "--db", db, "--out", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert "0.8674999999999999" not in text and "1.3969617995954398" not in text
    row = text.splitlines()[2].split(",")  # c1: target
    header = text.splitlines()[0].split(",")
    assert row[header.index("propensity")] == "0.8675"
    assert row[header.index("expected_incremental_profit")] == "1.397"
    assert text.splitlines()[1].split(",")[header.index("propensity")] == "0.0666667"

    # send's reader: the weights 1/propensity the measurement uses, within 1e-6 of the plan's
    plan = read_plan(out)
    weights = 1 / plan["propensity"].astype(float).to_numpy()
    assert np.allclose(weights, 1 / original["propensity"].to_numpy(), rtol=1e-6, atol=0)
    # the server: the file's sum of expected profit is the forecast's, to the cent
    written = pd.to_numeric(pd.read_csv(out)["expected_incremental_profit"]).sum()
    forecast = read_forecast(out)
    assert abs(forecast["in_sample_sum"] - written) < 0.005
    here = {"customers": N, "campaign_id": "spring", "in_sample_sum": float(written)}
    assert _matching_forecast(forecast, here) == forecast
    # each figure within its rounding of the plan's
    profit = pd.to_numeric(pd.read_csv(out)["expected_incremental_profit"])
    assert np.abs(profit - original["expected_incremental_profit"]).max() <= 0.00005 + 1e-12

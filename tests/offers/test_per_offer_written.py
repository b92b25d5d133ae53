"""The plan's table per offer and group (``PlanResult.per_offer``: what `promopilot plan` prints
and the demo's report shows) was left at the model's full precision when the plan was made
ready to write (``offers.finish.as_written``): its sums were not the file's, and held float
noise. Written, they are the file's sums per offer and group rounded to the cent; the plan's
own figures keep their precision."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.offers.finish import PLAN_COLUMNS, as_written
from promopilot.offers.plan import PlanResult
from promopilot.offers.totals import per_offer_totals

N = 20_000  # rows: enough that rounding each row's figure moves a sum by cents


def _result() -> PlanResult:
    rng = np.random.default_rng(11)
    i = np.arange(N)
    offer = np.where(i % 5 == 0, "", np.where(i % 2 == 0, "pct10", "满100减20"))
    group = np.where(offer == "", "control", np.where(i % 7 == 0, "explore", "target"))
    # each profit ends in ...49 past the fourth decimal: written, every one goes down
    profit = np.where(offer != "", np.round(rng.uniform(0.5, 3, N), 4) + 0.000049, 0.0)
    plan = pd.DataFrame(
        {
            "customer_id": [f"c{k}" for k in i],
            "offer_id": offer,
            "group": group,
            "propensity": 0.5,
            "expected_incremental_profit": profit,
            "expected_cost": profit / 3,
            "profit_lower": profit - 1.0,
        }
    )
    for col in PLAN_COLUMNS:
        plan[col] = plan.get(col, "")
    sent = plan[plan["offer_id"] != ""]
    return PlanResult(
        plan=plan[PLAN_COLUMNS],
        campaign_id="spring",
        as_of=pd.Timestamp("2026-06-01"),
        budget=1e6,
        totals={
            "expected_profit": float(sent["expected_incremental_profit"].sum()),
            "expected_cost": float(sent["expected_cost"].sum()),
        },
        per_offer=per_offer_totals(plan),
    )


def test_the_table_per_offer_is_the_files_sums_to_the_cent():
    result = _result()
    before = result.per_offer.copy()
    written = as_written(result)
    table = written.per_offer
    assert len(table) == 4 and set(table["offer_id"]) == {"pct10", "满100减20"}
    money = table[["expected_profit", "expected_cost"]].to_numpy()
    assert np.array_equal(money, np.round(money, 2))  # to the cent, no float noise
    # the file's sums per offer and group, to the cent
    sums = (
        written.plan[written.plan["offer_id"] != ""]
        .groupby(["offer_id", "group"])[["expected_incremental_profit", "expected_cost"]]
        .sum()
        .round(2)
        .to_numpy()
    )
    assert np.array_equal(money, sums)
    assert table["customers"].tolist() == before["customers"].tolist()
    # the file's sums differ from the model's by more than a cent (each row went down)
    assert (before["expected_profit"] - table["expected_profit"]).min() > 0.05
    # the rows add up to the printed total, to the rounding of each row
    assert abs(table["expected_profit"].sum() - written.totals["expected_profit"]) <= 0.005 * 4
    # the plan as made keeps its full precision
    pd.testing.assert_frame_equal(result.per_offer, before)
    assert not np.array_equal(before["expected_profit"], np.round(before["expected_profit"], 2))


def test_a_plan_without_a_table_per_offer_gets_none():
    result = _result()
    result.per_offer = pd.DataFrame()
    assert as_written(result).per_offer.empty


def test_the_blanket_alternatives_are_written_to_the_cent():
    """What blanket alternatives would earn (``PlanResult.alternatives``, printed beside the
    table per offer) kept the model's full precision when the plan was made ready to write
    (8595.034567... in the frame the demo's report and the Python API show); written, their
    expected profit and cost are rounded to the cent as the table per offer is, the plan as
    made keeping every digit."""
    result = _result()
    result.alternatives = pd.DataFrame(
        {
            "alternative": ["pct10 to everyone", "满100减20 to random customers, same budget"],
            "customers": [20_000, 518],
            "expected_profit": [8595.034567891, -1093.0949999],
            "expected_cost": [27737.1149, 2999.675001],
        }
    )
    before = result.alternatives.copy()
    written = as_written(result).alternatives
    assert written["expected_profit"].tolist() == [8595.03, -1093.09]
    assert written["expected_cost"].tolist() == [27737.11, 2999.68]
    assert written["alternative"].tolist() == before["alternative"].tolist()
    assert written["customers"].tolist() == [20_000, 518]
    pd.testing.assert_frame_equal(result.alternatives, before)  # the plan as made
    result.alternatives = pd.DataFrame()
    assert as_written(result).alternatives.empty

"""The budgeted assignment when customers share a few profiles (effects by quartile, or one
effect for everyone): solved per profile, it matches the per-customer LP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.offers import assignment
from promopilot.offers.assignment import assign_offers


def _binned_econ(n: int, bins: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    b = rng.integers(0, bins, n)
    profit = rng.normal(1, 1, (bins, 3))
    cost = rng.gamma(2, 0.3, (bins, 3))
    return pd.DataFrame(
        {
            "customer_id": np.repeat([f"c{i}" for i in range(n)], 3),
            "offer_id": np.tile(["a", "b", "c"], n),
            "expected_incremental_profit": profit[b].ravel(),
            "profit_lower": profit[b].ravel(),
            "expected_cost": cost[b].ravel(),
        }
    )


@pytest.mark.parametrize(
    ("budget", "max_messages"), [(300.0, None), (300.0, 500), (1e6, None), (0.5, None)]
)
def test_profiles_give_the_per_customer_solution(monkeypatch, budget, max_messages):
    econ = _binned_econ(3000, 4)
    grouped = assign_offers(econ, budget=budget, max_messages=max_messages, do_no_harm=False)
    with monkeypatch.context() as m:
        m.setattr(assignment, "_assign_by_profile", lambda *args, **kwargs: None)
        plain = assign_offers(econ, budget=budget, max_messages=max_messages, do_no_harm=False)
    assert grouped["customer_id"].is_unique
    assert grouped["expected_cost"].sum() <= budget + 1e-9
    if max_messages is not None:
        assert len(grouped) <= max_messages
    assert len(grouped) == len(plain)
    assert grouped["expected_incremental_profit"].sum() == pytest.approx(
        plain["expected_incremental_profit"].sum(), rel=1e-3, abs=1e-6
    )
    assert (grouped["expected_incremental_profit"] > 0).all()
    # the chosen rows are rows of the frame, offer and numbers together
    merged = grouped.merge(econ, on=["customer_id", "offer_id"], suffixes=("", "_econ"))
    assert len(merged) == len(grouped)
    assert np.allclose(merged["expected_cost"], merged["expected_cost_econ"])


def test_many_profiles_use_the_per_customer_program():
    rng = np.random.default_rng(1)
    econ = _binned_econ(400, 4)
    econ["expected_incremental_profit"] += rng.uniform(0, 1e-3, len(econ))
    customers, row = np.unique(econ["customer_id"].to_numpy(), return_inverse=True)
    profit = econ["expected_incremental_profit"].to_numpy()
    cost = econ["expected_cost"].to_numpy()
    assert assignment._assign_by_profile(econ, customers, row, profit, cost, 50.0, None) is None


def test_a_budget_that_does_not_bind_gives_each_customer_its_best_offer_without_solving(
    monkeypatch,
):
    rng = np.random.default_rng(2)
    econ = _binned_econ(2000, 4)
    econ["expected_incremental_profit"] += rng.normal(0, 0.2, len(econ))  # no shared profiles
    econ.loc[econ["offer_id"] == "c", "expected_cost"] = 0.0  # a plain message costs nothing

    def no_solver(*args, **kwargs):
        raise AssertionError("the linear program should not be needed")

    monkeypatch.setattr(assignment, "linprog", no_solver)
    chosen = assign_offers(econ, budget=1e9, do_no_harm=False)
    positive = econ[econ["expected_incremental_profit"] > 0]
    best = positive.loc[positive.groupby("customer_id")["expected_incremental_profit"].idxmax()]
    assert set(zip(chosen["customer_id"], chosen["offer_id"], strict=True)) == set(
        zip(best["customer_id"], best["offer_id"], strict=True)
    )
    assert chosen.attrs["objective"] == pytest.approx(best["expected_incremental_profit"].sum())
    # messages that cost nothing fit any budget; the costly offers do not
    free = econ[econ["offer_id"] == "c"]
    only_free = assign_offers(free, budget=0.0, do_no_harm=False)
    assert len(only_free) == int((free["expected_incremental_profit"] > 0).sum())
    with pytest.raises(AssertionError, match="should not be needed"):
        assign_offers(econ, budget=1.0, do_no_harm=False)

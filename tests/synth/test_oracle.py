"""The oracle's exact solver and its plans, checked against brute force and by hand."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pandas as pd
import pytest

from promopilot.synth.oracle import (
    best_assignment,
    oracle_plan,
    random_plan,
    solver_output_silenced,
)
from promopilot.synth.truth import plan_true_value, true_expected_cost


def brute_force(profit: np.ndarray, cost: np.ndarray, budget: float) -> float:
    """The best total profit over every way of giving each customer one offer or none."""
    n, k = profit.shape
    # column k is "no offer": no profit, no cost
    p = np.hstack([profit, np.zeros((n, 1))])
    c = np.hstack([cost, np.zeros((n, 1))])
    choice = np.array(list(itertools.product(range(k + 1), repeat=n)))
    rows = np.arange(n)
    total = p[rows, choice].sum(axis=1)
    spent = c[rows, choice].sum(axis=1)
    return float(total[spent <= budget].max())


@pytest.mark.parametrize("seed", range(6))
def test_the_solver_beats_or_ties_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, k = 6, 3
    customers = [f"c{i}" for i in range(n)]
    offers = [f"o{j}" for j in range(k)]
    profit = pd.DataFrame(rng.normal(1.0, 2.0, (n, k)), index=customers, columns=offers)
    cost = pd.DataFrame(rng.uniform(0.0, 3.0, (n, k)), index=customers, columns=offers)
    budget = float(rng.uniform(2.0, 6.0))

    chosen = best_assignment(profit, cost, budget)
    value = sum(profit.at[c, o] for c, o in chosen.items())
    spent = sum(cost.at[c, o] for c, o in chosen.items())
    assert chosen.index.is_unique  # at most one offer per customer
    assert spent <= budget
    assert all(profit.at[c, o] > 0 for c, o in chosen.items())
    assert value >= brute_force(profit.to_numpy(), cost.to_numpy(), budget) - 1e-9


def test_the_solver_with_nothing_worth_sending_chooses_nobody():
    profit = pd.DataFrame({"a": [-1.0, 0.0]}, index=["x", "y"])
    cost = pd.DataFrame({"a": [1.0, 1.0]}, index=["x", "y"])
    assert best_assignment(profit, cost, budget=10.0).empty


@pytest.fixture(scope="module")
def truth(shop):
    """A slice of the shop's truth: the oracle on 300 customers solves in well under a second."""
    return shop.truth.iloc[:300].reset_index(drop=True)


def test_the_oracle_keeps_a_plans_slices_and_the_budget(truth):
    rng = np.random.default_rng(0)
    ids = truth["customer_id"].to_numpy()
    group = rng.choice(["explore", "control", "target"], len(ids), p=[0.1, 0.1, 0.8])
    offer = np.where(group == "explore", rng.choice(["pct10", "freeship"], len(ids)), "")
    plan = pd.DataFrame({"customer_id": ids, "offer_id": offer, "group": group})
    budget = 60.0

    oracle = oracle_plan(truth, budget, plan=plan).set_index("customer_id").loc[ids]
    assert (oracle["group"].to_numpy() == group).all()
    explore = group == "explore"
    assert (oracle["offer_id"].to_numpy()[explore] == offer[explore]).all()
    assert (oracle["offer_id"].to_numpy()[group == "control"] == "").all()
    profit, cost = plan_true_value(oracle.reset_index(), truth)
    assert cost <= budget + 1e-9
    assert (oracle["offer_id"].to_numpy()[group == "target"] != "").any()

    # any other choice among the free customers, with the same budget, earns no more
    free = truth[group == "target"]
    left = budget - plan_true_value(plan, truth)[1]
    for seed in range(3):
        other = random_plan(free, left, seed=seed)
        mixed = pd.concat([plan[explore], other])
        assert plan_true_value(mixed, truth)[0] <= profit + 1e-9


def test_the_oracle_without_slices_spends_within_budget(truth):
    plan = oracle_plan(truth, 40.0)
    assert list(plan.columns) == ["customer_id", "offer_id"]
    assert plan["customer_id"].is_unique
    cost = true_expected_cost(truth)
    spent = sum(cost.at[c, o] for c, o in zip(plan["customer_id"], plan["offer_id"], strict=True))
    assert 0 < spent <= 40.0


def test_native_writes_to_standard_output_are_silenced_and_restored(capfd):
    # HiGHS writes its MIP diagnostics to file descriptor 1 directly, as os.write does here
    with solver_output_silenced():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "after\n"


def test_standard_output_is_restored_when_the_solve_fails(capfd):
    with pytest.raises(ValueError), solver_output_silenced():
        raise ValueError("the solver failed")
    os.write(1, b"still here\n")
    assert capfd.readouterr().out == "still here\n"

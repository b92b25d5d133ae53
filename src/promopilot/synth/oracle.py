"""Plans to score a real plan against: the oracle (who knows the truth) and the usual ways.

The oracle has its own exact solver, :func:`best_assignment`, a mixed-integer program (scipy's
``milp``, HiGHS) on the true profit and cost matrices. It shares no code with the planner's
assignment, so a bug in one shows up as a difference against the other.
"""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np
import pandas as pd

from promopilot.columns import CUSTOMER_ID, GROUP, OFFER_ID
from promopilot.synth.truth import true_expected_cost, true_incremental_profit
from promopilot.synth.world import OFFERS

# groups of a plan whose customers the oracle leaves as they are
KEPT_GROUPS = ("control", "explore")


@contextlib.contextmanager
def solver_output_silenced():
    """Send what native code writes to standard output to the null device for a while.

    HiGHS's MIP solver can write diagnostic lines (``HighsMipSolverData::...``) straight to
    file descriptor 1, below Python's ``sys.stdout``, even with its display off; they carry
    nothing for a reader of the benchmarks, so the oracle's solve runs inside this.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


def best_assignment(profit: pd.DataFrame, cost: pd.DataFrame, budget: float) -> pd.Series:
    """The exact best choice of at most one offer per customer within a budget.

    Maximizes the total profit of the chosen (customer, offer) pairs subject to a total cost
    of at most `budget`, choosing only pairs of positive profit: a multiple-choice knapsack,
    solved to optimality as a mixed-integer program.

    Parameters
    ----------
    profit, cost : customer x offer matrices (same index and columns); negative costs count
        as zero.
    budget : the most total cost.

    Returns
    -------
    pandas.Series
        The chosen offer of each chosen customer, indexed by customer, in `profit`'s order.

    Examples
    --------
    >>> profit = pd.DataFrame({"a": [3.0, 2.0], "b": [4.0, -1.0]}, index=["x", "y"])
    >>> cost = pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 1.0]}, index=["x", "y"])
    >>> best_assignment(profit, cost, budget=2.0).to_dict()
    {'x': 'a', 'y': 'a'}
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    p = profit.to_numpy(dtype=np.float64)
    c = np.maximum(
        cost.reindex(index=profit.index, columns=profit.columns).to_numpy(dtype=np.float64), 0.0
    )
    # a pair is a candidate if it earns something and fits in the budget on its own
    customer, offer = np.nonzero((p > 0) & (c <= budget))
    empty = pd.Series([], index=profit.index[:0], dtype=object, name=OFFER_ID)
    if not len(customer):
        return empty
    value, spend = p[customer, offer], c[customer, offer]
    rows, row_of = np.unique(customer, return_inverse=True)
    n = len(customer)
    one_each = sparse.csr_array((np.ones(n), (row_of, np.arange(n))), shape=(len(rows), n))
    with solver_output_silenced():
        result = milp(
            -value,
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            constraints=[
                LinearConstraint(one_each, -np.inf, 1),
                LinearConstraint(spend[None, :], -np.inf, budget),
            ],
            options={"mip_rel_gap": 1e-9},
        )
    if result.x is None or not result.success:
        raise RuntimeError(f"the oracle's assignment could not be solved: {result.message}")
    picked = np.flatnonzero(result.x > 0.5)
    # the solver meets the budget within its tolerance: make it exact
    while len(picked) and spend[picked].sum() > budget:
        picked = np.delete(picked, np.argmin(value[picked]))
    return pd.Series(
        profit.columns.to_numpy()[offer[picked]],
        index=profit.index[customer[picked]],
        name=OFFER_ID,
    )


def oracle_plan(
    truth: pd.DataFrame,
    budget: float,
    offers: pd.DataFrame = OFFERS,
    *,
    plan: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The best plan with the same budget for someone who knows the truth.

    Parameters
    ----------
    truth : a shop's truth frame.
    budget : the most true expected discount money to give away.
    offers : the offers to choose from.
    plan : a real plan (``customer_id``, ``offer_id``, ``group``). With it the oracle keeps the
        plan's randomized slices as they are (its ``explore`` customers get the plan's offers,
        its ``control`` customers nothing) and chooses only among the plan's other customers,
        with the budget the exploration leaves; so the two differ only in who gets what.

    Returns
    -------
    pandas.DataFrame
        Without `plan`: ``customer_id, offer_id`` of the customers who get an offer. With it:
        ``customer_id, offer_id, group`` for each of the plan's customers (``offer_id`` empty
        for no offer; ``group`` ``target`` for the oracle's own choices).
    """
    profit = true_incremental_profit(truth, offers)
    cost = true_expected_cost(truth, offers)
    if plan is None:
        chosen = best_assignment(profit, cost, budget)
        return pd.DataFrame({CUSTOMER_ID: chosen.index.to_numpy(), OFFER_ID: chosen.to_numpy()})
    ids = plan[CUSTOMER_ID].astype(str).to_numpy()
    group = plan[GROUP].astype(str).to_numpy()
    offer = plan[OFFER_ID].fillna("").astype(str).to_numpy()
    kept = np.isin(group, KEPT_GROUPS)
    # what the plan's exploration truly costs comes off the oracle's budget
    sent = kept & (offer != "")
    rows = cost.index.get_indexer(ids[sent])
    cols = cost.columns.get_indexer(offer[sent])
    if (rows < 0).any() or (cols < 0).any():
        raise KeyError("plan names customers or offers that the truth does not know")
    left = max(budget - float(cost.to_numpy()[rows, cols].sum()), 0.0)
    free = ids[~kept]
    chosen = best_assignment(profit.reindex(free), cost.reindex(free), left)
    out_offer = np.where(
        kept,
        np.where(group == "control", "", offer),
        pd.Series(ids).map(chosen).fillna("").to_numpy(dtype=object),
    )
    return pd.DataFrame(
        {CUSTOMER_ID: ids, OFFER_ID: out_offer, GROUP: np.where(kept, group, "target")}
    )


def _fill(
    truth: pd.DataFrame, ids: np.ndarray, offer_ids: np.ndarray, budget: float, offers: pd.DataFrame
) -> pd.DataFrame:
    """The first customers of ``ids`` (each with their offer) whose true cost fits in budget."""
    cost = true_expected_cost(truth, offers)
    c = cost.to_numpy()[cost.index.get_indexer(ids), cost.columns.get_indexer(offer_ids)]
    k = int(np.searchsorted(np.cumsum(c), budget, side="right"))
    return pd.DataFrame({CUSTOMER_ID: ids[:k], OFFER_ID: offer_ids[:k]})


def likeliest_buyers_plan(
    truth: pd.DataFrame,
    p_buy: pd.Series,
    offer_id: str,
    budget: float,
    offers: pd.DataFrame = OFFERS,
) -> pd.DataFrame:
    """What most shops do: one offer to the customers most likely to buy (by ``p_buy``, a
    customer-indexed score), as many as the budget pays for."""
    ids = p_buy.sort_values(ascending=False, kind="stable").index.to_numpy().astype(str)
    return _fill(truth, ids, np.full(len(ids), offer_id, dtype=object), budget, offers)


def random_plan(
    truth: pd.DataFrame, budget: float, seed: int = 0, offers: pd.DataFrame = OFFERS
) -> pd.DataFrame:
    """Random customers, each with a random offer, as many as the budget pays for."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(truth[CUSTOMER_ID].to_numpy().astype(str))
    return _fill(truth, ids, rng.choice(offers[OFFER_ID].to_numpy(), len(ids)), budget, offers)

"""Who gets which offer within the budget.

:func:`assign_offers` solves the multiple-choice knapsack (at most one offer per customer, the
most expected incremental profit for the expected discount cost within budget) as a linear
program with HiGHS. :func:`assign_with_holdouts` wraps it with the plan's randomized slices:
exploration first, the rest of the budget to the model's choices, a control group held out of
them, and a final trim if the random draws left the plan over budget.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from promopilot.offers.randomization import hashed_uniform, random_arm, randomize

# exploration may take at most this share of the budget; the rest goes to the model's choices
EXPLORE_BUDGET_SHARE = 0.5


def assign_offers(
    econ: pd.DataFrame, *, budget: float, max_messages: int | None = None, do_no_harm: bool = True
) -> pd.DataFrame:
    """At most one offer per customer, maximizing expected incremental profit with the total
    expected cost within `budget` (and at most `max_messages` offers): a multiple-choice
    knapsack solved as a linear program with HiGHS; fractional customers are rounded down so
    the budget always holds. Only offers whose lower bound (or, without do-no-harm, whose
    expected profit) is above zero are candidates."""
    key = "profit_lower" if do_no_harm else "expected_incremental_profit"
    cand = econ[(econ[key] > 0) & (econ["expected_incremental_profit"] > 0)].reset_index(drop=True)
    if cand.empty:
        out = cand.copy()
        out.attrs.update(lp_bound=0.0, objective=0.0)
        return out
    customers, row = np.unique(cand["customer_id"].to_numpy(), return_inverse=True)
    n_var = len(cand)
    profit = cand["expected_incremental_profit"].to_numpy()
    cost = np.maximum(cand["expected_cost"].to_numpy(), 0.0)
    # each customer's most profitable offer (the cheaper of equals): when those fit the budget
    # and the message cap, no other choice can earn more and nothing needs solving (offers that
    # cost nothing, such as plain messages, or a budget larger than what pays)
    order = np.lexsort((cost, -profit, row))
    best = order[np.r_[True, row[order][1:] != row[order][:-1]]]
    if cost[best].sum() <= budget and (max_messages is None or len(best) <= max_messages):
        out = cand.iloc[np.sort(best)].reset_index(drop=True)
        total = float(profit[best].sum())
        out.attrs.update(lp_bound=total, objective=total)
        return out
    grouped = _assign_by_profile(cand, customers, row, profit, cost, budget, max_messages)
    if grouped is not None:
        picked, bound = grouped
        out = cand.iloc[picked].reset_index(drop=True)
        out.attrs.update(lp_bound=bound, objective=float(profit[picked].sum()))
        return out
    one_each = sparse.csr_matrix(
        (np.ones(n_var), (row, np.arange(n_var))), shape=(len(customers), n_var)
    )
    rows = [one_each, sparse.csr_matrix(cost[None, :])]
    bounds = [np.ones(len(customers)), np.array([budget])]
    if max_messages is not None:
        rows.append(sparse.csr_matrix(np.ones((1, n_var))))
        bounds.append(np.array([max_messages], dtype=float))
    result = linprog(
        -profit,
        A_ub=sparse.vstack(rows).tocsr(),
        b_ub=np.concatenate(bounds),
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"the offer assignment could not be solved: {result.message}")
    x = result.x
    chosen = np.flatnonzero(x > 1 - 1e-6)
    # fractional customers: add them greedily (best profit per cost first) while they fit
    spent = cost[chosen].sum()
    taken = set(row[chosen])
    fractional = np.flatnonzero((x > 1e-6) & (x <= 1 - 1e-6))
    order = fractional[np.argsort(-(profit[fractional] / np.maximum(cost[fractional], 1e-9)))]
    extra = []
    for v in order:  # at most a handful: the LP has few fractional values
        if row[v] in taken or spent + cost[v] > budget:
            continue
        if max_messages is not None and len(chosen) + len(extra) >= max_messages:
            break
        extra.append(v)
        taken.add(row[v])
        spent += cost[v]
    picked = np.sort(np.concatenate([chosen, np.array(extra, dtype=int)]))
    out = cand.iloc[picked].reset_index(drop=True)
    out.attrs.update(lp_bound=float(-result.fun), objective=float(profit[picked].sum()))
    return out


def _assign_by_profile(
    cand: pd.DataFrame,
    customers: np.ndarray,
    row: np.ndarray,
    profit: np.ndarray,
    cost: np.ndarray,
    budget: float,
    max_messages: int | None,
    max_profiles: int = 200,
) -> tuple[np.ndarray, float] | None:
    """The same knapsack when customers share a few profiles (a policy that values whole
    groups alike, such as effects by quartile): one LP variable per (profile, offer), bounded
    by the profile's size, rounded down and topped up greedily; within a profile customers are
    taken in the order of a hashed draw. Without it HiGHS spends minutes on the ties of 60,000
    identical customers. Returns the chosen rows of `cand` and the LP bound, or None when the
    customers have more than `max_profiles` profiles."""
    offer = cand["offer_id"].astype(str).to_numpy()
    key = pd.Series(offer + "|" + np.round(profit, 9).astype(str) + "|")
    key = key + pd.Series(np.round(cost, 9).astype(str))
    order = np.lexsort((offer, row))
    profile = key.iloc[order].groupby(row[order]).agg(";".join)
    codes, uniques = pd.factorize(profile.to_numpy())
    if len(uniques) > max_profiles or len(uniques) * 2 > len(customers):
        return None
    size = np.bincount(codes, minlength=len(uniques)).astype(float)
    first = np.full(len(uniques), -1)
    first[codes[::-1]] = profile.index.to_numpy()[::-1]  # one customer per profile
    var = np.flatnonzero(np.isin(row, first))  # that customer's candidate rows
    group = codes[row[var]]
    n_var = len(var)
    one_each = sparse.csr_matrix(
        (np.ones(n_var), (group, np.arange(n_var))), shape=(len(uniques), n_var)
    )
    rows = [one_each, sparse.csr_matrix(cost[var][None, :])]
    bounds = [size, np.array([budget])]
    if max_messages is not None:
        rows.append(sparse.csr_matrix(np.ones((1, n_var))))
        bounds.append(np.array([max_messages], dtype=float))
    result = linprog(
        -profit[var],
        A_ub=sparse.vstack(rows).tocsr(),
        b_ub=np.concatenate(bounds),
        bounds=np.column_stack([np.zeros(n_var), size[group]]),
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"the offer assignment could not be solved: {result.message}")
    take = np.floor(result.x + 1e-6).astype(int)
    spent, sent = float(cost[var] @ take), int(take.sum())
    left = size - np.bincount(group, weights=take, minlength=len(uniques))
    for v in np.argsort(-(profit[var] / np.maximum(cost[var], 1e-9))):  # at most a few
        if result.x[v] - take[v] <= 1e-6 or left[group[v]] < 1:
            continue
        if spent + cost[var[v]] > budget or (max_messages is not None and sent >= max_messages):
            continue
        take[v] += 1
        left[group[v]] -= 1
        spent += cost[var[v]]
        sent += 1
    # the customers of each profile, in the order of a hashed draw
    draw = hashed_uniform(customers.astype(str), "assign")
    members = np.lexsort((draw, codes))
    start = np.concatenate([[0], np.cumsum(size.astype(int))])
    chosen_customer, chosen_offer = [], []
    used = np.zeros(len(uniques), dtype=int)
    for v in np.flatnonzero(take):  # one step per (profile, offer): few
        g = group[v]
        who = members[start[g] + used[g] : start[g] + used[g] + take[v]]
        used[g] += take[v]
        chosen_customer.append(who)
        chosen_offer.append(np.full(len(who), offer[var[v]], dtype=object))
    if not chosen_customer:
        return np.array([], dtype=int), float(-result.fun)
    index = pd.MultiIndex.from_arrays([row, offer])
    picked = index.get_indexer(
        pd.MultiIndex.from_arrays([np.concatenate(chosen_customer), np.concatenate(chosen_offer)])
    )
    return np.sort(picked), float(-result.fun)


def assign_with_holdouts(
    econ: pd.DataFrame,
    ids: np.ndarray,
    offer_ids: list[str],
    *,
    budget: float,
    campaign_id: str,
    control_share: float,
    explore_share: float,
    max_messages: int | None = None,
    do_no_harm: bool = True,
) -> tuple[pd.DataFrame, float]:
    """The plan's groups: the exploration slice gets random offers, the rest of the budget
    goes to :func:`assign_offers`, and a control group is drawn from the chosen customers.
    Returns the :func:`randomize` frame and the LP's bound on expected profit."""
    c = control_share
    indexed = econ.set_index(["customer_id", "offer_id"])
    e = explore_within_budget(
        indexed, ids, offer_ids, campaign_id=campaign_id, share=explore_share, budget=budget
    )
    explore = hashed_uniform(ids, campaign_id, "explore") < e
    explore_offer = random_arm(ids, offer_ids, campaign_id=campaign_id)
    ekey = pd.MultiIndex.from_arrays([ids[explore], explore_offer[explore]])
    explore_cost = (
        float(indexed.loc[ekey, "expected_cost"].clip(lower=0).sum()) if len(ekey) else 0.0
    )
    # the control group is drawn from the chosen customers: plan for the budget they free
    target_budget = max(budget - explore_cost, 0.0) / (1 - c)
    # a hashed lookup: np.isin compares object arrays pairwise (8 s at 64,000 customers)
    pool = econ[~econ["customer_id"].isin(pd.Index(ids[explore])).to_numpy()]
    chosen = assign_offers(
        pool, budget=target_budget, max_messages=max_messages, do_no_harm=do_no_harm
    )
    choice = pd.Series(chosen["offer_id"].to_numpy(), index=chosen["customer_id"])
    plan = randomize(
        ids, choice, offer_ids, campaign_id=campaign_id, control_share=c, explore_share=e
    )
    plan = trim_to_budget(plan, indexed, budget, e)
    plan.attrs["explore_share"] = e
    return plan, float(chosen.attrs.get("lp_bound", 0.0))


def explore_within_budget(
    indexed: pd.DataFrame,
    ids: np.ndarray,
    offer_ids: list[str],
    *,
    campaign_id: str,
    share: float,
    budget: float,
    max_budget_share: float = EXPLORE_BUDGET_SHARE,
) -> float:
    """The exploration share actually used: `share`, or less when the exploration slice would
    cost more than `max_budget_share` of the budget. The slice is the customers whose hashed
    draw is below the share, so a smaller share is a smaller random slice and every
    propensity stays exact."""
    u = hashed_uniform(ids, campaign_id, "explore")
    inside = np.flatnonzero(u < share)
    if not len(inside):
        return share
    arm = random_arm(ids, offer_ids, campaign_id=campaign_id)[inside]
    key = pd.MultiIndex.from_arrays([ids[inside], arm])
    cost = indexed["expected_cost"].reindex(key).fillna(0).clip(lower=0).to_numpy()
    order = np.argsort(u[inside], kind="stable")
    fits = np.cumsum(cost[order]) <= max_budget_share * budget + 1e-9
    if fits.all():
        return share
    return float(u[inside][order[int(np.argmin(fits))]])


def trim_to_budget(
    plan: pd.DataFrame, indexed: pd.DataFrame, budget: float, explore_share: float
) -> pd.DataFrame:
    """The control draw is random: if the offers still sent cost more than the budget, drop the
    lowest-value targets until it holds (they become 'budget' non-targets)."""
    sent = plan["offer_id"] != ""
    key = pd.MultiIndex.from_arrays([plan["customer_id"], plan["offer_id"]])
    values = indexed.reindex(key)
    cost = np.where(sent, values["expected_cost"].clip(lower=0).to_numpy(), 0.0)
    over = cost.sum() - budget
    if over <= 1e-9:
        return plan
    targets = np.flatnonzero(sent & (plan["group"] == "target").to_numpy())
    gain = values["expected_incremental_profit"].to_numpy()[targets]
    order = targets[np.argsort(gain / np.maximum(cost[targets], 1e-9))]
    drop = order[np.cumsum(cost[order]) - cost[order] < over]
    plan = plan.copy()
    plan.loc[drop, "offer_id"] = ""
    plan.loc[drop, "model_choice"] = ""
    plan.loc[drop, "group"] = "none"
    plan.loc[drop, "propensity"] = 1 - explore_share  # not explored; the model chose nothing
    return plan

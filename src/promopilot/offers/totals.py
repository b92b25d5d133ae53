"""What a plan is expected to earn and cost, in total and per offer (with intervals from the
response model's bootstrap draws), and what simpler campaigns would be expected to earn under
the same model: one offer to everyone, to the likeliest buyers, or to random customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.offers.economics import OfferTerms


def plan_totals(
    plan: pd.DataFrame,
    p_draws: np.ndarray | None,
    offers: pd.DataFrame,
    inputs: pd.DataFrame,
    terms: OfferTerms,
    confidence: float,
    cost_ratios: dict | None = None,
) -> dict:
    """Plan totals, with intervals from the bootstrap draws over the rows that send an offer
    (the same terms as the economics; each offer's cost draws scaled by its factor in
    `cost_ratios`, the correction the plan's expected costs carry; 1 where absent)."""
    sent = plan[plan["offer_id"] != ""]
    totals = {
        "expected_profit": float(sent["expected_incremental_profit"].sum()),
        "expected_cost": float(sent["expected_cost"].sum()),
        "n_target": int(((plan["group"] == "target") & (plan["offer_id"] != "")).sum()),
        "n_control": int((plan["group"] == "control").sum()),
        "n_explore": int((plan["group"] == "explore").sum()),
        "n_considered": len(plan),
    }
    if p_draws is not None and len(p_draws) > 1 and len(sent):
        rows = pd.Index(inputs["customer_id"]).get_indexer(sent["customer_id"])
        j = pd.Index(offers["offer_id"]).get_indexer(sent["offer_id"])
        picked = terms.pick(rows, j)
        p = np.stack([p_draws[:, rows, 0], p_draws[:, rows, 1 + j]], axis=-1)  # (B, m, 2)
        profit = picked.profit(p).sum(axis=(1, 2))
        factor = sent["offer_id"].map(cost_ratios or {}).fillna(1.0).to_numpy(dtype=float)
        cost = (p[..., 1:] * picked.discount * factor[:, None]).sum(axis=(1, 2))
        alpha = 1 - confidence
        totals["profit_interval"] = tuple(np.quantile(profit, [alpha / 2, 1 - alpha / 2]))
        totals["cost_interval"] = tuple(np.quantile(cost, [alpha / 2, 1 - alpha / 2]))
    return totals


def per_offer_totals(plan: pd.DataFrame) -> pd.DataFrame:
    """Customers, expected profit and expected cost per offer and group (rows that send)."""
    sent = plan[plan["offer_id"] != ""]
    table = (
        sent.groupby(["offer_id", "group"])
        .agg(
            customers=("customer_id", "size"),
            expected_profit=("expected_incremental_profit", "sum"),
            expected_cost=("expected_cost", "sum"),
        )
        .reset_index()
    )
    return table


def _fill_budget(rows: pd.DataFrame, budget: float) -> pd.DataFrame:
    spent = rows["expected_cost"].clip(lower=0).cumsum()
    return rows[spent <= budget]


def blanket_alternatives(
    econ: pd.DataFrame, offers: pd.DataFrame, *, budget: float, seed: int = 0
) -> pd.DataFrame:
    """What simpler campaigns would be expected to earn, under the same model."""
    rows = []
    for offer_id in offers["offer_id"]:
        sub = econ[econ["offer_id"] == offer_id]
        rows.append(
            {
                "alternative": f"{offer_id} to everyone",
                "customers": len(sub),
                "expected_profit": sub["expected_incremental_profit"].sum(),
                "expected_cost": sub["expected_cost"].sum(),
            }
        )
        likely = _fill_budget(sub.sort_values("p_buy_none", ascending=False), budget)
        rows.append(
            {
                "alternative": f"{offer_id} to the likeliest buyers, same budget",
                "customers": len(likely),
                "expected_profit": likely["expected_incremental_profit"].sum(),
                "expected_cost": likely["expected_cost"].sum(),
            }
        )
        shuffled = _fill_budget(sub.sample(frac=1.0, random_state=seed), budget)
        rows.append(
            {
                "alternative": f"{offer_id} to random customers, same budget",
                "customers": len(shuffled),
                "expected_profit": shuffled["expected_incremental_profit"].sum(),
                "expected_cost": shuffled["expected_cost"].sum(),
            }
        )
    return pd.DataFrame(rows)

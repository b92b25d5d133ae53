"""How much of the best possible profit does a plan earn? Synthetic shops with a hidden truth.

For each shop the plan is built from the data alone; its true expected incremental profit and
true expected discount cost come from the generator's hidden truth, next to the oracle plan (an
exact solver of its own run on the true profit and cost matrices, same budget), "10% off to the
likeliest buyers" and random targeting, all at the same budget.

    python bench/plan_oracle.py [--customers 5000] [--seeds 1 2 3] [--budget-per-customer 0.6]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import pandas as pd
from rich.console import Console
from rich.table import Table

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.plan import build_plan
from promopilot.synth.shop import (
    END,
    likeliest_buyers_plan,
    make_shop,
    oracle_plan,
    plan_true_value,
    random_plan,
)


def run(n: int, seed: int, budget: float, n_bootstrap: int, select: bool, harm: bool) -> dict:
    shop = make_shop(n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        ingest(store, shop.write(tmp))
        t0 = time.perf_counter()
        result = build_plan(
            store,
            budget=budget,
            campaign_id="bench",
            as_of=END,
            n_bootstrap=n_bootstrap,
            select_model=select,
            do_no_harm=harm,
        )
        seconds = time.perf_counter() - t0
    truth = shop.truth
    check = result.self_check
    oof, oof_low, _ = check.scaled(len(result.plan)) if check else (float("nan"),) * 3
    profit, cost = plan_true_value(result.plan, truth)
    best, _ = plan_true_value(oracle_plan(truth, budget), truth)
    # the oracle with the plan's own control group and exploration slice, as they are
    fair, _ = plan_true_value(oracle_plan(truth, budget, plan=result.plan), truth)
    econ = result.economics
    p_none = econ.drop_duplicates("customer_id").set_index("customer_id")["p_buy_none"]
    likeliest, _ = plan_true_value(likeliest_buyers_plan(truth, p_none, "pct10", budget), truth)
    rand, _ = plan_true_value(random_plan(truth, budget, seed=seed), truth)
    return {
        "customers": n,
        "seed": seed,
        "budget": budget,
        "model": result.model_name,
        "true profit": profit,
        "oracle, same slices": fair,
        "share of oracle, same slices": profit / fair,
        "oracle, no slices": best,
        "share of oracle, no slices": profit / best,
        "likeliest pct10": likeliest,
        "random": rand,
        "true cost": cost,
        "cost / budget": cost / budget,
        "in-sample model sum": result.totals["expected_profit"],
        "out-of-fold forecast": oof,
        "oof low": oof_low,
        "seconds": seconds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--budget-per-customer", type=float, default=0.6)
    ap.add_argument("--bootstrap", type=int, default=10)
    ap.add_argument(
        "--select",
        action="store_true",
        help="choose among the candidate policies by their cross-fitted profit (default: "
        "pooled-x only)",
    )
    ap.add_argument("--model", default=None, help="use this candidate policy")
    ap.add_argument(
        "--no-harm-check",
        action="store_true",
        help="target even when the self-check's lower bound is not above zero "
        "(plan --allow-uncertain); without it a shop whose check fails gets nothing",
    )
    args = ap.parse_args()
    rows = [
        run(
            args.customers,
            s,
            round(args.budget_per_customer * args.customers, -2),
            args.bootstrap,
            args.model or args.select,
            not args.no_harm_check,
        )
        for s in args.seeds
    ]
    frame = pd.DataFrame(rows)
    table = Table(title="plan vs oracle on synthetic shops (true expected values)")
    for col in frame.columns:
        table.add_column(col, justify="left" if col == "model" else "right")
    for row in frame.itertuples(index=False):
        table.add_row(
            *[
                f"{v:.1%}"
                if k.startswith("share") or k == "cost / budget"
                else f"{v:,.0f}"
                if isinstance(v, float)
                else str(v)
                for k, v in zip(frame.columns, row, strict=True)
            ]
        )
    Console(width=200).print(table)
    for col in ("share of oracle, same slices", "share of oracle, no slices"):
        print(f"mean {col}: {frame[col].mean():.1%}")


if __name__ == "__main__":
    main()

"""Does the campaign report's interval cover the truth? Synthetic shops with a hidden truth.

Per seed: a synthetic shop (``make_shop``), the plan as ``promopilot demo`` builds it (budget
0.6 per customer, the default response model, no do-no-harm), every exposure logged with its
group and propensity, the window's orders simulated from the truth
(``simulate_plan_outcomes``), then ``measure_campaign`` at 90% and 95%. Its whole-campaign
incremental profit is compared with two truths of the same customers and window:

- ``truth``: the plan's true expected incremental profit, ``plan_true_value`` (each sent
  customer's ``p_buy x (basket x margin_rate - discount) - p_buy_none x basket x margin_rate -
  send cost``, the customer's blended margin rate);
- ``sim truth``: the same expectation as the report measures it from the simulated orders
  (each buyer's one order of the product ``simulate_plan_outcomes`` picks, its own cost,
  discount capped at the order's value): what the estimator is unbiased for. The two differ
  only by the margin the simulator's orders carry.

``--save`` writes each seed's outcomes frame with both truths, each customer's order history
before the send (``order_history``) and true expected no-offer profit (``expected_none``): the
inputs ``bench/cupac_tried.py`` tries as CUPED covariates.

``noiseless`` is the report's estimator on expected outcomes (no purchase noise): its error is
the design's alone (who fell in the control group).

    python bench/report_coverage.py [--customers 2000] [--seeds 0 1 2 ...] [--first 0 --count 30]
                                    [--save DIR] [--remeasure DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from demo_plan import plan_as_the_demo
from promopilot.campaigns.measure import estimate_lift, measure_campaign
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.data.ingest import ingest
from promopilot.data.queries.serve import insert_exposures
from promopilot.data.store import Store
from promopilot.synth.outcomes import _nearest_product, simulate_plan_outcomes
from promopilot.synth.shop import END, OFFERS, make_shop, plan_true_value


def expected_profit(truth: pd.DataFrame, plan: pd.DataFrame, products: pd.DataFrame) -> dict:
    """Per plan row and arm (``none`` and each offer): the expected profit the report measures
    from ``simulate_plan_outcomes``'s orders (one order of the chosen product, its cost)."""
    rows = pd.Index(truth["customer_id"].astype(str)).get_indexer(plan["customer_id"])
    t = truth.iloc[rows].reset_index(drop=True)
    cost = products.set_index("product_id")["cost"]
    send = dict(zip(OFFERS["offer_id"], OFFERS["send_cost"], strict=True))
    out = {}
    for name in ["none", *OFFERS["offer_id"]]:
        revenue = t[f"revenue__{name}"].to_numpy()
        discount = t[f"discount__{name}"].to_numpy()
        product, price = _nearest_product(products, t["top_category"].to_numpy(), revenue)
        quantity = np.maximum(np.round(revenue / price), 1)
        paid = quantity * np.round(revenue / quantity, 2)
        profit = paid - np.round(np.minimum(discount, revenue), 2)
        profit -= quantity * cost.reindex(product).to_numpy()
        out[name] = t[f"p_buy__{name}"].to_numpy() * profit - send.get(name, 0.0)
    return out


def run(n: int, seed: int) -> dict:
    shop = make_shop(n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        ingest(store, shop.write(Path(tmp) / "shop"))
        result = plan_as_the_demo(store, n, "cov")
        plan = result.plan.assign(customer_id=result.plan["customer_id"].astype(str))
        plan["offer_id"] = plan["offer_id"].fillna("").astype(str)
        products = store.table("products")
        simulated = simulate_plan_outcomes(
            shop.truth,
            plan[["customer_id", "offer_id", "propensity", "group"]],
            products,
            campaign_id="cov",
            sent_at=END,
            seed=seed,
        )
        folder = Path(tmp) / "outcomes"
        folder.mkdir()
        simulated["orders"].to_csv(folder / "orders.csv", index=False)
        ingest(store, folder)
        logged = pd.DataFrame(
            {
                "campaign_id": "cov",
                "customer_id": plan["customer_id"].to_numpy(),
                "offer_id": plan["offer_id"].replace("", None).to_numpy(),
                "sent_at": store.utc_time(END.isoformat()),
                "channel": "email",
                "propensity": plan["propensity"].astype(float).to_numpy(),
                "group": plan["group"].to_numpy(),
            }
        )
        insert_exposures(store, logged)
        m90 = measure_campaign(store, "cov", confidence=0.90)
        m95 = measure_campaign(store, "cov", confidence=0.95)
        frame = campaign_outcomes(store, "cov")
        frame = frame.join(order_history(store, frame), on="customer_id")
    truth, _ = plan_true_value(plan, shop.truth)
    expected = expected_profit(shop.truth, plan, products)
    # each customer's true expected no-offer profit: the covariate no prediction can beat
    frame["expected_none"] = (
        pd.Series(expected["none"], index=plan["customer_id"])
        .reindex(frame["customer_id"].astype(str))
        .to_numpy()
    )
    arm = np.where(plan["offer_id"] == "", "none", plan["offer_id"])
    own = np.select([arm == a for a in expected], list(expected.values()))
    sim_truth = float((own - expected["none"])[arm != "none"].sum())
    w = 1.0 / plan["propensity"].to_numpy(dtype=float)
    nothing = arm == "none"
    m0 = (w[nothing] * expected["none"][nothing]).sum() / w[nothing].sum()
    return {
        "frame": frame,
        "seed": seed,
        "groups": plan["group"].value_counts().to_dict(),
        "truth": truth,
        "sim truth": sim_truth,
        "noiseless": float(own.sum() - len(plan) * m0),
        "held-out buyers": _held_out_buyers(frame),
        "90": m90["incremental_profit"],
        "95": m95["incremental_profit"],
    }


def order_history(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """Each customer's orders before the send, by customer id: revenue before, orders and
    revenue in the 90 days before, orders in the 365 days before, days since the last order
    (NaN without one); customers without an order before get zeros. The inputs of the
    prediction ``bench/cupac_tried.py`` tries as a CUPED covariate."""
    orders = store.table("orders")
    orders = orders[~orders["is_return"].fillna(False).astype(bool)]
    sent = frame.drop_duplicates("customer_id").set_index("customer_id")["sent_at"]
    orders = orders[orders["customer_id"].isin(sent.index)]
    orders = orders.assign(
        sent=sent.reindex(orders["customer_id"]).to_numpy(),
        revenue=orders["quantity"] * orders["unit_price"] - orders["discount"].fillna(0),
    )
    orders = orders[orders["timestamp"] < orders["sent"]]
    orders["age"] = (orders["sent"] - orders["timestamp"]).dt.total_seconds() / 86400
    per_order = orders.groupby(["customer_id", "order_id"]).agg(
        revenue=("revenue", "sum"), age=("age", "min")
    )
    per_order = per_order.reset_index()
    recent = per_order["age"] <= 90
    g = per_order.groupby("customer_id")
    out = pd.DataFrame(
        {
            "revenue_before": g["revenue"].sum(),
            "orders_90d": recent.groupby(per_order["customer_id"]).sum(),
            "revenue_90d": per_order["revenue"]
            .where(recent, 0.0)
            .groupby(per_order["customer_id"])
            .sum(),
            "orders_365d": (per_order["age"] <= 365).groupby(per_order["customer_id"]).sum(),
            "days_since_order": g["age"].min(),
        }
    ).reindex(sent.index)
    counts = ["revenue_before", "orders_90d", "revenue_90d", "orders_365d"]
    out[counts] = out[counts].fillna(0.0)
    return out


def _held_out_buyers(frame: pd.DataFrame) -> int:
    """Buyers among the plan's randomized control group: the few each standing for about ten
    targets, on whom the whole campaign's baseline rests."""
    return int(frame.loc[frame["group"] == "control", "converted"].sum())


def remeasure(folder: Path) -> list[dict]:
    """The saved outcomes frames (``--save``) measured again with the current estimator: a
    change to the statistics is checked on the same campaigns in seconds."""
    rows = []
    for path in sorted(folder.glob("*.parquet")):
        frame = pd.read_parquet(path)
        row = {"seed": path.stem, "truth": frame["truth"].iloc[0]}
        row["sim truth"] = frame["sim_truth"].iloc[0]
        row["held-out buyers"] = _held_out_buyers(frame)
        for level in ("90", "95"):
            measured = estimate_lift(frame, confidence=int(level) / 100, with_segments=False)
            row[level] = measured["incremental_profit"]
        rows.append(row)
    return rows


def summarize(rows: list[dict]) -> None:
    """Mean error, RMSE and coverage of the incremental profit against both truths."""
    estimate = np.array([r["90"]["estimate"] for r in rows])
    for truth in ("truth", "sim truth"):
        t = np.array([r[truth] for r in rows])
        error = estimate - t
        above = np.mean([r["90"]["low"] > r[truth] for r in rows])
        print(
            f"against {truth}: mean error {error.mean():,.0f} (its s.e. "
            f"{error.std(ddof=1) / np.sqrt(len(rows)):,.0f}), RMSE "
            f"{np.sqrt((error**2).mean()):,.0f}, coverage 90% {_covers(rows, '90', truth):.2f} "
            f"(interval wholly above it {above:.2f}), 95% {_covers(rows, '95', truth):.2f} "
            f"({len(rows)} seeds)"
        )
    error = estimate - np.array([r["sim truth"] for r in rows])
    se = np.array([r["90"]["std_error"] for r in rows])
    print(
        f"median error {np.median(error):,.0f} against sim truth; correlation of the error with "
        f"the reported s.e. {np.corrcoef(error, se)[0, 1]:.2f}; buyers in the held-out control "
        f"group per campaign: median {np.median([r['held-out buyers'] for r in rows]):.0f}"
    )


def _covers(rows: list[dict], level: str, truth: str) -> float:
    return float(np.mean([r[level]["low"] <= r[truth] <= r[level]["high"] for r in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--save", type=Path, help="folder for each seed's outcomes frame")
    parser.add_argument("--remeasure", type=Path, help="measure the frames saved there again")
    args = parser.parse_args()
    if args.remeasure:
        summarize(remeasure(args.remeasure))
        return
    seeds = args.seeds or list(range(args.first, args.first + args.count))
    table = Table(
        title=f"whole-campaign incremental profit, {args.customers:,} customers (synthetic)"
    )
    for column in (
        "seed",
        "target/control/explore/none",
        "truth",
        "sim truth",
        "noiseless",
        "estimate [90%]",
        "se",
    ):
        table.add_column(column, justify="right")
    rows = []
    started = time.time()
    for seed in seeds:
        r = run(args.customers, seed)
        if args.save:  # each seed's outcomes frame and truths, to re-measure without re-running
            args.save.mkdir(parents=True, exist_ok=True)
            frame = r.pop("frame")
            frame.attrs = {}
            frame.assign(truth=r["truth"], sim_truth=r["sim truth"]).to_parquet(
                args.save / f"n{args.customers}-seed{seed}.parquet"
            )
        r.pop("frame", None)
        rows.append(r)
        g = r["groups"]
        p = r["90"]
        table.add_row(
            str(seed),
            "/".join(f"{g.get(k, 0):,}" for k in ("target", "control", "explore", "none")),
            f"{r['truth']:,.0f}",
            f"{r['sim truth']:,.0f}",
            f"{r['noiseless']:,.0f}",
            f"{p['estimate']:,.0f} [{p['low']:,.0f}, {p['high']:,.0f}]",
            f"{p['std_error']:,.0f}",
        )
        print(f"seed {seed} done, {time.time() - started:.0f} s", flush=True)
    Console(width=200).print(table)
    # one seed has no spread: its standard deviations and correlation print as nan, quietly
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        summarize(rows)
        estimate = np.array([r["90"]["estimate"] for r in rows])
        se = np.array([r["90"]["std_error"] for r in rows])
        noise = np.array([r["noiseless"] - r["sim truth"] for r in rows])
        print(
            f"design error alone (noiseless - sim truth): mean {noise.mean():,.0f}, "
            f"sd {noise.std(ddof=1):,.0f}; mean reported s.e. {se.mean():,.0f}, sd of estimate - "
            f"sim truth {(estimate - [r['sim truth'] for r in rows]).std(ddof=1):,.0f}"
        )


if __name__ == "__main__":
    main()

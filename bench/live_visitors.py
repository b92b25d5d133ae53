"""What visitors answered outside a served plan do to the live campaign's report, logged with
the plan's groups (explore, none: before) or as ``visitor`` (after). Synthetic shops with a
hidden truth.

A plan is built for the shop as ``promopilot demo`` builds it; its customers without an order
before the plan date are taken out of it and ask ``/offer`` as visitors the plan never saw,
getting the server's live decision (:func:`promopilot.serve.decisions.decide`). Every
exposure's orders in the window are simulated from the truth (``simulate_plan_outcomes``), and
the same exposures are logged twice: with the visitors' old groups, and as ``visitor``. Both
campaigns are measured; the truth is the plan's true expected incremental profit (its own
customers), and the same with the visitors' exploration offers added.

    python bench/live_visitors.py [--customers 2000] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from demo_plan import plan_as_the_demo
from promopilot.campaigns.measure import measure_campaign
from promopilot.config import load_settings
from promopilot.data.ingest import ingest
from promopilot.data.queries.serve import insert_exposures
from promopilot.data.store import Store
from promopilot.serve.decisions import decide
from promopilot.serve.state import build_state
from promopilot.synth.outcomes import simulate_plan_outcomes
from promopilot.synth.shop import END, make_shop, plan_true_value


def _logged(exposures: pd.DataFrame, campaign_id: str, sent_at: pd.Timestamp) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "campaign_id": campaign_id,
            "customer_id": exposures["customer_id"].to_numpy(),
            "offer_id": exposures["offer_id"].replace("", None).to_numpy(),
            "sent_at": sent_at,
            "channel": "api",
            "propensity": exposures["propensity"].astype(float).to_numpy(),
            "group": exposures["group"].to_numpy(),
        }
    )


def run(n: int, seed: int) -> dict:
    shop = make_shop(n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        ingest(store, shop.write(Path(tmp) / "shop"))
        result = plan_as_the_demo(store, n, "live")
        buyers = set(store.table("orders", ["customer_id"])["customer_id"].astype(str))
        full = result.plan.assign(customer_id=result.plan["customer_id"].astype(str))
        plan = full[full["customer_id"].isin(buyers)].reset_index(drop=True)
        visitor_ids = full.loc[~full["customer_id"].isin(buyers), "customer_id"].tolist()
        state = build_state(
            store,
            plan=plan,
            campaign_id="live",
            settings=load_settings(),
            recommender_fn=lambda _store: None,
        )
        decisions = [decide(state, c) for c in visitor_ids]
        visitors = pd.DataFrame(
            {
                "customer_id": visitor_ids,
                "offer_id": [d.offer_id or "" for d in decisions],
                "propensity": [d.propensity for d in decisions],
                "group": [d.group for d in decisions],
            }
        )
        planned = plan[["customer_id", "offer_id", "propensity", "group"]].fillna({"offer_id": ""})
        exposures = pd.concat([planned, visitors], ignore_index=True)
        simulated = simulate_plan_outcomes(
            shop.truth, exposures, store.table("products"), campaign_id="live", sent_at=END
        )
        folder = Path(tmp) / "outcomes"
        folder.mkdir()
        simulated["orders"].to_csv(folder / "orders.csv", index=False)
        ingest(store, folder)
        sent_at = store.utc_time(END.isoformat())
        # before: visitors logged with the plan's groups, explore or none
        old = visitors.assign(group=visitors["offer_id"].map(lambda o: "explore" if o else "none"))
        insert_exposures(store, _logged(pd.concat([planned, old]), "before", sent_at))
        insert_exposures(store, _logged(exposures, "after", sent_at))
        before = measure_campaign(store, "before", confidence=0.9)
        after = measure_campaign(store, "after", confidence=0.9)
    truth_plan, _ = plan_true_value(plan, shop.truth)
    truth_all, _ = plan_true_value(exposures, shop.truth)
    return {
        "seed": seed,
        "plan": len(plan),
        "visitors": len(visitors),
        "offered": int((visitors["offer_id"] != "").sum()),
        "truth plan": truth_plan,
        "truth with visitors": truth_all,
        "before": before,
        "after": after,
    }


def _interval(result: dict) -> str:
    p = result["incremental_profit"]
    return f"{p['estimate']:,.0f} [{p['low']:,.0f}, {p['high']:,.0f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    table = Table(title="a served plan's report, visitors in it (before) or apart (after)")
    for column in (
        "seed",
        "plan / visitors (offered)",
        "true plan profit",
        "true, visitors' offers added",
        "before: incr. profit [90%]",
        "control before",
        "after: incr. profit [90%]",
        "control after",
    ):
        table.add_column(column, justify="right")
    errors: dict[str, list[float]] = {"before": [], "after": []}
    for seed in args.seeds:
        r = run(args.customers, seed)
        for name in errors:
            estimate = r[name]["incremental_profit"]["estimate"]
            errors[name].append(estimate - r["truth plan"])
        table.add_row(
            str(r["seed"]),
            f"{r['plan']:,} / {r['visitors']:,} ({r['offered']:,})",
            f"{r['truth plan']:,.0f}",
            f"{r['truth with visitors']:,.0f}",
            _interval(r["before"]),
            f"{r['before']['control']['customers']:,}",
            _interval(r["after"]),
            f"{r['after']['control']['customers']:,}",
        )
    Console(width=200).print(table)
    for name, values in errors.items():
        mean = sum(values) / len(values)
        rmse = (sum(v * v for v in values) / len(values)) ** 0.5
        print(f"{name}: estimate minus true plan profit, mean {mean:,.0f}, RMSE {rmse:,.0f}")
    print(r["after"]["summary"])


if __name__ == "__main__":
    main()

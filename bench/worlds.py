"""Does promopilot work on shops it was not built on? The plan and the profile, over a family
of synthetic worlds, scored against each world's hidden truth (figures from our own synthetic
data).

Each world (``promopilot.synth.worldgen.make_world``) draws its own structure: what drives the
response to offers and how, sleeping dogs, churn, event richness, how the past campaign was
assigned, returns, missing costs and stock. For each world the shop folder is ingested, the
profile (``build_profile``) and the plan (``build_plan``) are built from the data alone, and:

- plan: its true expected incremental profit and discount cost, next to the oracle (an exact
  solver on the true profit and cost matrices, same budget, the plan's control and explore
  slices kept as they are) and random targeting within the same budget. "Loses" means the
  plan's true profit is below -2% of the oracle's. Budget rule: 0.6 per customer, rounded to
  100 (1,200 for the default 2,000 customers).
- profile: ROC AUC of ``churn_risk`` for the true churners (no longer active at the as-of
  date), among the customers seen in the last 180 days (the population the profile validates
  churn on) and among all, next to ``days_since_last_event`` alone; Spearman correlation of
  ``discount_sensitivity`` with the true sensitivity next to the best single promotion-response
  column of the same output chosen in hindsight by its absolute correlation with the truth (a
  strong baseline, scored only where that column has a value) and next to the column the
  profile's own check chose from the shop's data (the issue's baseline; none when the check
  found no signal). The hindsight column is scored only on the customers where it has a value,
  the model on everyone; a second line scores the model on the column's customers too.

World seeds come in two sets. TRAINING (1-40) is for whoever tunes defaults or model choices;
REPORT (1001-1030) is never used for tuning: the figures that go in the README come from it.
Any other seeds (``--seeds 3001 3002 ...``) are worlds nobody has looked at yet: a check that
the report set's figures are not a property of those 20 worlds.

    python bench/worlds.py [--set report|train | --seeds N ...] [--worlds 30]
                           [--customers 2000] [--jobs 1] [--profile-only | --gate-only]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from promopilot.profile.sensitivity_check import single_column_sensitivity

RECENT_DAYS = 180
TRAIN_SEEDS = tuple(range(1, 41))
REPORT_SEEDS = tuple(range(1001, 1031))
# promotion-response columns of the profile output the sensitivity is compared with
PROMO_COLUMNS = (
    "coupon_share",
    "discount_share",
    "sale_order_lift",
    "sale_view_lift",
    "price_level",
    "view_price_level",
)


def budget_for(n_customers: int) -> float:
    """The documented budget rule: 0.6 per customer, rounded to 100."""
    return float(max(round(0.6 * n_customers, -2), 100))


def score_plan(shop, result, budget: float) -> dict:
    from promopilot.synth.oracle import oracle_plan, random_plan
    from promopilot.synth.truth import plan_true_value

    truth, offers, plan = shop.truth, shop.offers, result.plan
    profit, cost = plan_true_value(plan, truth, offers)
    oracle, oracle_cost = plan_true_value(
        oracle_plan(truth, budget, offers, plan=plan), truth, offers
    )
    rand, _ = plan_true_value(random_plan(truth, budget, seed=0, offers=offers), truth, offers)
    sent = plan["offer_id"].fillna("").astype(str) != ""
    forecast = float(plan.loc[sent, "expected_cost"].sum())
    check = result.self_check
    return {
        # the self-check's chosen policy, and whether the plan targets with it
        "policy": (check.policy + ("" if check.passes else " (fails)")) if check else "-",
        "targets": int((sent & (plan["group"] == "target")).sum()),
        "explore": int((sent & (plan["group"] == "explore")).sum()),
        # how many standard errors the chosen candidate stands above zero, and the joint
        # critical value it had to pass (how much stricter a gate it would survive)
        "gate z": gate_z(check),
        "critical": check.z if check else np.nan,
        "true profit": profit,
        "oracle": oracle,
        "share": profit / oracle if oracle > 0 else np.nan,
        "random": rand,
        "loses": bool(profit < -0.02 * max(oracle, 0.0)),
        "cost/budget": cost / budget,
        # what the shop pays against what the plan said it would (the budget need not bind:
        # where offers to everyone who pays cost less, the plan spends less)
        "cost/forecast": cost / forecast if forecast > 0 else np.nan,
        # below 1 where even the oracle finds too few profitable offers to spend the budget
        "oracle cost/budget": oracle_cost / budget,
    }


def gate_z(check) -> float:
    """The chosen candidate's out-of-fold estimate over its standard error (NaN without a
    self-check or a finite critical value)."""
    if check is None or not np.isfinite(check.z) or check.z <= 0:
        return np.nan
    se = (check.high - check.low) / (2 * check.z)
    return check.per_customer / se if se > 0 else np.nan


def oracle_gate(shop, store, budget: float) -> dict:
    """Would the plan's own gate let the oracle's plan through? The oracle's choice for each
    customer (the truth's best plan at the plan date, same budget) applied to the past
    randomized campaign's exposures and valued with the self-check's doubly robust estimator
    and interval (:func:`promopilot.offers.selfcheck.policy_interval`). Where even this plan's
    lower bound is not above zero, the logs cannot show that any targeting pays: a plan that
    targets only what its data can support sends nothing there. Empty without a randomized
    campaign with a control group."""
    from promopilot.campaigns.history import CONTROL, campaign_training_data
    from promopilot.config import load_settings
    from promopilot.exceptions import NotEnoughDataError
    from promopilot.offers.inputs import default_feature_fn, load_offers
    from promopilot.offers.policies import log_values
    from promopilot.offers.selfcheck import dr_frame, policy_interval
    from promopilot.offers.untargeted import randomized_only
    from promopilot.synth.oracle import oracle_plan
    from promopilot.synth.world import END

    settings = load_settings()
    try:
        data = campaign_training_data(
            store, default_feature_fn, window_days=settings.campaign_window_days
        )
    except NotEnoughDataError:
        return {}
    data, _ = randomized_only(data)
    if data.n == 0 or not (data.treatment == CONTROL).any():
        return {}
    offers = load_offers(store, END)
    values = log_values(store, data, offers, settings.default_margin, END)
    oracle = oracle_plan(shop.truth, budget, shop.offers)
    choice = oracle.set_index(oracle["customer_id"].astype(str))["offer_id"]
    arms = (
        pd.Series(data.customer_id.astype(str)).map(choice).fillna(CONTROL).to_numpy(dtype=object)
    )
    _, low, _ = policy_interval(
        dr_frame(data, values), arms, confidence=settings.confidence, random_state=0
    )
    return {"oracle gate low": low}


def score_profile(shop, customers: pd.DataFrame, own_column: str | None = None) -> dict:
    """Profile quality against the world's truth. Churn: ROC AUC of ``churn_risk`` and of
    days since the last event for the true churners, among the customers seen in the last
    RECENT_DAYS (the population the profile validates churn on) and, beside it, among all.
    Sensitivity: Spearman correlation with the true sensitivity of ``discount_sensitivity``,
    of the best promotion-response column chosen in hindsight (by its absolute correlation
    with the truth: a strong baseline) and of `own_column`, the single column the profile's
    own check picked from the shop's data (None when it had nothing to check against)."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    everyone = customers.merge(shop.truth, on="customer_id", suffixes=("", "_true"))
    out = {}
    recency = "days_since_last_event" if "days_since_last_event" in everyone else "recency_days"
    for suffix, frame in (("", everyone[everyone[recency] <= RECENT_DAYS]), (" all", everyone)):
        churned = frame["churned"].to_numpy()
        if not churned.any() or churned.all():
            continue
        for key, column in (("churn AUC", "churn_risk"), ("recency AUC", recency)):
            ok = frame[column].notna().to_numpy() if column in frame else np.zeros(len(frame), bool)
            out[key + suffix] = (
                roc_auc_score(churned[ok], frame[column].to_numpy()[ok]) if ok.any() else np.nan
            )
    frame = everyone
    true = frame["discount_sensitivity_true"]
    if true.nunique() > 1:

        def corr(column: str) -> float:
            ok = frame[column].notna() & true.notna()
            if ok.sum() < 10 or frame.loc[ok, column].nunique() < 2:
                return np.nan
            return float(spearmanr(frame.loc[ok, column], true[ok]).statistic)

        out["sens corr"] = corr("discount_sensitivity")
        best = {c: abs(corr(c)) for c in PROMO_COLUMNS if c in frame}
        best = {c: v for c, v in best.items() if np.isfinite(v)}
        if best:
            name = max(best, key=best.get)
            out["best column"], out["best corr"] = name, best[name]
            # the model on the same customers as that column (those where it has a value)
            same = frame["discount_sensitivity"].where(frame[name].notna())
            out["sens corr same rows"] = corr_of(same, true)
        if own_column is not None and own_column in frame:
            oriented = single_column_sensitivity(frame, own_column)
            out["own column"], out["own corr"] = own_column, corr_of(oriented, true)
    return out


def corr_of(values: pd.Series, true: pd.Series) -> float:
    from scipy.stats import spearmanr

    ok = values.notna() & true.notna()
    if ok.sum() < 10 or values[ok].nunique() < 2:
        return np.nan
    return float(spearmanr(values[ok], true[ok]).statistic)


def run_world(seed: int, n_customers: int, mode: str = "all") -> dict:
    """One world: `mode` "all" (profile, plan, gate), "profile" or "gate" only."""
    warnings.simplefilter("ignore")
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store
    from promopilot.offers.plan import build_plan
    from promopilot.profile.build import build_profile
    from promopilot.synth.world import END
    from promopilot.synth.worldgen import make_world

    t0 = time.perf_counter()
    shop = make_world(seed, n_customers)
    t_make = time.perf_counter()
    row = {"seed": seed, "world": str(shop.world)}
    budget = budget_for(n_customers)
    row["budget"] = budget
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        ingest(store, shop.write(tmp))
        t_ingest = time.perf_counter()
        if mode in ("all", "gate"):
            try:
                row.update(oracle_gate(shop, store, budget))
            except Exception as error:
                row["gate error"] = f"{type(error).__name__}: {error}"[:120]
        try:
            if mode != "gate":
                profile = build_profile(store, as_of=END)
                own = profile.choices.get("discount_sensitivity")
                row.update(score_profile(shop, profile.customers, own.baseline if own else None))
        except Exception as error:  # the yardstick records failures, it does not stop
            row["profile error"] = f"{type(error).__name__}: {error}"[:120]
        t_profile = time.perf_counter()
        result = None
        try:
            if mode == "all":
                result = build_plan(
                    store,
                    budget=budget,
                    campaign_id=f"world-{seed}",
                    as_of=END,
                )
        except Exception as error:
            row["plan error"] = f"{type(error).__name__}: {error}"[:120]
        t_plan = time.perf_counter()
    if result is not None:
        row.update(score_plan(shop, result, budget))
    t_end = time.perf_counter()
    row["seconds"] = t_end - t0
    row["timing"] = (
        f"make {t_make - t0:.0f}s, ingest {t_ingest - t_make:.0f}s, "
        f"profile {t_profile - t_ingest:.0f}s, plan {t_plan - t_profile:.0f}s, "
        f"oracle {t_end - t_plan:.0f}s"
    )
    return row


def _fmt(value, key: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    if key in ("oracle gate low", "gate z"):
        return f"{value:+.2f}"
    if key == "critical":
        return f"{value:.2f}"
    if key in ("share", "cost/budget", "oracle cost/budget", "cost/forecast"):
        return f"{value:.0%}"
    if key in (
        "churn AUC", "recency AUC", "churn AUC all", "recency AUC all", "sens corr", "best corr",
        "sens corr same rows", "own corr",
    ):  # fmt: skip
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "LOSES" if value else ""
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)


def summary(frame: pd.DataFrame) -> list[str]:
    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(np.nan, index=frame.index)

    share = col("share").dropna()
    planned = frame[col("true profit").notna()]
    targeting = planned[planned["targets"] > 0] if len(planned) else planned
    within = targeting["cost/budget"].between(0.9, 1.1) if len(targeting) else pd.Series([])
    errors = int(col("plan error").notna().sum()), int(col("profile error").notna().sum())
    lines = [
        f"worlds: {len(frame)}; plan errors: {errors[0]}; profile errors: {errors[1]}",
        f"share of the oracle's true profit: median {share.median():.1%}, worst {share.min():.1%}"
        f" (over {len(share)} worlds where the oracle earns something)",
        f"plan loses money in truth (below -2% of the oracle): {int(planned['loses'].sum())} of "
        f"{len(planned)} worlds",
        f"true cost / budget: median {planned['cost/budget'].median():.2f}; within 0.9-1.1 in "
        + (f"{within.mean():.0%}" if len(targeting) else "-")
        + f" of the {len(targeting)} worlds where the plan targets anyone"
        + (
            f" (in {int((targeting['oracle cost/budget'] < 0.9).sum())} of them even the "
            "oracle spends under 0.9)"
            if "oracle cost/budget" in targeting and len(targeting)
            else ""
        ),
        "true cost / the plan's own forecast cost: "
        + (
            f"median {targeting['cost/forecast'].median():.2f}; within 0.9-1.1 in "
            f"{targeting['cost/forecast'].between(0.9, 1.1).mean():.0%} of the "
            f"{len(targeting)} worlds where the plan targets anyone"
            if len(targeting)
            else "-"
        ),
        gate_line(planned, targeting),
        f"plan targets in {len(targeting)} of {len(planned)} worlds (nothing is sent where "
        "past randomized campaigns do not show an offer pays)",
    ]
    return lines + profile_summary(frame)


def gate_line(planned: pd.DataFrame, targeting: pd.DataFrame) -> str:
    """How far above zero the chosen candidates stood, in standard errors: the smallest where
    the plan targets and the largest where it sends nothing. A gate whose critical value is
    above the smallest would have sent nothing in that world."""
    if "gate z" not in planned or planned["gate z"].isna().all():
        return "self-check: no world had a randomized campaign to check against"
    rest = planned.loc[~planned.index.isin(targeting.index), "gate z"].dropna()
    return (
        "chosen candidate's estimate in standard errors: "
        + (
            f"lowest {targeting['gate z'].min():.2f} where the plan targets"
            if len(targeting)
            else "no world targets"
        )
        + (f", highest {rest.max():.2f} where it sends nothing" if len(rest) else "")
        + f" (critical values {planned['critical'].min():.2f}-{planned['critical'].max():.2f})"
    )


def gate_summary(frame: pd.DataFrame) -> list[str]:
    low = frame["oracle gate low"].dropna() if "oracle gate low" in frame else pd.Series([])
    if low.empty:
        return ["the oracle's plan through the plan's gate: no world with a randomized campaign"]
    passing = [str(s) for s in frame.loc[low[low > 0].index, "seed"]]
    return [
        f"the oracle's own plan passes the plan's gate (doubly robust lower bound on the past "
        f"randomized campaign above 0) in {len(passing)} of the {len(low)} worlds with a "
        f"randomized campaign ({len(frame) - len(low)} worlds have none)"
        + (f": {', '.join(passing)}" if passing else "")
    ]


def profile_summary(frame: pd.DataFrame) -> list[str]:
    def col(name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series(np.nan, index=frame.index)

    def versus(model: str, base: str, what: str) -> str:
        both = frame[col(model).notna() & col(base).notna()]
        if both.empty:
            return f"{what}: no world to compare"
        m, b = both[model], both[base]
        return (
            f"{what}: model median {m.median():.3f} vs {b.median():.3f}; model better in "
            f"{(m > b).mean():.0%}, equal in {(m == b).mean():.0%} of {len(both)} worlds"
        )

    return [
        versus(
            "churn AUC", "recency AUC",
            f"churn AUC (customers seen in the last {RECENT_DAYS} days) vs days since last event",
        ),
        versus(
            "churn AUC all", "recency AUC all",
            "churn AUC (all customers) vs days since last event",
        ),
        versus(
            "sens corr", "best corr",
            "discount sensitivity (Spearman with truth) vs best promotion column in hindsight",
        ),
        versus(
            "sens corr same rows", "best corr",
            "  the same, the model scored on the customers where that column has a value",
        ),
        versus(
            "sens corr", "own corr",
            "discount sensitivity (Spearman with truth) vs the column the profile's check chose",
        )
        + f" (no column: the check had no signal in "
        f"{int((col('sens corr').notna() & col('own corr').isna()).sum())} worlds)",
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=["report", "train"], default="report", help="seed set")
    ap.add_argument("--worlds", type=int, default=None, help="only the first N worlds of the set")
    ap.add_argument("--customers", type=int, default=2000, help="customers per world")
    ap.add_argument("--jobs", type=int, default=1, help="worlds run in parallel")
    ap.add_argument("--seeds", type=int, nargs="+", default=None, help="these seeds instead")
    only = ap.add_mutually_exclusive_group()
    only.add_argument(
        "--profile-only", action="store_true", help="score the profile only (no plan is built)"
    )
    only.add_argument(
        "--gate-only",
        action="store_true",
        help="only whether the oracle's plan passes the plan's gate on the past campaign",
    )
    args = ap.parse_args()
    mode = "profile" if args.profile_only else "gate" if args.gate_only else "all"
    seeds = args.seeds or (REPORT_SEEDS if args.set == "report" else TRAIN_SEEDS)
    seeds = list(seeds)[: args.worlds]
    console = Console(width=220)
    rows = []
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            for row in pool.map(
                run_world,
                seeds,
                [args.customers] * len(seeds),
                [mode] * len(seeds),
            ):
                console.print(f"{row['world']}  ({row['timing']})")
                rows.append(row)
    else:
        for seed in seeds:
            rows.append(run_world(seed, args.customers, mode))
            console.print(f"{rows[-1]['world']}  ({rows[-1]['timing']})")
    frame = pd.DataFrame(rows)
    shown = [
        c
        for c in (
            "seed", "policy", "targets", "explore", "gate z", "critical", "true profit", "oracle",
            "share", "random", "loses", "cost/budget", "cost/forecast", "oracle cost/budget",
            "churn AUC", "recency AUC", "churn AUC all", "recency AUC all", "sens corr",
            "best corr", "best column", "sens corr same rows", "own corr", "own column",
            "oracle gate low", "seconds", "plan error", "profile error", "gate error",
        )
        if c in frame
    ]  # fmt: skip
    table = Table(
        title=f"{args.set} worlds, {args.customers} customers, "
        f"budget {budget_for(args.customers):,.0f} (synthetic data; true expected values)"
    )
    for c in shown:
        left = c in ("best column", "own column", "plan error", "policy")
        table.add_column(c, justify="left" if left else "right")
    for row in frame.to_dict("records"):
        table.add_row(*[_fmt(row.get(c), c) for c in shown])
    console.print(table)
    lines = (
        profile_summary(frame)
        if mode == "profile"
        else gate_summary(frame)
        if mode == "gate"
        else summary(frame) + gate_summary(frame)
    )
    if mode == "profile":
        errors = int(frame["profile error"].notna().sum()) if "profile error" in frame else 0
        lines.insert(0, f"worlds: {len(frame)}; profile errors: {errors}")
    for line in lines:
        console.print(line)


if __name__ == "__main__":
    main()

"""CUPAC tried on saved plan campaigns: does a prediction of each customer's outcome, used as
the CUPED covariate, make the whole-campaign interval cover the truth more often?

Reads the outcomes frames ``bench/report_coverage.py --save DIR`` wrote (each customer's order
history before the send and true expected no-offer profit included) and measures the
whole-campaign incremental profit at 90% and 95% with each covariate:

- ``cuped``: the pre-period revenue and order count (the report's);
- ``history``: those plus revenue before, orders and revenue in the last 90 days, orders in
  the last 365, days since the last order (linear CUPED on all of them);
- ``cupac ridge`` / ``cupac boosting``: one prediction of the profit from that history,
  cross-fitted on 5 folds (each customer's from a fit on the others), with the pre-period
  covariates;
- ``oracle``: each customer's true expected no-offer profit (the simulator's, known only
  here), with the pre-period covariates: no prediction can do better.

    python bench/cupac_tried.py DIR
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from promopilot.campaigns import lift as stats
from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.measure import estimate_lift

PRE = ("pre_revenue", "pre_orders")
HISTORY = (
    *PRE,
    "orders_before",
    "revenue_before",
    "orders_90d",
    "revenue_90d",
    "orders_365d",
    "recency",
)


def ridge():
    return make_pipeline(
        FunctionTransformer(np.log1p),
        StandardScaler(),
        RidgeCV(alphas=np.logspace(-2, 3, 12)),
    )


def boosting():
    return HistGradientBoostingRegressor(
        max_iter=100, learning_rate=0.05, max_depth=3, min_samples_leaf=40, random_state=0
    )


def cross_fitted(frame: pd.DataFrame, model, folds: int = 5) -> np.ndarray:
    """Each customer's predicted profit from a fit on the other folds (never their own)."""
    x = frame[list(HISTORY)].to_numpy(dtype=float)
    y = frame["profit"].to_numpy(dtype=float)
    fold = np.arange(len(frame)) % folds
    out = np.zeros(len(frame))
    for k in range(folds):
        fitted = model().fit(x[fold != k], y[fold != k])
        out[fold == k] = fitted.predict(x[fold == k])
    return out


VARIANTS = {
    "cuped": lambda f: (f, PRE),
    "history": lambda f: (f, HISTORY),
    "cupac ridge": lambda f: (f.assign(predicted=cross_fitted(f, ridge)), (*PRE, "predicted")),
    "cupac boosting": lambda f: (
        f.assign(predicted=cross_fitted(f, boosting)),
        (*PRE, "predicted"),
    ),
    "oracle": lambda f: (f, (*PRE, "expected_none")),
}


def floor_binds(frame: pd.DataFrame, covariates: tuple[str, ...]) -> bool:
    """Whether the control part's floor (``lift.control_part_floor``), which no covariate
    lowers, is above its CUPED variance: then the interval does not narrow."""
    arm = frame["arm"].to_numpy(dtype=object)
    control = arm == CONTROL
    w = 1.0 / frame["propensity"].to_numpy(dtype=float)
    y = frame["profit"].to_numpy(dtype=float)
    x = frame[list(covariates)].to_numpy(dtype=float)
    z = stats.adjust(y, x, stats.cuped_theta(y, x))
    n, w0, z0 = len(y), w[control], z[control]
    m0 = (w0 * z0).sum() / w0.sum()
    own = control.sum() * (y[control] - n * w0 * (z0 - m0) / w0.sum()).var(ddof=1)
    floor = stats.control_part_floor(y, w, control, frame["converted"].to_numpy() > 0)
    return bool(floor > own)


def measure(frames: list[pd.DataFrame], variant: str) -> dict:
    rows = []
    for frame in frames:
        adjusted, covariates = VARIANTS[variant](frame)
        row = {"truth": frame["truth"].iloc[0], "sim truth": frame["sim_truth"].iloc[0]}
        for level in (90, 95):
            row[level] = estimate_lift(
                adjusted, confidence=level / 100, covariates=covariates, with_segments=False
            )["incremental_profit"]
        row["floor"] = floor_binds(adjusted, covariates)
        rows.append(row)
    estimate = np.array([r[90]["estimate"] for r in rows])
    out = {"variant": variant}
    for truth in ("truth", "sim truth"):
        error = estimate - np.array([r[truth] for r in rows])
        out[f"{truth}: mean error (s.e.)"] = (
            f"{error.mean():+,.0f} ({error.std(ddof=1) / np.sqrt(len(rows)):,.0f})"
        )
        out[f"{truth}: RMSE"] = f"{np.sqrt((error**2).mean()):,.0f}"
        for level in (90, 95):
            covered = np.mean([r[level]["low"] <= r[truth] <= r[level]["high"] for r in rows])
            out[f"{truth}: covers {level}%"] = f"{covered:.2f}"
    se = np.array([r[90]["std_error"] for r in rows])
    error = estimate - np.array([r["sim truth"] for r in rows])
    out["95% width"] = f"{np.mean([r[95]['high'] - r[95]['low'] for r in rows]):,.0f}"
    out["corr(error, s.e.)"] = f"{np.corrcoef(error, se)[0, 1]:.2f}"
    out["floor binds"] = f"{sum(r['floor'] for r in rows)}/{len(rows)}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    args = parser.parse_args()
    frames = []
    for path in sorted(args.folder.glob("*.parquet")):
        frame = pd.read_parquet(path)
        frame["recency"] = np.log1p(frame["days_since_order"].fillna(1000.0))
        frames.append(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = pd.DataFrame([measure(frames, v) for v in args.variants]).set_index("variant")
    print(f"{len(frames)} campaigns from {args.folder}")
    print(table.T.to_string())


if __name__ == "__main__":
    main()

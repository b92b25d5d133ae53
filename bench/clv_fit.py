"""Speed and accuracy of the CLV models.

Fits BG/NBD and Gamma-Gamma on 1,000,000 simulated customers (daily time unit, two years of
history) and times a 12-month CLV; when the CDNOW sample is available (``--data-root`` or env
``PROMOPILOT_SHARED_DATA``, default ``<repo>/../shared/data``) also checks the published
Fader-Hardie-Lee parameters. Prints a plain table.

    PYTHONPATH=src python bench/clv_fit.py [--data-root /path/to/shared/data] [--n 1000000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.profile.clv import (
    BetaGeoModel,
    GammaGammaModel,
    customer_lifetime_value,
    simulate_bgnbd,
    summary_from_transactions,
)
from shared_data import shared_data_root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=shared_data_root())
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []

    rng = np.random.default_rng(1)
    n = args.n
    truth = {"r": 0.5, "alpha": 30.0, "a": 0.8, "b": 2.5}
    sim = simulate_bgnbd(n, **truth, T=rng.integers(1, 731, n).astype(float), random_state=2)
    sim["recency"] = sim["recency"].round()  # whole days, as summary_from_transactions gives
    x = sim["frequency"].to_numpy()
    nu = rng.gamma(4.0, 1 / 15.0, n)
    xm = np.maximum(x, 1)
    monetary = np.where(x > 0, rng.gamma(6.0 * xm, 1.0 / (nu * xm)), 0.0)

    t0 = time.perf_counter()
    bg = BetaGeoModel().fit(sim["frequency"], sim["recency"], sim["T"])
    t_bg = time.perf_counter() - t0
    est = ", ".join(f"{k}={v:.3f}" for k, v in bg.params_.items())
    rows.append(
        (
            f"BG/NBD fit, {n:,} simulated customers ({bg.n_unique_rows_:,} distinct rows)",
            f"{t_bg:.2f} s",
            f"{est} (truth r=0.5, alpha=30, a=0.8, b=2.5)",
        )
    )
    t0 = time.perf_counter()
    gg = GammaGammaModel().fit(x, monetary)
    t_gg = time.perf_counter() - t0
    est = ", ".join(f"{k}={v:.3f}" for k, v in gg.params_.items())
    rows.append(
        (
            f"Gamma-Gamma fit, {gg.n_customers_:,.0f} repeat customers",
            f"{t_gg:.2f} s",
            f"{est} (truth p=6, q=4, gamma=15)",
        )
    )
    t0 = time.perf_counter()
    clv = customer_lifetime_value(
        bg,
        gg,
        sim["frequency"],
        sim["recency"],
        sim["T"],
        monetary,
        horizon_days=365,
        time_unit_days=1,
    )
    t_clv = time.perf_counter() - t0
    rows.append((f"12-month CLV, {n:,} customers", f"{t_clv:.2f} s", f"mean {clv.mean():.2f}"))

    path = args.data_root / "cdnow-sample" / "CDNOW_sample.txt"
    if path.exists():
        tx = pd.read_csv(
            path,
            sep=r"\s+",
            header=None,
            names=["m", "customer", "date", "cds", "value"],
            dtype={"date": str},
        )
        tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
        s = summary_from_transactions(
            tx,
            "customer",
            "date",
            "value",
            as_of="1998-06-30",
            calibration_end="1997-09-30",
            time_unit_days=7,
        )
        t0 = time.perf_counter()
        cd = BetaGeoModel().fit(s["frequency"], s["recency"], s["T"])
        t_cd = time.perf_counter() - t0
        cg = GammaGammaModel().fit(s["frequency"], s["monetary_value"])
        rows.append(
            (
                "CDNOW BG/NBD (published 0.243, 4.414, 0.793, 2.426)",
                f"{t_cd:.3f} s",
                ", ".join(f"{k}={v:.3f}" for k, v in cd.params_.items()),
            )
        )
        rows.append(
            (
                "CDNOW Gamma-Gamma (published 6.25, 3.74, 15.44)",
                "",
                ", ".join(f"{k}={v:.2f}" for k, v in cg.params_.items()),
            )
        )
    else:
        rows.append(("CDNOW check", "skipped", f"{path} not found"))

    widths = [max(len(r[i]) for r in [*rows, ("what", "time", "result")]) for i in range(3)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format("what", "time", "result"))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()

"""Where the customer profile's time goes, what its CLV fits cost, and whether two code
versions give the same profile.

For each shop (synthetic worlds from the training seeds, UCI Online Retail, the CDNOW
sample) this builds ``build_profile`` once and prints

* the seconds of each profile step (as ``build_profile`` reports its progress),
* every BG/NBD and Gamma-Gamma fit the profile made (one per snapshot date): customers,
  fitted parameters, log-likelihood, L-BFGS-B and Nelder-Mead evaluations (counted around
  ``scipy.optimize.minimize``, so an older version of the code is measured the same way).

A before/after comparison needs two code versions, hence two runs: save the profiles with
one, compare with the other::

    PYTHONPATH=/path/to/old/src .venv/bin/python bench/profile_speed.py --save /tmp/before
    PYTHONPATH=src .venv/bin/python bench/profile_speed.py --compare /tmp/before

The comparison prints, per shop, the largest relative difference of the BG/NBD parameters
(every fit), the largest relative difference and the Spearman rank correlation of
``clv_12m`` and ``bgnbd_expected_purchases_90d``, and the other customer columns that are
not identical. Ingested stores are kept in ``--stores`` (default a folder in the temporary
directory) and reused, so both runs read the same data; UCI takes about 1.5 minutes to
ingest. Nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from shared_data import shared_data_root

WORLD_SEEDS = (3, 7, 12)  # training seeds (1-40) only; 1001-1030 are held out
WORLD_CUSTOMERS = 20_000
MODEL_COLUMNS = ("clv_12m", "bgnbd_expected_purchases_90d")
REAL = {
    "uci": ("uci-online-retail/by-day", "uci"),
    "cdnow": ("cdnow-sample/CDNOW_sample.txt", "cdnow"),
}


def store_for(name: str, folder: Path, data_root: Path) -> Path:
    """The ingested store of shop `name` (``world<seed>``, ``uci``, ``cdnow``), made once."""
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    path = folder / f"{name}.duckdb"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        if name.startswith("world"):
            from promopilot.synth.worldgen import make_world

            shop = make_world(int(name.removeprefix("world")), WORLD_CUSTOMERS)
            with tempfile.TemporaryDirectory() as tmp:
                ingest(store, shop.write(tmp))
        else:
            rel, fmt = REAL[name]
            ingest(store, data_root / rel, format=fmt)
    partial.rename(path)
    return path


class FitLog:
    """Records each CLV fit: its parameters, log-likelihood and optimizer evaluations."""

    def __init__(self) -> None:
        self.fits: list[dict] = []
        self._runs: list[tuple[str, int]] = []

    def install(self) -> None:
        from scipy import optimize

        from promopilot.profile import bgnbd, clv_fitting, gamma_gamma

        minimize = optimize.minimize
        log = self

        class CountingOptimize:  # the module's ``optimize`` with a counted ``minimize``
            def __getattr__(self, name):
                return getattr(optimize, name)

            @staticmethod
            def minimize(*args, **kwargs):
                res = minimize(*args, **kwargs)
                log._runs.append((kwargs.get("method", "?"), int(res.nfev)))
                return res

        clv_fitting.optimize = CountingOptimize()
        for model, params in (
            (bgnbd.BetaGeoModel, ("r_", "alpha_", "a_", "b_")),
            (gamma_gamma.GammaGammaModel, ("p_", "q_", "gamma_")),
        ):
            model.fit = self._logged(model.__name__, model.fit, params)

    def _logged(self, name, fit, params):
        def logged_fit(model, *args, **kwargs):
            self._runs = []
            started = time.perf_counter()
            fit(model, *args, **kwargs)
            evaluations = {}
            for method, n in self._runs:
                evaluations[method] = evaluations.get(method, 0) + n
            self.fits.append(
                {
                    "model": name,
                    "customers": float(model.n_customers_),
                    "params": [float(getattr(model, p)) for p in params],
                    "log_likelihood": float(model.log_likelihood_),
                    "evaluations": evaluations,
                    "seconds": time.perf_counter() - started,
                }
            )
            return model

        return logged_fit


def run(name: str, store_path: Path, log: FitLog) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """The profile's customer table and (step, seconds) of one shop, on a copy of its store."""
    from promopilot.data.store import Store
    from promopilot.profile.build import build_profile
    from promopilot.synth.world import END

    steps: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / store_path.name
        shutil.copy(store_path, work)
        with Store(work) as store:
            marks = [("start", time.perf_counter())]
            profile = build_profile(
                store,
                as_of=END if name.startswith("world") else None,
                progress=lambda step: marks.append((step, time.perf_counter())),
            )
            marks.append(("end", time.perf_counter()))
    steps = [(step, marks[i + 1][1] - t) for i, (step, t) in enumerate(marks[:-1]) if i > 0]
    steps.append(("total", marks[-1][1] - marks[0][1]))
    return profile.customers, steps


def print_fits(fits: list[dict]) -> None:
    for fit in fits:
        evals = ", ".join(f"{m} {n}" for m, n in fit["evaluations"].items())
        params = " ".join(f"{v:.6g}" for v in fit["params"])
        print(
            f"    {fit['model']:<16} n={fit['customers']:>8,.0f}  params {params:<44} "
            f"loglik {fit['log_likelihood']:.6f}  evaluations: {evals}  {fit['seconds']:.2f}s"
        )


def compare(name: str, before: pd.DataFrame, after: pd.DataFrame, fits_before, fits_after):
    """Print how the profile of `name` moved between the saved run and this one."""
    print(f"  compared with the saved run of {name}:")
    if len(fits_before) != len(fits_after):
        print(f"    fits: {len(fits_before)} before, {len(fits_after)} after")
    worst = 0.0
    for old, new in zip(fits_before, fits_after, strict=False):
        if old["model"] == "BetaGeoModel":
            rel = np.abs(np.array(new["params"]) / np.array(old["params"]) - 1.0)
            worst = max(worst, float(rel.max()))
    print(f"    BG/NBD parameters, largest relative difference over all fits: {worst:.3g}")
    gains = [
        new["log_likelihood"] - old["log_likelihood"]
        for old, new in zip(fits_before, fits_after, strict=False)
    ]
    if gains:
        print(f"    log-likelihood after - before: min {min(gains):+.3g}, max {max(gains):+.3g}")
    if not before["customer_id"].equals(after["customer_id"]):
        print("    customer ids differ: rows compared by id")
        before = before.set_index("customer_id").reindex(after["customer_id"]).reset_index()
    for column in MODEL_COLUMNS:
        old, new = before[column].to_numpy(float), after[column].to_numpy(float)
        both = np.isfinite(old) & np.isfinite(new)
        rel = np.abs(new[both] - old[both]) / np.maximum(np.abs(old[both]), 1e-12)
        rho = stats.spearmanr(old[both], new[both]).statistic if both.sum() > 2 else np.nan
        missing = int((np.isfinite(old) != np.isfinite(new)).sum())
        print(
            f"    {column:<30} max relative difference {rel.max() if rel.size else 0:.3g}, "
            f"Spearman {rho:.6f}, missing in one run only {missing}"
        )
    others = [c for c in after.columns if c not in MODEL_COLUMNS]
    changed = [c for c in others if c not in before or not before[c].equals(after[c])]
    verdict = "differ: " + ", ".join(changed) if changed else "identical"
    print(f"    other columns ({len(others)}): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data_root())
    parser.add_argument("--stores", type=Path, default=Path(tempfile.gettempdir()) / "pp-stores")
    parser.add_argument("--seeds", type=int, nargs="*", default=list(WORLD_SEEDS))
    parser.add_argument("--real", nargs="*", default=list(REAL), choices=list(REAL))
    parser.add_argument("--save", type=Path, help="folder to save the profiles in")
    parser.add_argument("--compare", type=Path, help="folder of a saved run to compare with")
    args = parser.parse_args()
    if any(s > 40 for s in args.seeds):
        sys.exit("error: world seeds above 40 are held out for evaluation; use 1-40")
    warnings.simplefilter("ignore")
    log = FitLog()
    log.install()
    names = [f"world{s}" for s in args.seeds] + list(args.real)
    for name in names:
        path = store_for(name, args.stores, args.data)
        log.fits = []
        customers, steps = run(name, path, log)
        print(f"{name}: {len(customers):,} customers")
        print("    " + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in steps))
        print_fits(log.fits)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            customers.to_parquet(args.save / f"{name}.parquet")
            (args.save / f"{name}.json").write_text(json.dumps({"fits": log.fits, "steps": steps}))
        if args.compare:
            saved = json.loads((args.compare / f"{name}.json").read_text())
            old = pd.read_parquet(args.compare / f"{name}.parquet")
            compare(name, old, customers, saved["fits"], log.fits)
            print(
                "    seconds before/after: "
                + ", ".join(
                    f"{step} {s0:.1f}/{s1:.1f}"
                    for (step, s0), (_, s1) in zip(saved["steps"], steps, strict=False)
                )
            )


if __name__ == "__main__":
    main()

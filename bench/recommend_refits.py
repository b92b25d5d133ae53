"""`promopilot recommend --model auto`: its time, and whether two code versions give the same
recommendations and the same validation table.

For each shop (the UCI Online Retail test fixture, a synthetic shop of 5,000 customers from
``make_shop(5000, 0)``) this runs ``recommend_shop(store, model="auto")`` `--runs` times in
one process and prints the wall and CPU seconds of each run and their medians. A
before/after comparison needs two code versions, hence two runs: save the outputs with one,
compare with the other::

    PYTHONPATH=/path/to/old/src .venv/bin/python bench/recommend_refits.py --save /tmp/before
    PYTHONPATH=src .venv/bin/python bench/recommend_refits.py --compare /tmp/before

The comparison checks that the chosen model, its printed reason, every recommendation
(customer, rank, product and score) and every figure of the validation table are identical
(scores and figures exactly, not to a tolerance) and exits 1 where one is not. Stores are
built in ``--stores`` (default a folder in the temporary directory) and reused, so both runs
read the same data. Nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "uci-online-retail-sample"
SHOPS = ("uci-fixture", "synth5k")


def store_for(name: str, folder: Path) -> Path:
    """The ingested store of shop `name`, made once."""
    from promopilot.data.ingest import ingest
    from promopilot.data.store import Store

    path = folder / f"{name}.duckdb"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        if name == "uci-fixture":
            ingest(store, FIXTURE, format="uci")
        else:
            from promopilot.synth.shop import make_shop

            with tempfile.TemporaryDirectory() as tmp:
                ingest(store, make_shop(5000, 0).write(Path(tmp) / "shop"))
    partial.rename(path)
    return path


def run_once(path: Path):
    from promopilot.data.store import Store
    from promopilot.recommend.shop import recommend_shop

    with Store(path, read_only=True) as store:
        wall, cpu = time.perf_counter(), time.process_time()
        result = recommend_shop(store, model="auto")
        return result, time.perf_counter() - wall, time.process_time() - cpu


def outputs(result) -> dict:
    table = result.choice.table if result.choice is not None else pd.DataFrame()
    return {
        "model": result.model,
        "reason": result.choice.reason if result.choice is not None else "",
        # floats as repr: exact, NaN included
        "table": [[repr(v) for v in row] for row in table.itertuples(index=False)],
        "columns": list(table.columns),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the outputs to this folder")
    parser.add_argument("--compare", type=Path, help="compare with the outputs in this folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shops", nargs="+", default=list(SHOPS), choices=SHOPS)
    parser.add_argument(
        "--stores", type=Path, default=Path(tempfile.gettempdir()) / "promopilot-refits"
    )
    args = parser.parse_args()
    differ = False
    for name in args.shops:
        path = store_for(name, args.stores)
        walls, cpus = [], []
        result = None
        for _ in range(args.runs):
            result, wall, cpu = run_once(path)
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"{name}: model {result.model}; wall s "
            + " ".join(f"{w:.1f}" for w in walls)
            + f" (median {statistics.median(walls):.1f}); CPU s "
            + " ".join(f"{c:.1f}" for c in cpus)
            + f" (median {statistics.median(cpus):.1f})"
        )
        out = outputs(result)
        recs = result.recs.reset_index(drop=True)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
            recs.to_pickle(args.save / f"{name}-recs.pkl")
        if args.compare:
            old = json.loads((args.compare / f"{name}.json").read_text())
            old_recs = pd.read_pickle(args.compare / f"{name}-recs.pkl")
            same = {key: old[key] == out[key] for key in out}
            try:
                pd.testing.assert_frame_equal(old_recs, recs, check_exact=True)
                same["recs"] = True
            except AssertionError:
                same["recs"] = False
            print(f"  identical: {', '.join(f'{k} {v}' for k, v in same.items())}")
            differ |= not all(same.values())
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

"""Every ``promopilot`` command on every public dataset, as a new user would run them.

    .venv/bin/python bench/real_commands.py                      # all datasets in ../shared/data
    .venv/bin/python bench/real_commands.py --only uci --uci-days 60
    .venv/bin/python bench/real_commands.py --data DIR

Each dataset goes into its own temporary store through ``promopilot ingest``; then summary,
profile --evaluate, recommend, similar, plan (and, where it targets nobody, the randomized test
it proposes: plan --run-test), uplift, send --dry-run, report, evaluate-policy, retrain and
forget run on it, each as its own process (the real console entry point), and
``sentiment`` on datasets that are review files. Per command it records the exit code, the
seconds, lines that show a traceback or a Python warning (``...Warning``) on the terminal, and
the columns of the command's output files that are empty for every row. A command whose input
is unusable must exit 2 with one line; anything else is a failure. Prints one table
(dataset x command). Nothing here is collected by pytest.

``serve`` (a server) and ``demo``/``synth`` (synthetic data only) are not run here.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared_data import REPO, shared_data_root

PROMOPILOT = [str(Path(sys.executable).with_name("promopilot"))]
WARNING_LINE = re.compile(r"\b[A-Z]\w*Warning\b|\bwarnings\.warn\b")

# name, path under the data root, kind ("shop" datasets get every command, "reviews" ingest
# and sentiment), and a past campaign the dataset holds (measured with report/evaluate-policy)
DATASETS = (
    ("uci", "uci-online-retail/by-day", "shop", None),
    ("movielens", "movielens-100k", "shop", None),
    ("cdnow", "cdnow-sample/CDNOW_sample.txt", "shop", None),
    ("hillstrom", "hillstrom-email-2008/hillstrom.csv", "shop", "hillstrom-2008"),
    ("cn-shopping", "chinese-online-shopping-10-cats/online_shopping_10_cats.csv", "reviews", None),
    ("cn-waimai", "chinese-waimai-10k/waimai_10k.csv", "reviews", None),
)


@dataclass
class Run:
    command: str
    code: int
    seconds: float
    bad_lines: list[str] = field(default_factory=list)
    empty_columns: list[str] = field(default_factory=list)
    last_line: str = ""

    @property
    def ok(self) -> bool:
        # 2 is an honest refusal only when it is one line (checked in bad_lines)
        return self.code in (0, 2) and not self.bad_lines and not self.empty_columns


def empty_columns(paths: list[Path]) -> list[str]:
    """Columns of the CSV outputs that have no value in any row (files with rows only)."""
    found = []
    for path in paths:
        if not path.is_file() or path.suffix != ".csv":
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                continue
            filled = [False] * len(header)
            n_rows = 0
            for row in reader:
                n_rows += 1
                for i, value in enumerate(row[: len(header)]):
                    if value.strip() not in ("", "nan", "NaN"):
                        filled[i] = True
        if n_rows:
            found += [f"{path.name}:{c}" for c, f in zip(header, filled, strict=True) if not f]
    return found


def run(name: str, args: list[str], cwd: Path, outputs: list[Path], timeout: int) -> Run:
    env = dict(os.environ, PROMOPILOT_LOG=str(cwd / "promopilot.log"), COLUMNS="120")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [*PROMOPILOT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        code, out, err = -9, "", f"timed out after {timeout} s"
    seconds = time.perf_counter() - started
    lines = (out + err).splitlines()
    bad = [ln for ln in lines if "Traceback" in ln or WARNING_LINE.search(ln)]
    if code == 2 and len(err.strip().splitlines()) != 1:
        bad.append(f"exit 2 with {len(err.strip().splitlines())} stderr lines")
    if code not in (0, 2):
        bad.append(err.strip().splitlines()[-1] if err.strip() else f"exit {code}")
    last = (err.strip() or out.strip()).splitlines()
    return Run(name, code, seconds, bad, empty_columns(outputs), last[-1][:160] if last else "")


def first_csv_value(path: Path, column: str) -> str | None:
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get(column):
                return row[column]
    return None


def write_policy(plan: Path, policy: Path) -> bool:
    """The plan's own assignment as a policy file for evaluate-policy."""
    if not plan.is_file():
        return False
    with open(plan, encoding="utf-8-sig", newline="") as src, open(policy, "w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.writer(dst)
        writer.writerow(["customer_id", "offer_id"])
        for row in reader:
            writer.writerow([row["customer_id"], row.get("offer_id", "")])
    return True


def shop_commands(data: Path, work: Path, timeout: int, past: str | None) -> list[Run]:
    db = str(work / "store.duckdb")
    runs = [run("ingest", ["ingest", str(data), "--db", db], work, [], timeout)]
    if runs[0].code != 0:
        return runs
    steps: list[tuple[str, list[str], list[Path]]] = [
        ("summary", ["summary", "--db", db], []),
        (
            "profile",
            ["profile", "--db", db, "--evaluate", "--out", "customers.csv"],
            [work / "customers.csv"],
        ),
        ("recommend", ["recommend", "--db", db, "--out", "recs.csv"], [work / "recs.csv"]),
    ]
    for name, args, outputs in steps:
        runs.append(run(name, args, work, outputs, timeout))
    product = first_csv_value(work / "recs.csv", "product_id")
    if product:
        runs.append(run("similar", ["similar", product, "--db", db], work, [], timeout))
    runs.append(
        run(
            "plan",
            ["plan", "--db", db, "--budget", "500", "--out", "plan.csv", "--campaign-id", "rd1"],
            work,
            [work / "plan.csv"],
            timeout,
        )
    )
    if (work / "plan.csv").is_file() and first_csv_value(work / "plan.csv", "offer_id") is None:
        # nobody is targeted: do what the plan proposes, its randomized test within the budget
        test_args = ["plan", "--db", db, "--budget", "500", "--out", "plan.csv"]
        test_args += ["--campaign-id", "rd1", "--run-test"]
        runs.append(run("plan --run-test", test_args, work, [work / "plan.csv"], timeout))
    runs.append(run("uplift", ["uplift", "--db", db, "--report", "qini"], work, [], timeout))
    if (work / "plan.csv").is_file():
        send_args = ["send", "plan.csv", "--campaign-id", "rd1", "--channel", "csv"]
        runs.append(
            run(
                "send",
                [*send_args, "--dry-run", "--out", "sent", "--db", db],
                work,
                sorted((work / "sent").glob("*.csv")),
                timeout,
            )
        )
        runs.append(
            run("report", ["report", "rd1", "--db", db, "--json", "r.json"], work, [], timeout)
        )
        if write_policy(work / "plan.csv", work / "policy.csv"):
            runs.append(
                run(
                    "evaluate-policy",
                    ["evaluate-policy", "policy.csv", "--campaign", "rd1", "--db", db],
                    work,
                    [],
                    timeout,
                )
            )
    if past:  # the dataset's own campaign: measured, and the plan's policy valued on it
        runs.append(
            run(
                "report (past)", ["report", past, "--db", db, "--json", "p.json"], work, [], timeout
            )
        )
        if write_policy(work / "plan.csv", work / "policy.csv"):
            args = ["evaluate-policy", "policy.csv", "--campaign", past, "--db", db]
            runs.append(run("evaluate (past)", args, work, [], timeout))
    retrain = work / "retrain-out"
    runs.append(run("retrain", ["retrain", "--db", db, "--out", str(retrain)], work, [], timeout))
    runs[-1].empty_columns = empty_columns(sorted(retrain.glob("*.csv")))
    customer = first_csv_value(work / "customers.csv", "customer_id")
    if customer:
        runs.append(run("forget", ["forget", customer, "--db", db], work, [], timeout))
    return runs


def review_commands(data: Path, work: Path, timeout: int, past: str | None) -> list[Run]:
    db = str(work / "store.duckdb")
    return [
        run("ingest", ["ingest", str(data), "--db", db], work, [], timeout),
        run(
            "sentiment",
            ["sentiment", "--in", str(data), "--out", "scored.csv"],
            work,
            [work / "scored.csv"],
            timeout,
        ),
    ]


def uci_sample(root: Path, days: int, into: Path) -> Path:
    """The first `days` daily files of UCI Online Retail, linked into one folder."""
    into.mkdir(parents=True, exist_ok=True)
    for file in sorted(root.glob("*.csv"))[:days]:
        (into / file.name).symlink_to(file)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data_root(), help="dataset folder")
    parser.add_argument("--only", nargs="*", help="dataset names to run (default: all)")
    parser.add_argument("--uci-days", type=int, default=0, help="UCI: first N days only (0: all)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per command")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    results: list[tuple[str, list[Run]]] = []
    with tempfile.TemporaryDirectory(prefix="promopilot-real-") as tmp:
        for name, rel, kind, past in DATASETS:
            if args.only and name not in args.only:
                continue
            data = args.data / rel
            if not data.exists():
                print(f"{name}: {data} not found, skipped", file=sys.stderr)
                continue
            work = Path(tmp) / name
            work.mkdir()
            if name == "uci" and args.uci_days:
                data = uci_sample(data, args.uci_days, Path(tmp) / "uci-sample")
            commands = shop_commands if kind == "shop" else review_commands
            runs = commands(data, work, args.timeout, past)
            results.append((name, runs))
            for r in runs:
                print(
                    f"  {name:<12} {r.command:<16} exit {r.code:>2}  {r.seconds:6.1f} s", flush=True
                )
    print_table(results)


def print_table(results: list[tuple[str, list[Run]]]) -> None:
    header = ("dataset", "command", "exit", "seconds", "empty cols", "bad lines", "last line")
    rows = [
        (
            name,
            r.command,
            str(r.code),
            f"{r.seconds:.1f}",
            str(len(r.empty_columns)),
            str(len(r.bad_lines)) + (f" ({r.bad_lines[0][:60]})" if r.bad_lines else ""),
            r.last_line[:70],
        )
        for name, runs in results
        for r in runs
    ]
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    print("\noutput columns empty in every row:")
    for name, runs in results:
        for r in runs:
            if r.empty_columns:
                print(f"  {name} {r.command}: {', '.join(r.empty_columns)}")
    n_bad = sum(not r.ok for _, runs in results for r in runs)
    n_all = sum(len(runs) for _, runs in results)
    print(
        f"\n{n_all - n_bad} of {n_all} runs clean (exit 0, or 2 in one line; no traceback, "
        "no warning lines, no all-empty output column)"
    )


if __name__ == "__main__":
    main()

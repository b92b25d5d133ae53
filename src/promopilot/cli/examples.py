"""The example lines under each command's ``--help``: what to type first."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "promopilot": (
        "promopilot demo --out demo-out            (the whole loop, synthetic shop)",
        "promopilot ingest shop/ --db shop.duckdb  (your shop: docs/shop-folder.md)",
        "promopilot summary --db shop.duckdb",
        "promopilot plan --budget 500 --campaign-id spring --db shop.duckdb",
    ),
    "ingest": (
        "promopilot ingest shop/ --db shop.duckdb",
        "promopilot ingest Online_Retail.xlsx --format uci --db uci.duckdb",
    ),
    "synth": ("promopilot synth --out demo-shop --customers 2000",),
    "summary": ("promopilot summary --db shop.duckdb",),
    "forget": ("promopilot forget C1042 --db shop.duckdb",),
    "profile": ("promopilot profile --db shop.duckdb --out customers.csv",),
    "sentiment": ("promopilot sentiment --in reviews.csv --out reviews-scored.csv",),
    "recommend": ("promopilot recommend --db shop.duckdb --k 5 --out recs.csv",),
    "similar": ("promopilot similar 85123A --db shop.duckdb",),
    "plan": ("promopilot plan --budget 500 --campaign-id spring --db shop.duckdb",),
    "uplift": ("promopilot uplift --db shop.duckdb --report uplift-report",),
    "send": ("promopilot send plan.csv --campaign-id spring --channel csv --dry-run",),
    "report": ("promopilot report spring --db shop.duckdb --html spring.html",),
    "evaluate-policy": (
        "promopilot evaluate-policy policy.csv --campaign spring --db shop.duckdb",
    ),
    "retrain": ("promopilot retrain --db shop.duckdb --out retrain",),
    "serve": ("promopilot serve --db shop.duckdb --plan plan.csv --campaign-id spring",),
    "demo": ("promopilot demo --out demo-out",),
}


def example(command: str) -> str:
    """The epilog of `command`'s help: its examples, one a line (``\\b`` keeps click from
    joining them into one paragraph)."""
    lines = EXAMPLES[command]
    return (
        "\b\n"
        + ("Examples:" if len(lines) > 1 else "Example:")
        + "\n"
        + "\n".join(f"  {line}" for line in lines)
    )

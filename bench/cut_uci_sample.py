"""Cut the UCI Online Retail test fixture (tests/fixtures/uci-online-retail-sample/) from the
full by-day copy in ``$PROMOPILOT_SHARED_DATA/uci-online-retail`` (run once; output committed).

Customers are picked by a fixed hash of their id among those with at most 20 lines in the
year (so a few hundred customers fit in ~300 KB); every line of a picked customer is kept, in
file order. One in ten guest lines (no CustomerID) of three days is kept too, so missing
customer ids are in the sample.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from shared_data import shared_data_root

SOURCE = shared_data_root() / "uci-online-retail"
OUT = Path(__file__).resolve().parents[1] / "tests/fixtures/uci-online-retail-sample"
N_CUSTOMERS = 300
GUEST_DAYS = ("2010-12-01", "2011-06-01", "2011-11-15")


def main() -> None:
    files = str(SOURCE / "by-day" / "*.csv")
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE raw AS SELECT *, row_number() OVER () AS n FROM read_csv('{files}', "
        "all_varchar=true, filename=true, union_by_name=true)"
    )
    con.execute(
        "CREATE TABLE picked AS SELECT CustomerID FROM raw WHERE CustomerID IS NOT NULL "
        "GROUP BY 1 HAVING count(*) <= 20 "
        f"ORDER BY hash(CustomerID || 'promopilot-fixture') LIMIT {N_CUSTOMERS}"
    )
    days = ", ".join(f"'{d}'" for d in GUEST_DAYS)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "online-retail-sample.csv"
    con.execute(
        "COPY (SELECT InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, "
        "CustomerID, Country FROM raw WHERE CustomerID IN (SELECT CustomerID FROM picked) "
        f"OR (CustomerID IS NULL AND regexp_extract(filename, '(\\d{{4}}-\\d\\d-\\d\\d)', 1) "
        f"IN ({days}) AND hash(n) % 10 = 0) ORDER BY n) TO '{target}' (HEADER, DELIMITER ',')"
    )
    stats = con.sql(
        f"SELECT count(*) lines, count(DISTINCT CustomerID) customers, "
        "count(*) FILTER (CustomerID IS NULL) guest, count(*) FILTER (InvoiceNo LIKE 'C%') "
        "returns, count(*) FILTER (StockCode IN ('POST', 'DOT', 'M', 'C2', 'D')) fees "
        f"FROM read_csv('{target}', all_varchar=true)"
    ).fetchall()
    print(target, f"{target.stat().st_size / 1024:.0f} KiB", stats, file=sys.stderr)


if __name__ == "__main__":
    main()

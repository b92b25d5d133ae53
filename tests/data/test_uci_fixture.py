"""Real data end to end: `ingest`, `summary` and `forget` on the committed UCI Online Retail
sample (tests/fixtures/uci-online-retail-sample, CC BY 4.0), checked against pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.data.lines import NON_PRODUCT_IDS, PRODUCT_ORDERS_VIEW
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "uci-online-retail-sample"
    / "online-retail-sample.csv"
)


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.fixture(scope="module")
def expected() -> dict:
    """What the store must hold, computed from the file with pandas alone: a line repeated
    exactly is a repeat; the other lines of one product in one invoice are added to its first
    where they agree on time and customer, and are conflicts (quarantined) where they do not."""
    raw = pd.read_csv(FIXTURE, dtype=str)
    known = raw[raw["CustomerID"].notna()].copy()
    key, values = ["InvoiceNo", "StockCode"], ["Quantity", "UnitPrice", "InvoiceDate", "CustomerID"]
    distinct = known.drop_duplicates(key + values)
    later = distinct.duplicated(key)
    same = ["InvoiceDate", "CustomerID"]
    differs = (distinct[same] != distinct.groupby(key, sort=False)[same].transform("first")).any(
        axis=1
    )
    apart = differs.groupby([distinct[k] for k in key], sort=False).transform("any")
    conflict = later & apart
    counted = distinct[~conflict]  # every line whose money is stored, merged ones included
    kept = distinct[~later]
    money = counted["Quantity"].astype(float) * counted["UnitPrice"].astype(float)
    is_return = counted["InvoiceNo"].str.startswith("C")
    fee = counted["StockCode"].str.upper().isin(NON_PRODUCT_IDS) | counted[
        "Description"
    ].str.upper().str.endswith("CARRIAGE").fillna(False)
    return {
        "read": len(raw),
        "guests": int(raw["CustomerID"].isna().sum()),
        "conflicts": int(conflict.sum()),
        "stored": len(kept),
        "customers": kept["CustomerID"].nunique(),
        "gross": money[~is_return].sum(),
        "returns": -money[is_return].sum(),
        "n_returns": int(kept["InvoiceNo"].str.startswith("C").sum()),
        "merged": int((later & ~apart).sum()),
        "fees": money[fee].sum(),
        "fee_codes": set(counted.loc[fee, "StockCode"]),
        "busiest": kept["CustomerID"].value_counts().index[0].removesuffix(".0"),
        "busiest_lines": int(kept["CustomerID"].value_counts().iloc[0]),
    }


def test_ingest_summary_forget_end_to_end(tmp_path, capsys, expected):
    db = str(tmp_path / "uci.duckdb")
    code, out, err = cli(["ingest", str(FIXTURE), "--db", db], capsys)  # layout detected
    assert code == 0, err
    assert "online-retail-sample.csv" in out
    # a stock code scanned again in its invoice at another quantity is added, not quarantined
    assert expected["merged"] > 0 and expected["conflicts"] == 0
    lines = "line" if expected["merged"] == 1 else "lines"  # in its number, not "line(s)"
    assert f"{expected['merged']:,} {lines} repeating a product of their order" in " ".join(
        out.split()
    )
    with Store(db) as store:
        (read, loaded, quarantined, new) = store.query(
            "SELECT n_read, n_loaded, n_quarantined, n_new FROM ingests"
        ).iloc[0]
        assert read == expected["read"] and loaded + quarantined == read
        assert quarantined == expected["guests"] + expected["conflicts"]
        assert new == expected["stored"] == store.count("orders")
        reasons = store.query("SELECT reason, count(*) n FROM quarantine GROUP BY 1")
        assert (
            dict(reasons.values.tolist())["missing value in required column customer_id"]
            == expected["guests"]
        )
        # postage and fees are recognised, and left out of the product lines
        not_products = set(
            store.query("SELECT product_id FROM products WHERE NOT is_product")["product_id"]
        )
        assert expected["fee_codes"] <= not_products and "POST" in not_products
        in_view = set(
            store.query(f"SELECT DISTINCT product_id FROM {PRODUCT_ORDERS_VIEW}")["product_id"]
        )
        assert not in_view & not_products
        summary = shop_summary(store)
        assert summary.n_customers == expected["customers"]
        assert summary.gross_revenue == pytest.approx(expected["gross"])
        assert summary.returns == pytest.approx(expected["returns"]) and summary.returns > 0
        assert summary.n_return_lines == expected["n_returns"]
        assert summary.revenue == pytest.approx(expected["gross"] - expected["returns"])
        assert summary.non_product_revenue == pytest.approx(expected["fees"])
        assert summary.product_revenue + summary.non_product_revenue == pytest.approx(
            summary.revenue
        )

    code, out, err = cli(["summary", "--db", db], capsys)
    assert code == 0, err
    assert f"-{expected['returns']:,.2f}" in out
    assert f"{expected['gross'] - expected['returns']:,.2f}" in out

    victim, n_lines = expected["busiest"], expected["busiest_lines"]
    code, out, err = cli(["forget", victim, "--db", db], capsys)
    assert code == 0, err
    assert f"orders {n_lines}" in out
    code, out, err = cli(["ingest", str(FIXTURE), "--db", db], capsys)  # again: adds nothing
    assert code == 0, err
    with Store(db) as store:
        assert store.count("orders") == expected["stored"] - n_lines
        assert not store.scalar("SELECT count(*) FROM orders WHERE customer_id = ?", [victim])


def test_reingesting_the_sample_adds_no_quarantine_rows(tmp_path, capsys, expected, monkeypatch):
    db = str(tmp_path / "uci.duckdb")
    bad = expected["guests"] + expected["conflicts"]
    tables = ("orders", "quarantine", "flags")
    counts = []
    monkeypatch.chdir(FIXTURE.parent)
    # the same file given by its absolute path, then relative to the working folder
    for given in (str(FIXTURE), FIXTURE.name):
        code, out, err = cli(["ingest", given, "--db", db], capsys)
        assert code == 0, err
        assert f"{bad:,}" in out  # this run's quarantined rows are still reported
        with Store(db) as store:
            counts.append({t: store.count(t) for t in tables})
            last = store.query("SELECT n_read, n_loaded, n_quarantined FROM ingests ORDER BY 1")
            assert last.iloc[-1].tolist() == [expected["read"], expected["read"] - bad, bad]
    assert counts[0] == counts[1]
    assert counts[0]["quarantine"] == bad

"""A shop whose customer ids are e-mail addresses, through every command that writes a file:
no address in the store (contacts aside), the outputs or the log; `send` still reaches each
customer at their own address."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from promopilot.cli import main
from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.store import Store
from promopilot.synth.shop import make_shop
from tests.data.test_privacy import _rows_mentioning

CUSTOMER_FILES = ("customers", "orders", "events", "reviews", "campaigns")


def run(args: list[str], capsys) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    assert done.value.code == 0 and out.err == "", out.err
    return out.out


def _address(ids: pd.Series, upper: bool) -> pd.Series:
    """C000073 -> user73@example.com (User73@Example.COM where `upper`)."""
    number = ids.str[1:].astype(int).astype(str)
    return ("User" + number + "@Example.COM") if upper else ("user" + number + "@example.com")


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    """A small synthetic shop keyed by e-mail address (in another case in the orders), its
    customers file without an e-mail column: the id is the only place the address is."""
    folder = tmp_path_factory.mktemp("email-shop")
    make_shop(150, 3).write(folder)
    for name in CUSTOMER_FILES:
        path = folder / f"{name}.csv"
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table["customer_id"] = _address(table["customer_id"], upper=name == "orders")
        if name == "customers":
            table = table.drop(columns=["email"])
        if name == "events":  # its session ids start with the customer id
            table["session_id"] = "s" + table["session_id"]
        table.to_csv(path, index=False)
    return folder


def test_no_address_reaches_the_store_outputs_or_log_and_send_reaches_the_customer(
    shop, tmp_path, capsys, monkeypatch
):
    log = tmp_path / "promopilot.log"
    monkeypatch.setenv("PROMOPILOT_LOG", str(log))
    db = str(tmp_path / "s.duckdb")
    out = run(["ingest", str(shop), "--db", db], capsys)
    assert "150 customer ids were e-mail addresses: stored as a hash" in " ".join(out.split())
    run(["profile", "--db", db, "--out", str(tmp_path / "profile.csv")], capsys)
    plan = tmp_path / "plan.csv"
    run(["plan", "--db", db, "--budget", "500", "--out", str(plan), "--campaign-id", "p1"], capsys)
    # two customers targeted by hand (the small shop's plan may target nobody)
    rows = pd.read_csv(plan, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows.loc[:1, ["offer_id", "group", "propensity"]] = ["pct10", "target", "0.5"]
    rows.to_csv(plan, index=False)
    sent = tmp_path / "sent"
    send = ["send", str(plan), "--campaign-id", "p1", "--dry-run", "--show-contacts"]
    run([*send, "--out", str(sent), "--db", db], capsys)
    report = ["report", "spring-2026", "--db", db, "--json", str(tmp_path / "report.json")]
    run([*report, "--html", str(tmp_path / "report.html")], capsys)

    with Store(db) as store:
        assert _rows_mentioning(store, ["@"], skip=("contacts",)) == {}  # quarantine too
        assert store.count("contacts") == 150
    written = [
        p for p in tmp_path.rglob("*") if p.is_file() and p.suffix not in (".eml", ".duckdb")
    ]
    leaks = [
        p for p in written if "@example.com" in p.read_bytes().decode("utf-8", "replace").lower()
    ]
    assert leaks == []  # plan, profile, forecast, report, coupons, send index, the log
    with open(sent / "index.csv", encoding="utf-8-sig", newline="") as handle:
        index = list(csv.DictReader(handle))
    assert len(index) == 2
    for entry in index:  # each message goes to the address its customer was hashed from
        to = next(
            line.removeprefix("To: ")
            for line in (sent / entry["file"]).read_text("utf-8").splitlines()
            if line.startswith("To: ")
        )
        assert stored_customer_id(to) == entry["customer_id"] and to.endswith("@example.com")


def test_a_synthetic_shop_is_stored_as_before(tmp_path, capsys):
    folder = tmp_path / "shop"
    make_shop(60, 3).write(folder)
    db = str(tmp_path / "s.duckdb")
    out = run(["ingest", str(folder), "--db", db], capsys)
    assert "stored as a hash" not in out
    with Store(db) as store:
        for name in CUSTOMER_FILES:
            ids = pd.read_csv(folder / f"{name}.csv", dtype=str)["customer_id"]
            assert set(store.table(name)["customer_id"]) == set(ids), name
        emails = pd.read_csv(folder / "customers.csv", dtype=str).set_index("customer_id")
        stored = store.query("SELECT customer_id, email FROM contacts").set_index("customer_id")
        assert stored["email"].sort_index().tolist() == emails["email"].sort_index().tolist()

"""Privacy: forgetting a customer, and contact data kept out of every feature table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.data.store import Store
from tests.data.test_ingest import EVENTS, ORDERS, cli, load, write


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


def _privacy_shop(folder: Path) -> Path:
    write(folder / "products.csv", "product_id,title,category\np1,Tea,drinks\np2,Cup,kitchen\n")
    write(
        folder / "customers.csv",
        "customer_id,region,email,phone,name\n"
        "c1,north,ann@example.com,+44 20 7946 0001,Ann Smith\n"
        "c2,south,bob@example.com,+44 20 7946 0002,Bob Jones\n"
        "c3,south,cy@example.com,,Cy\n"
        "c4,north,dee@example.com,,Dee,extra\n",
    )  # an unsplittable row with contact data
    write(
        folder / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,10\no2,2025-01-02,c2,p2,1,5\n"
        "o3,2025-01-03,c1,p9,2,10\no4,2025-01-04,c1,p1,x,10\n",
    )
    write(
        folder / "events.csv",
        EVENTS + "2025-01-01,c1,p1,view\n2025-01-01,c2,p1,view\nbad,c1,p1,view\n",
    )
    write(
        folder / "reviews.csv",
        "customer_id,product_id,text,rating\nc1,p1,lovely tea,5\nc2,p1,ok,3\n",
    )
    write(folder / "offers.csv", "offer_id,kind,value\npct10,percent_off,0.1\n")
    write(
        folder / "campaigns.csv",
        "campaign_id,customer_id,offer_id,sent_at\nk1,c1,pct10,2025-01-05\nk1,c2,,2025-01-05\n",
    )
    return folder


def _rows_mentioning(
    store: Store, needles: list[str], *, skip: tuple[str, ...] = ()
) -> dict[str, int]:
    """Rows of every table (all columns as text) that contain any of `needles`."""
    found = {}
    tables = store.query(
        "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'main'"
    )["table_name"]
    for table in tables:
        if table in skip:
            continue
        cols = store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        )["column_name"]
        text = " || '|' || ".join(f"coalesce(CAST(\"{c}\" AS VARCHAR), '')" for c in cols)
        cond = " OR ".join(f"contains({text}, ?)" for _ in needles)
        n = int(store.scalar(f"SELECT count(*) FROM {table} WHERE {cond}", needles))
        if n:
            found[table] = n
    return found


def test_forget_erases_a_customer_everywhere_and_later_ingests_skip_them(tmp_path, capsys):
    shop = _privacy_shop(tmp_path / "shop")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        load(store, shop)
        before = _rows_mentioning(store, ["c1", "ann@example.com"])
        assert {
            "customers",
            "contacts",
            "orders",
            "events",
            "reviews",
            "campaigns",
            "quarantine",
            "flags",
        } <= set(before)
    code, out, _ = cli(["forget", "c1", "--db", str(db)], capsys)
    assert code == 0 and "forgot customer c1" in out
    with Store(db) as store:
        assert _rows_mentioning(store, ["c1", "ann@example.com", "Ann Smith"]) == {}
        assert store.count("forgotten") == 1
        n_orders = store.count("orders")
        report = load(store, shop)  # the same files again
        assert _rows_mentioning(store, ["c1", "ann@example.com", "Ann Smith"]) == {}
        assert store.count("orders") == n_orders
        skipped = sum(
            f.reasons.get("customer was forgotten on request; row not stored", 0)
            for f in report.files
        )
        assert skipped == 1 + 3 + 2 + 1 + 1  # customers, orders, events, reviews, campaigns
        assert store.count("customers") == 2 and "c2" in set(
            store.table("customers")["customer_id"]
        )
    code, out, err = cli(["forget", "c1", "--db", str(db)], capsys)
    assert code == 0 and "'c1' was already forgotten" in out and not err  # asked again: done
    code, _, err = cli(["forget", "c9", "--db", str(db)], capsys)
    assert code == 2 and "not in the store" in err  # an id the store never held


def test_contact_data_never_reaches_feature_tables(tmp_path, store):
    from promopilot.profile.features import build_features

    load(store, _privacy_shop(tmp_path / "shop"))
    contacts = [
        "ann@example.com",
        "bob@example.com",
        "+44 20 7946",
        "+44207946",  # as contacts keeps it
        "Ann Smith",
        "Bob Jones",
        "dee@example.com",
        "Dee",
    ]
    assert store.count("contacts") == 3
    # only the contacts table holds them: not customers, not the quarantine, not anywhere
    assert _rows_mentioning(store, contacts, skip=("contacts",)) == {}
    for table in ("customers", "orders", "events", "quarantine", "flags"):
        cols = set(store.query(f"SELECT * FROM {table} LIMIT 0").columns)
        assert not cols & {"email", "phone", "name"}, table

    def neutral(reviews: pd.DataFrame) -> pd.DataFrame:  # the text model is not under test
        return reviews.assign(sentiment=0.0)

    features = build_features(store, as_of="2025-02-01", sentiment_fn=neutral)
    assert set(features["customer_id"]) >= {"c1", "c2"}
    assert not set(features.columns) & {"email", "phone", "name"}
    text = features.astype(str).to_string()
    assert not any(c in text for c in contacts)


def test_contact_columns_in_other_files_keep_unsplittable_rows_out_of_quarantine(tmp_path):
    # an orders file carrying a name and a phone (no column called email or phone): a row
    # DuckDB cannot split is quarantined without its text, which holds them
    orders = write(
        tmp_path / "orders.csv",
        ORDERS.rstrip("\n") + ",Billing Name,手机号\n"
        "o1,2025-01-01,c1,p1,1,10,Ann Smith,13800000001\n"
        "o2,2025-01-02,c2,p1,1,10,Bob Jones,13900000002,extra\n",
    )
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        report = load(store, orders)
    assert (report.files[0].n_loaded, report.files[0].n_quarantined) == (1, 1)
    with Store(db) as store:  # what the store file keeps (not the session's scratch tables)
        assert store.scalar("SELECT count(*) FROM quarantine WHERE value IS NULL") == 1
        assert _rows_mentioning(store, ["Bob Jones", "13900000002", "Ann Smith"]) == {}

"""Customer ids that are e-mail addresses or phone numbers: stored as a hash, the address kept
in ``contacts`` only."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.data.contact_ids import shown, stored_customer_id
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_ingest import EVENTS, ORDERS, cli, write
from tests.data.test_privacy import _rows_mentioning

ANN = stored_customer_id("ann@example.com")
PHONE = stored_customer_id("+86 138 0013 8000")
# the address and number in any form the files below write them
NEEDLES = ["@", "13800138000", "0013 8000", "0013-8000"]


def _email_shop(folder: Path) -> Path:
    write(folder / "products.csv", "product_id,title\np1,Tea\n")
    write(
        folder / "customers.csv",
        "customer_id,region\nAnn@Example.com,north\n+86 138 0013 8000,south\n17850,east\n",
    )
    write(
        folder / "orders.csv",
        ORDERS + "o1,2025-01-01,ann@example.com,p1,1,10\n"
        "o2,2025-01-02, ANN@EXAMPLE.COM ,p1,1,10\n"
        "o3,2025-01-03,13800138000,p1,1,10\n"
        "o4,2025-01-04,17850.0,p1,1,10\n"
        "o5,2025-01-05,ann@example.com,p1,x,10\n",  # quarantined: its id stays hashed there
    )
    write(
        folder / "events.csv",
        EVENTS + "2025-01-01,ann@example.com,p1,view\n2025-01-01,138-0013-8000,p1,view\n"
        "2025-01-02,ann@example.com,p1,view,extra\n",  # a row the reader cannot split
    )
    write(folder / "reviews.csv", "customer_id,product_id,text,rating\nann@example.com,p1,ok,5\n")
    write(folder / "offers.csv", "offer_id,kind,value\npct10,percent_off,0.1\n")
    write(
        folder / "campaigns.csv",
        "campaign_id,customer_id,offer_id,sent_at\n"
        "k1,ann@example.com,pct10,2025-01-05\nk1,+8613800138000,,2025-01-05\n",
    )
    write(folder / "unsubscribes.csv", "customer_id,channel\nANN@example.com,sms\n")
    return folder


def test_email_and_phone_ids_are_hashed_in_every_file_and_kept_in_contacts_only(tmp_path):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        report = load(store, shop)
        notes = [n for f in report.files for n in f.notes]
        assert (
            "1 customer id was an e-mail address: stored as a hash, the address kept in "
            "contacts only" in notes
        )
        assert any(n.startswith("1 customer id was a phone number") for n in notes)
        assert report.n_flagged == 0  # every file's id is the customers file's, in any case
    with Store(db) as store:  # what the store file keeps
        assert _rows_mentioning(store, NEEDLES, skip=("contacts",)) == {}
        assert set(store.table("customers")["customer_id"]) == {ANN, PHONE, "17850"}
        assert store.query("SELECT customer_id, count(*) AS n FROM orders GROUP BY 1").set_index(
            "customer_id"
        )["n"].to_dict() == {ANN: 2, PHONE: 1, "17850": 1}
        for table in ("events", "reviews", "campaigns", "unsubscribes"):
            assert ANN in set(store.table(table)["customer_id"]), table
        contacts = store.query("SELECT customer_id, email, phone FROM contacts ORDER BY 1")
        assert contacts.fillna("").to_dict("records") == sorted(
            [
                {"customer_id": ANN, "email": "ann@example.com", "phone": ""},
                {"customer_id": PHONE, "email": "", "phone": "+8613800138000"},
            ],
            key=lambda r: r["customer_id"],
        )
        bad = store.query('SELECT "column", value, customer_id FROM quarantine ORDER BY line')
        assert len(bad) == 2 and ANN in set(bad["customer_id"])
        n = {t: store.count(t) for t in ("orders", "contacts", "quarantine", "events")}
        again = load(store, shop)  # the same files again add nothing
        assert again.n_new == 0
        assert {t: store.count(t) for t in n} == n
        assert [n for f in again.files for n in f.notes if "stored as a hash" in n] == []


def _id_notes(report) -> list[str]:
    return [n for f in report.files for n in f.notes if "stored as a hash" in n]


def test_the_note_counts_only_the_customers_a_file_adds(tmp_path, store):
    first = ORDERS + "o1,2025-01-01,ann@example.com,p1,1,10\no2,2025-01-01,+8613800138000,p1,1,10\n"
    report = load(store, write(tmp_path / "a" / "orders.csv", first))
    assert len(_id_notes(report)) == 2
    # one customer already stored (in another case), one new, one new whose only row is bad
    more = ORDERS + (
        "o3,2025-01-02,ANN@example.com,p1,1,10\no4,2025-01-02,bob@example.com,p1,1,10\n"
        "o5,2025-01-02,cy@example.com,p1,x,10\n"
    )
    report = load(store, write(tmp_path / "b" / "orders.csv", more))
    assert _id_notes(report) == [
        "1 customer id was an e-mail address: stored as a hash, the address kept in contacts only"
    ]
    assert store.count("contacts") == 3  # ann, the phone and bob
    # an events file of stored customers adds none
    events = EVENTS + "2025-01-03,bob@example.com,p1,view\n2025-01-03,13800138000,p1,view\n"
    assert _id_notes(load(store, write(tmp_path / "c" / "events.csv", events))) == []


def test_ids_that_are_no_contact_data_are_kept_as_they_are(tmp_path, store):
    ids = ["17850", "1234567890", "12345678901", "C000123", "00123", "a@b", "+123", "user@host"]
    orders = "".join(f"o{i},2025-01-01,{c},p1,1,10\n" for i, c in enumerate(ids))
    report = load(store, write(tmp_path / "orders.csv", ORDERS + orders))
    assert not [n for f in report.files for n in f.notes if "stored as a hash" in n]
    assert list(store.table("orders")["customer_id"]) == ids
    assert store.count("contacts") == 0
    assert [stored_customer_id(c) for c in ids] == ids


def test_a_typed_id_reads_as_ingest_stores_it():
    assert stored_customer_id(" Ann@Example.COM ") == ANN
    assert stored_customer_id("13800138000") == PHONE == stored_customer_id("138-0013-8000")
    assert stored_customer_id("17850.0") == "17850"
    assert shown("ann@example.com") == "a***@example.com"
    assert shown("+86 138 0013 8000") == "+86*******8000"
    assert shown("Ann <ann@example.com>") == "a***@example.com"  # a mail header's form
    assert shown("Ann <ann@example.com> and Bob") is None
    assert shown("17850") == "17850"


def test_a_typed_address_finds_what_ingest_stored_for_any_character(tmp_path, store):
    # Python's lower() and \s are not DuckDB's: İ lowers to two characters in Python, and a
    # no-break space is whitespace to Python's re only
    ids = ["İNAN@Example.com", "ann\u00a0smith@example.com"]
    orders = "".join(f"o{i},2025-01-01,{c},p1,1,10\n" for i, c in enumerate(ids))
    load(store, write(tmp_path / "orders.csv", ORDERS + orders))
    stored = list(store.table("orders")["customer_id"])
    assert [stored_customer_id(c) for c in ids] == stored
    assert not any("@" in c for c in stored)


@pytest.mark.parametrize(
    "value, masked",
    [("ann@example.com", "a***@example.com"), ("+86 138 0013 8000", "+86*******8000")],
)
def test_a_refused_file_masks_an_address_or_number_it_shows(tmp_path, capsys, value, masked):
    # every row's date holds the customer's address (columns shifted): the refusal names the
    # first bad value, masked
    rows = "".join(f'o{i},"{value}",c{i},p1,1,10\n' for i in range(3))
    path = write(tmp_path / "orders.csv", ORDERS + rows)
    log = tmp_path / "promopilot.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PROMOPILOT_LOG", str(log))
        code, out, err = cli(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"`{masked}`" in err and value not in err + out
    assert value not in log.read_text(encoding="utf-8")


def test_forget_by_address_erases_the_hashed_customer_and_their_contact(tmp_path, capsys):
    shop = _email_shop(tmp_path / "shop")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        load(store, shop)
    log = tmp_path / "promopilot.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PROMOPILOT_LOG", str(log))
        code, out, err = cli(["forget", " ANN@example.com", "--db", str(db)], capsys)
        assert code == 0 and not err
        assert "forgot customer a***@example.com:" in out and "ann@" not in out.lower()
        with Store(db) as store:
            assert _rows_mentioning(store, [ANN, "ann@example.com"]) == {}
            assert store.count("contacts") == 1  # the phone's, which was not asked for
            again = load(store, shop)  # the same files again: the customer stays forgotten
            assert _rows_mentioning(store, [ANN, "ann@example.com"]) == {}
            assert _id_notes(again) == []  # and is counted as added by no note
        code, out, _ = cli(["forget", "ann@example.com", "--db", str(db)], capsys)
        assert code == 0 and "'a***@example.com' was already forgotten" in out
        code, _, err = cli(["forget", "bob@example.com", "--db", str(db)], capsys)
        assert code == 2 and "'b***@example.com' is not in the store" in err
    assert "@example.com" not in log.read_text(encoding="utf-8").replace("***@example.com", "")

"""`forget` of an address or number in one spelling forgets the customer every spelling
names (case, spaces, mailto:, <...>, quotes; +86, 0086, (+86), tel:, spaces and dashes), and
a later file naming them in another spelling is recognised as theirs."""

from __future__ import annotations

import hashlib

import pytest

from promopilot.data import contact_ids, contact_migration
from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.erase import forget_for_good
from promopilot.data.store import Store, forgotten_hash
from tests.data.loads import load
from tests.data.test_contact_ids import ANN, PHONE, _email_shop
from tests.data.test_ingest import ORDERS, cli, write
from tests.data.test_privacy import _rows_mentioning

EMAILS = [
    "Ann@Example.com ",
    " ANN@EXAMPLE.COM",
    "mailto:ann@example.com",
    "MAILTO:Ann@Example.com",
    "<ann@example.com>",
    "Ann <Ann@Example.com>",
    '"ann@example.com"',
    "ann@example.com.",
]
PHONES = [
    "+86 138 0013 8000",
    "+86-138-0013-8000",
    "+86.138.0013.8000",
    "+86 (138) 0013 8000",
    "(+86) 138 0013 8000",
    "0086 138 0013 8000",
    "008613800138000",
    "0086-138-0013-8000",
    "tel:+8613800138000",
    "TEL:0086 138 0013 8000",
    "138 0013 8000",
    "138-0013-8000",
    "13800138000",
]


@pytest.mark.parametrize("typed", EMAILS)
def test_every_spelling_of_an_address_is_one_customer(typed):
    assert stored_customer_id(typed) == ANN


@pytest.mark.parametrize("typed", PHONES)
def test_every_spelling_of_a_number_is_one_customer(typed):
    assert stored_customer_id(typed) == PHONE


@pytest.mark.parametrize("typed", ["001234567890", "17850", "C000123", "86 138 0013 8000"])
def test_ids_that_only_look_alike_are_kept_as_written(typed):
    assert stored_customer_id(typed) == typed


def _later_orders(tmp_path, ids: list[str]):
    rows = "".join(f'o{9 + i},2025-02-01,"{c}",p1,1,10\n' for i, c in enumerate(ids))
    return write(tmp_path / "later" / "orders.csv", ORDERS + rows.replace('""', '"'))


def test_forget_in_one_spelling_forgets_every_other_now_and_later(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        load(store, _email_shop(tmp_path / "shop"))
    code, out, err = cli(["forget", "MAILTO:Ann@Example.com ", "--db", str(db)], capsys)
    assert code == 0 and not err and "forgot customer a***@example.com:" in out
    code, out, err = cli(["forget", "0086 138-0013-8000", "--db", str(db)], capsys)
    assert code == 0 and not err
    for again in ("Ann <ann@example.com>", "tel:+86 138 0013 8000"):
        code, out, _ = cli(["forget", again, "--db", str(db)], capsys)
        assert code == 0 and "was already forgotten" in out
    later = [e.strip() for e in EMAILS if '"' not in e] + PHONES
    with Store(db) as store:
        assert _rows_mentioning(store, [ANN, PHONE, "@example", "0013"]) == {}
        report = load(store, _later_orders(tmp_path, later))
        assert report.n_loaded == 0 and report.n_new == 0
        assert report.n_quarantined == len(later)  # as forgotten: their values blanked there
        assert _rows_mentioning(store, [ANN, PHONE, "@example", "0013"]) == {}


def test_the_python_api_forgets_by_any_spelling(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        load(store, _email_shop(tmp_path / "shop"))
        removed = forget_for_good(store, "<ANN@example.com>")
        assert removed["orders"] == 2 and removed["contacts"] == 1
        assert store.forget("(+86) 13800138000")["orders"] == 1
        assert store.count("contacts") == 0


OLD_MAILTO = "shopify-" + hashlib.sha256(b"mailto:ann@example.com").hexdigest()[:16]


def _old_ids_store(tmp_path):
    """A store of an older version that knew `contact-ids-hashed` only: 0086 ... kept as
    written, mailto:ann@example.com hashed whole (its address in contacts as it read it)."""
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,0086 138 0013 8000,p1,1,10\n"
        "o2,2025-01-01,m1,p1,1,10\no3,2025-01-01,17850,p1,1,10\n",
    )
    write(shop / "customers.csv", "customer_id,region\n0086 138 0013 8000,north\nm1,south\n")
    db = tmp_path / "old.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_ids, "stage_sql", lambda source, customer="t_customer_id": source)
        with Store(db) as store:
            load(store, shop)
            for table in ("orders", "customers"):
                store.execute(
                    f"UPDATE {table} SET customer_id = ? WHERE customer_id = 'm1'", [OLD_MAILTO]
                )
            store.execute(
                "INSERT INTO contacts VALUES (?, 'mailto:ann@example.com', NULL, NULL, "
                "now()::TIMESTAMP, NULL)",
                [OLD_MAILTO],
            )
            store.execute("DELETE FROM migrations WHERE name = ?", [contact_migration.SPELLINGS])
    return db


def test_an_old_stores_ids_in_other_spellings_become_the_customer_s_id(tmp_path):
    db = _old_ids_store(tmp_path)
    with Store(db) as store:
        assert store.notes == [contact_migration.note(2)]
        assert set(store.table("customers")["customer_id"]) == {PHONE, ANN}
        assert set(store.table("orders")["customer_id"]) == {PHONE, ANN, "17850"}
        contacts = store.query("SELECT customer_id, email, phone FROM contacts ORDER BY 1")
        assert contacts.fillna("").to_dict("records") == sorted(
            [
                {"customer_id": ANN, "email": "ann@example.com", "phone": ""},
                {"customer_id": PHONE, "email": "", "phone": "+8613800138000"},
            ],
            key=lambda r: r["customer_id"],
        )
        assert _rows_mentioning(store, ["0013", "mailto", OLD_MAILTO], skip=("contacts",)) == {}
        again = write(  # the orders as the shop wrote them: the same customers, nothing new
            tmp_path / "again" / "orders.csv",
            ORDERS + "o1,2025-01-01,0086 138 0013 8000,p1,1,10\n"
            "o2,2025-01-01,mailto:ann@example.com,p1,1,10\no3,2025-01-01,17850,p1,1,10\n",
        )
        assert load(store, again).n_new == 0
    with Store(db) as store:
        assert store.notes == []


def test_an_old_store_that_forgot_the_lower_case_address_knows_it_by_any_case(tmp_path, capsys):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:  # an old version forgot the address as the id it stored
        store.execute("INSERT INTO customers (customer_id) VALUES ('17850')")
        store.execute(
            "INSERT INTO forgotten VALUES (?, now()::TIMESTAMP)",
            [forgotten_hash("ann@example.com")],
        )
    code, out, _ = cli(["forget", "Ann@Example.com", "--db", str(db)], capsys)
    assert code == 0 and "'a***@example.com' was already forgotten" in out


def test_an_old_stores_forget_of_one_exact_spelling_covers_that_spelling_only(tmp_path):
    # the documented limit: a hash of 'Ann@Example.com' as typed cannot be read back
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.execute(
            "INSERT INTO forgotten VALUES (?, now()::TIMESTAMP)",
            [forgotten_hash("Ann@Example.com")],
        )
        same = load(
            store,
            write(
                tmp_path / "a" / "orders.csv", ORDERS + "o1,2025-01-01,Ann@Example.com,p1,1,10\n"
            ),
        )
        assert same.n_new == 0 and store.count("orders") == 0
        other = load(
            store,
            write(
                tmp_path / "b" / "orders.csv", ORDERS + "o2,2025-01-01,ann@example.com,p1,1,10\n"
            ),
        )
        assert other.n_new == 1 and list(store.table("orders")["customer_id"]) == [ANN]
        store.forget("ann@example.com")  # forgotten again: every spelling is known now
        third = load(
            store,
            write(
                tmp_path / "c" / "orders.csv",
                ORDERS + "o3,2025-01-01,MAILTO:ANN@example.com,p1,1,10\n",
            ),
        )
        assert third.n_new == 0 and store.count("orders") == 0


def test_the_forgotten_hash_is_named_apart_from_the_contact_id_hash_and_keeps_its_values(
    tmp_path,
):
    # store.forgotten_hash (a forgotten id's hash) was named customer_hash, as the SQL of
    # contact_ids.customer_hash (the id an e-mail address or phone number is stored as)
    from promopilot.data import store as store_module

    assert not hasattr(store_module, "customer_hash")
    old = hashlib.sha256(b"promopilot:17850").hexdigest()  # what earlier versions stored
    assert forgotten_hash("17850") == old
    db = tmp_path / "old.duckdb"
    with Store(db) as store:  # forgotten by an earlier version: still forgotten
        store.execute("INSERT INTO forgotten VALUES (?, now()::TIMESTAMP)", [old])
        rows = "o1,2025-01-01,17850,p1,1,10\no2,2025-01-01,12346,p1,1,10\n"
        load(store, write(tmp_path / "a" / "orders.csv", ORDERS + rows))
        assert store.table("orders")["customer_id"].tolist() == ["12346"]

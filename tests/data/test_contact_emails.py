"""An e-mail column's cell written as a link or a mail header writes it (``mailto:``,
``<...>``, ``Ann <...>``, quotes, a full stop after it) is kept in ``contacts`` as the address
inside, as a customer id so written is read: by a customers file, Shopify's orders and
customers exports, and once in a store an older version wrote."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data import contact_ids, contact_migration, shopify_orders
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_contact_ids import ANN
from tests.data.test_ingest import write
from tests.data.test_western_exports import SHOPIFY_HEAD

CUSTOMERS = (
    "customer_id,email\n"
    "c1,mailto:Ann@Example.com\n"
    "c2,Bob <bob@example.com>\n"
    'c3,"""cy@example.com"""\n'
    "c4,dee@example.com.\n"
    "c5,n/a\n"  # no address: kept as written (a sender refuses it as before)
    "c6,\n"
)
READ = {
    "c1": "ann@example.com",
    "c2": "bob@example.com",
    "c3": "cy@example.com",
    "c4": "dee@example.com",
    "c5": "n/a",
    "c6": None,
}


def _emails(store: Store) -> dict[str, str | None]:
    rows = store.query("SELECT customer_id, email FROM contacts ORDER BY 1")
    return {r.customer_id: (None if pd.isna(r.email) else r.email) for r in rows.itertuples()}


def test_a_customers_files_email_cells_are_kept_as_their_addresses(tmp_path):
    shop = write(tmp_path / "shop" / "customers.csv", CUSTOMERS)
    with Store(tmp_path / "s.duckdb") as store:
        load(store, shop)
        assert _emails(store) == READ
        assert load(store, shop).n_new == 0  # the same file again changes nothing
        assert _emails(store) == READ


def test_shopify_exports_read_an_email_cell_as_the_address_it_holds(tmp_path):
    rows = (
        "#1001,mailto:Ann@Example.com,paid,,10.00,0,0,10.00,,0.00,"
        "2025-11-28 10:03:05 +0100,1,Tea,10.00,TEA,Ann Smith,,0.00,51\n"
        "#1002,ann@example.com,paid,,10.00,0,0,10.00,,0.00,"
        "2025-11-29 10:03:05 +0100,1,Tea,10.00,TEA,Ann Smith,,0.00,52\n"
    )
    folder = tmp_path / "export"
    write(folder / "orders_export_1.csv", SHOPIFY_HEAD + rows)
    write(
        folder / "customers_export.csv",
        "Customer ID,First Name,Last Name,Email,Default Address Country Code,Phone\n"
        "7001,Ann,Smith,<Ann@Example.com>,GB,\n",
    )
    # a shop folder naming the same customer by the address itself, as its id
    write(
        tmp_path / "shop" / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o1,2025-12-01,ann@example.com,TEA,1,10\n",
    )
    with Store(tmp_path / "s.duckdb") as store:
        load(store, folder)
        load(store, tmp_path / "shop")
        assert set(store.table("orders")["customer_id"]) == {ANN}
        assert set(store.table("customers")["customer_id"]) == {ANN}
        assert _emails(store) == {ANN: "ann@example.com"}


def test_an_old_stores_contacts_email_cells_are_read_once(tmp_path):
    shop = write(tmp_path / "shop" / "customers.csv", CUSTOMERS)
    db = tmp_path / "old.duckdb"
    with pytest.MonkeyPatch.context() as patch:  # as a version before kept them as written
        patch.setattr(contact_ids, "address_sql", lambda text: text)
        with Store(db) as store:
            load(store, shop)
            store.execute("DELETE FROM migrations WHERE name = ?", [contact_migration.EMAILS])
            assert _emails(store)["c1"] == "mailto:Ann@Example.com"
    with Store(db) as store:
        assert _emails(store) == READ
        n = store.scalar("SELECT n FROM migrations WHERE name = ?", [contact_migration.EMAILS])
        assert n == 4  # c1-c4; n/a and the empty cell are left alone
        store.execute("UPDATE contacts SET email = 'mailto:x@example.com' WHERE customer_id = 'c1'")
    with Store(db) as store:  # once: a later open leaves the table alone
        assert _emails(store)["c1"] == "mailto:x@example.com"


def test_an_old_stores_shopify_ids_hashed_from_a_mailto_cell_are_the_addresses_ids(tmp_path):
    rows = (
        "#1001,mailto:Ann@Example.com,paid,,10.00,0,0,10.00,,0.00,"
        "2025-11-28 10:03:05 +0100,1,Tea,10.00,TEA,Ann Smith,,0.00,51\n"
        "#1002,ann@example.com,paid,,10.00,0,0,10.00,,0.00,"
        "2025-11-29 10:03:05 +0100,1,Tea,10.00,TEA,Ann Smith,,0.00,52\n"
    )
    export = write(tmp_path / "export" / "orders_export_1.csv", SHOPIFY_HEAD + rows)
    db = tmp_path / "old.duckdb"
    with pytest.MonkeyPatch.context() as patch:  # as a version before hashed the cell whole
        patch.setattr(shopify_orders, "address_sql", lambda text: f"lower({text})")
        with Store(db) as store:
            load(store, export)
            assert len(set(store.table("orders")["customer_id"])) == 2  # two customers then
            store.execute(
                "DELETE FROM migrations WHERE name IN (?, ?)",
                [contact_migration.SHOPIFY_EMAILS, contact_migration.EMAILS],
            )
    with Store(db) as store:
        assert store.notes == [contact_migration.note(1)]
        assert set(store.table("orders")["customer_id"]) == {ANN}
        assert set(store.table("customers")["customer_id"]) == {ANN}
        assert _emails(store) == {ANN: "ann@example.com"}
        counts = {t: store.count(t) for t in ("orders", "customers", "contacts")}
        assert load(store, export).n_new == 0  # the same export again adds nothing
        assert {t: store.count(t) for t in counts} == counts

"""A phone column's cell is kept in ``contacts`` as the number ingest reads in it (``+`` and
its digits where it names its country, a mobile number's digits where it names none), so one
person's number written two ways is one number: by a customers file, by a phone number given
as a customer id, and once in a store an older version wrote."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data import contact_migration, phone_text
from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_ingest import write

CUSTOMERS = (
    "customer_id,phone\n"
    "c1,tel:+86 138 1234 5678\n"
    "c2,138-1234-5678\n"
    "c3,86-13812345678\n"
    "c4,1.3812345678E10\n"
    "c5,+44 7700 900123\n"
    "c6,021-5555-1234\n"  # a landline written at home: kept as written
    "c7,\n"
    "c8,15551234567\n"  # a US number with its 1: the shape of a Chinese mobile, no +86 guessed
    "c9,+1 555 123 4567\n"
    "c10,(555) 765-4321\n"  # North American, no +1: its digits, as an orders file keeps it
)
READ = {
    "c1": "+8613812345678",
    "c2": "13812345678",  # no country named: the digits, no country guessed
    "c3": "+8613812345678",
    "c4": "13812345678",
    "c5": "+447700900123",
    "c6": "021-5555-1234",
    "c7": None,
    "c8": "15551234567",
    "c9": "+15551234567",
    "c10": "5557654321",
}


def _phones(store: Store) -> dict[str, str | None]:
    rows = store.query("SELECT customer_id, phone FROM contacts ORDER BY 1")
    return {r.customer_id: (None if pd.isna(r.phone) else r.phone) for r in rows.itertuples()}


def test_a_customers_files_phone_cells_are_kept_as_the_number_they_hold(tmp_path, store):
    load(store, write(tmp_path / "shop" / "customers.csv", CUSTOMERS))
    assert _phones(store) == READ
    # the number an orders file without buyer ids keeps for the customer it names: the number
    # its id was hashed from, as a customers file keeps it (no +86 guessed, though the id is
    # hashed from it)
    orders = write(
        tmp_path / "pdd" / "orders.csv",
        "订单号,商品id,商品数量(件),商品总价(元),订单成交时间,手机\n"
        "P1,9001,1,10,2025-03-01 10:00:00,138 1234 5678\n",
    )
    load(store, orders)
    assert _phones(store)[stored_customer_id("13812345678")] == READ["c2"]


def test_an_old_stores_contacts_phone_cells_are_read_once(tmp_path):
    shop = write(tmp_path / "shop" / "customers.csv", CUSTOMERS)
    db = tmp_path / "old.duckdb"
    with pytest.MonkeyPatch.context() as patch:  # as a version before kept them as written
        patch.setattr(phone_text, "kept_phone_sql", lambda text: text)
        with Store(db) as store:
            load(store, shop)
            store.execute("DELETE FROM migrations WHERE name = ?", [contact_migration.PHONES])
            assert _phones(store)["c1"] == "tel:+86 138 1234 5678"
    with Store(db) as store:
        assert _phones(store) == READ
        n = store.scalar("SELECT n FROM migrations WHERE name = ?", [contact_migration.PHONES])
        assert n == 7  # c1-c5, c9, c10; the landline, the empty cell and c8 are left alone
        store.execute("UPDATE contacts SET phone = 'tel:+8613800138000' WHERE customer_id = 'c1'")
    with Store(db) as store:  # once: a later open leaves the table alone
        assert _phones(store)["c1"] == "tel:+8613800138000"


def test_a_phone_number_given_as_the_customer_id_is_kept_as_the_number_it_is(tmp_path, store):
    # the id is the hash of the +86 reading (ids do not change); contacts keeps the number the
    # shop has: a US 15551234567 as its digits, 13800138000 with its +86 where a row names it
    orders = write(
        tmp_path / "shop" / "orders.csv",
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o1,2025-01-01,15551234567,p1,1,10\no2,2025-01-02,13800138000,p1,1,10\n"
        "o3,2025-01-03,0086 138 0013 8000,p1,1,10\n",
    )
    load(store, orders)
    us, cn = stored_customer_id("15551234567"), stored_customer_id("13800138000")
    assert us == stored_customer_id("+8615551234567")
    assert _phones(store) == {us: "15551234567", cn: "+8613800138000"}

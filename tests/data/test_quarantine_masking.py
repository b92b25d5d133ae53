"""A quarantined row's other cells never carry contact data: an e-mail address or phone number
in a note, a description, a bad date's cell or a conflict's reason is written ``***``, the
row still found by its file, line, column and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promopilot.data import text_migration
from promopilot.data.contact_ids import IN_TEXT
from promopilot.data.ingest import ingest
from promopilot.data.loading import FileRefused
from promopilot.data.store import Store

ORDERS = (
    "order_id,customer_id,product_id,timestamp,quantity,unit_price,coupon_code\n"
    "o1,c1,p1,2026-01-02,1,10,WELCOME\n"
    "o2,c2,p1,notadate,1,10,call 138 0013 8000\n"
    "o3,c3,p1,bob@example.com,1,10,\n"
    "o4,0612345678,p1,2026-01-02,x,10,\n"
)
PRODUCTS = (
    "product_id,title,category,price,description\n"
    "p1,Hat,hats,10,nice\n"
    "p2,Cap,hats,abc,邮箱carl@example.com，电话13800138000\n"
)
# the same order line as o1 with another coupon: a conflict whose reason quotes both values
CONFLICT = (
    "order_id,customer_id,product_id,timestamp,quantity,unit_price,coupon_code\n"
    "o1,c1,p1,2026-01-02,1,10,+44 7700 900123\n"
    "o9,c1,p1,2026-01-03,1,10,\n"
)


def _texts(store: Store) -> list[str]:
    rows = store.query("SELECT value, reason, raw FROM quarantine").fillna("")
    return [t for row in rows.itertuples(index=False) for t in row]


def test_a_quarantined_rows_other_cells_are_masked(tmp_path: Path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (shop / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "orders.csv").write_text(CONFLICT, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, shop)
        report = ingest(store, tmp_path / "more" / "orders.csv")
        rows = store.query(
            'SELECT "table", line, "column", value, reason, customer_id, raw FROM quarantine '
            'ORDER BY "table", file, line'
        )
        assert not [t for t in _texts(store) if re.search(IN_TEXT, t)]
        got = {(r.table, r.line): r for r in rows.itertuples(index=False)}
        assert set(got) == {
            ("orders", 2),
            ("orders", 3),
            ("orders", 4),
            ("orders", 5),
            ("products", 3),
        }
        # a bad date: the note beside it masked in the raw row, the rest as written
        assert got["orders", 3].column == "timestamp" and got["orders", 3].value == "notadate"
        assert '"coupon_code":"call ***"' in got["orders", 3].raw
        assert '"order_id":"o2"' in got["orders", 3].raw
        # a bad date's cell that is an address: masked as the value and in the raw row
        assert got["orders", 4].value == "***" and '"timestamp":"***"' in got["orders", 4].raw
        # a shop's own id written like a national number is an id: kept, as ingest stores it
        assert got["orders", 5].customer_id == "0612345678"
        assert got["orders", 5].value == "x"
        # Chinese text around an address and a number kept
        assert '"description":"邮箱***，电话***"' in got["products", 3].raw
        # a conflict's reason quotes the file's value: masked, the stored one as it is
        conflict = got["orders", 2]
        assert conflict.column == "coupon_code" and conflict.value == "***"
        assert "coupon_code is `***` in the file but `WELCOME`" in conflict.reason
        assert '"coupon_code":"***"' in conflict.raw
        assert not [r for f in report.files for r in f.reasons if re.search(IN_TEXT, r)]
        n = store.count("quarantine")
        ingest(store, shop)  # re-ingesting adds nothing: the masked value is the same
        ingest(store, tmp_path / "more" / "orders.csv")
        assert store.count("quarantine") == n


def test_a_stores_quarantined_cells_are_masked_once_on_open(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    raw = '{"order_id":"o2","timestamp":"notadate","coupon_code":"call 138 0013 8000"}'
    with Store(db) as store:  # as ingest wrote it before
        store.execute(
            "INSERT INTO quarantine VALUES (1, 'orders.csv', 'orders', 3, 'timestamp', "
            "'ann@example.com', 'expected an ISO 8601 timestamp', 'c2', ?)",
            [raw],
        )
        store.execute("DELETE FROM migrations WHERE name = ?", [text_migration.REJECTED_CELLS])
    with Store(db) as store:
        value, raw_kept = store.query("SELECT value, raw FROM quarantine").iloc[0]
        assert value == "***"
        assert raw_kept == raw.replace("call 138 0013 8000", "call ***")
        n = store.scalar("SELECT n FROM migrations WHERE name = ?", [text_migration.REJECTED_CELLS])
        assert n == 1


def test_a_refused_files_conflict_reason_is_masked(tmp_path: Path):
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "orders.csv").write_text(
        CONFLICT.splitlines(keepends=True)[0] + CONFLICT.splitlines(keepends=True)[1],
        encoding="utf-8",
    )
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, tmp_path / "orders.csv")
        with pytest.raises(FileRefused) as refused:
            ingest(store, tmp_path / "more" / "orders.csv")
    message = str(refused.value)
    assert "7700 900123" not in message and "0123" in message
    assert "coupon_code is `+44******0123` in the file but `WELCOME` in the stored row" in message

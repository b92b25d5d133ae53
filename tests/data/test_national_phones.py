"""Phone numbers as a country writes them at home (07700 900123, (555) 123-4567, 06 12 34 56
78, 0151 23456789) are masked in delivery errors and server logs; what delivery errors and
access logs hold besides (order ids, dates, times, amounts, SMTP codes, coupon codes, long
numeric ids) is left as it is."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promopilot.data import contact_ids, contact_migration
from promopilot.data.contact_ids import masked_in_text, shown
from promopilot.data.store import Store
from promopilot.serve.access_log import clean_path, masked_text
from tests.data.loads import load
from tests.data.test_ingest import ORDERS, write

NUMBERS = [
    "07700 900123",
    "07700900123",
    "07700-900123",
    "07700 900 123",
    "(555) 123-4567",
    "(555)123-4567",
    "555-123-4567",
    "555.123.4567",
    "06 12 34 56 78",
    "0612345678",
    "06-12-34-56-78",
    "06.12.34.56.78",
    "0151 23456789",
    "015123456789",
    "0151-23456789",
    "0151/2345678",
]


@pytest.mark.parametrize("number", NUMBERS)
def test_a_national_number_in_an_error_text_or_a_log_is_masked(number):
    digits = "".join(c for c in number if c.isdigit())
    for text in (
        f"SMS to {number} failed: unreachable",
        f"短信发送失败 {number}。",
        f"550 <{number}>: no such subscriber",
        f"number {number}.",
    ):
        for masked in (masked_in_text(text), masked_text(text)):
            assert "***" in masked and digits[-4:] not in masked, (text, masked)
    assert shown(number) is None  # a refused value showing one is written ***
    assert clean_path(f"/v1/customers/{quote(number, safe='')}/offer") == (
        "/v1/customers/***/offer"
    )


# a North American number dialled with its leading 1, as a mobile number column reads it
LEADING_ONE = ["1-555-123-4567", "1(555)123-4567", "1 (555) 123-4567", "1 (555)123 4567"]


@pytest.mark.parametrize("number", LEADING_ONE)
def test_a_north_american_number_with_its_leading_1_is_masked_whole(number):
    # before, 1-555-123-4567 and 1(555)123-4567 were left as written, and 1 (555) 123-4567
    # masked as "1 ***"
    for text, masked in (
        (f"SMS to {number} failed", "SMS to *** failed"),
        (f"短信发送失败 {number}。", "短信发送失败 ***。"),
        (f"550 <{number}>: no such subscriber", "550 <***>: no such subscriber"),
        (number, "***"),
    ):
        assert masked_in_text(text) == masked, text
        assert masked_text(text) == masked, text
    assert shown(number) is None
    assert clean_path(f"/v1/customers/{quote(number, safe='')}/offer") == (
        "/v1/customers/***/offer"
    )


@pytest.mark.parametrize(
    "text",
    [
        "shipped 1-555",  # a date-like pair
        "order 1-555-123-45678",  # an order id one digit longer
        "order 21-555-123-4567",
        "ORD-1-555-123-4567",
        "1-555-123-4567-2",
        "v1-555-123-4567",
        "1-555-123-4567.5",
        "qty 1 (555 left)",
        "1(555)",
    ],
)
def test_what_has_a_leading_1_and_a_number_but_is_no_phone_is_not_masked(text):
    assert masked_in_text(text) == text
    assert masked_text(text) == text


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("0044 7700 900123", "+44******0123"),
        ("0086 138 0013 8000", "+86*******8000"),
        ("008613800138000", "+86*******8000"),
    ],
)
def test_a_number_dialled_with_00_is_masked_as_its_plus_form(number, masked):
    # 00 for + is read as the number ingest reads (an id written so is that customer)
    assert shown(number) == masked
    assert masked_in_text(f"SMS to {number} failed") == f"SMS to {masked} failed"
    plus = "+" + number[2:]
    assert masked_text(f"SMS to {number} failed") == masked_text(f"SMS to {plus} failed")
    assert number not in masked_text(f"SMS to {number} failed")


_digit = st.sampled_from("0123456789")


def _digits(low: int, high: int, first: str = "123456789") -> st.SearchStrategy[str]:
    return st.builds(
        lambda a, rest: a + "".join(rest),
        st.sampled_from(first),
        st.lists(_digit, min_size=low - 1, max_size=high - 1),
    )


def _long_id() -> st.SearchStrategy[str]:
    # a numeric id: 4 to 20 digits (11 starting 13-19 is a Chinese mobile number by rule)
    return _digits(4, 20).filter(lambda s: not (len(s) == 11 and s[1] in "3456789"))


_money = st.builds(
    lambda n, c, sep: f"{n:,}.{c:02d}" if sep else f"{n}.{c:02d}",
    st.integers(0, 9_999_999),
    st.integers(0, 99),
    st.booleans(),
)
_date = st.dates().map(lambda d: d.isoformat())
_time = st.times().map(lambda t: t.isoformat(timespec="seconds"))
_stamp = st.builds(lambda t, sep: t.isoformat(sep=sep), st.datetimes(), st.sampled_from(" T"))
_smtp = st.sampled_from(
    [
        "550 5.1.1",
        "421 4.7.0 Try again later",
        "452 4.2.2 mailbox full",
        "250 2.0.0 OK",
        "554 5.7.1 rejected",
        "451 4.3.0",
    ]
)
_coupon = st.builds(
    lambda p, a, b: f"{p}-{a}-{b}",
    st.sampled_from(["PP", "SPRING", "SAVE10", "VIP"]),
    st.text("ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=4, max_size=8),
    st.text("ABCDEFGHJKMNPQRSTUVWXYZ0123456789", min_size=4, max_size=8),
)
_order = st.one_of(
    _digits(1, 7).map(lambda s: "#" + s),
    st.builds(lambda y, n: f"ORD-{y}-{n}", st.integers(2000, 2030), _digits(6, 10, "0123456789")),
    _digits(13, 13),  # a Shopify order or customer id
    _digits(3, 12).map(lambda s: "o" + s),
)
_ip = st.lists(st.integers(0, 255), min_size=4, max_size=4).map(
    lambda p: ".".join(map(str, p)) + ":" + str(p[0] * 200 + 1024)
)
_access = st.builds(
    lambda ip, cid, status, size, ms: (
        f'{ip} - "GET /v1/customers/{cid}/offer?k=5 HTTP/1.1" {status} {size} {ms}ms'
    ),
    _ip,
    _long_id(),
    st.sampled_from(["200", "204", "404", "422", "500"]),
    _digits(1, 6),
    _digits(1, 5),
)
_token = st.one_of(
    _long_id(),
    _money,
    _date,
    _time,
    _stamp,
    _smtp,
    _coupon,
    _order,
    _ip,
    _access,
    st.sampled_from(["customer", "order", "coupon", "total", "CNY", "¥", "at", "id=", "失败"]),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_token, min_size=1, max_size=8), st.sampled_from([" ", ", ", "; ", ": ", " | "]))
def test_what_error_texts_and_access_logs_hold_besides_is_not_masked(tokens, separator):
    text = separator.join(tokens)
    assert masked_in_text(text) == text
    assert masked_text(text) == text


def test_an_old_stores_delivery_errors_with_national_numbers_are_masked_once(tmp_path):
    # masked by an earlier version, which knew +... and Chinese mobiles only
    error = "SMS to 07700 900123 failed; call (555) 123-4567"
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', 'x1', 'sms', 'failed', 3, NULL, ?)", [error]
        )
        store.execute("DELETE FROM migrations WHERE name = ?", [contact_migration.LOCAL_PHONES])
    with Store(db, read_only=True) as store:  # a read-only open masks them first too
        assert store.scalar("SELECT error FROM deliveries") == "SMS to *** failed; call ***"
    with Store(db) as store:
        assert store.count("migrations") == 16


def test_an_old_stores_texts_with_a_leading_1_number_are_masked_once(tmp_path):
    # masked by a version that knew (555) 123-4567 but not 1-555-123-4567: a store it wrote
    # kept these as they are here, with both migrations before this one recorded
    error = "SMS to 1-555-123-4567 failed; call 1 (555) 123-4567"
    raw = '{"order_id":"o9","note":"call 1(555)123-4567"}'
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.execute(
            "INSERT INTO deliveries VALUES ('c1', 'x1', 'sms', 'failed', 3, NULL, ?)", [error]
        )
        store.execute(
            "INSERT INTO quarantine VALUES (1, 'orders.csv', 'orders', 9, 'quantity', 'x', "
            "'too many fields (1 ***)', 'c1', ?), (1, 'orders.csv', 'orders', 10, 'quantity', "
            "'x', 'bad quantity', 'c1', '{\"order_id\":\"o10\"}')",
            [raw],
        )
        store.execute(
            "DELETE FROM migrations WHERE name IN (?, ?)",
            [contact_migration.LEADING_ONE, contact_migration.REJECTED_LEADING_ONE],
        )
    with Store(db, read_only=True) as store:  # a read-only open masks them first too
        assert store.scalar("SELECT error FROM deliveries") == "SMS to *** failed; call ***"
        rejected = store.query("SELECT reason, raw FROM quarantine ORDER BY line")
    assert rejected.to_dict("records") == [
        {"reason": "too many fields (1 ***)", "raw": '{"order_id":"o9","note":"call ***"}'},
        {"reason": "bad quantity", "raw": '{"order_id":"o10"}'},
    ]
    with Store(db) as store:
        done = store.query(
            "SELECT name, n FROM migrations WHERE name IN (?, ?) ORDER BY name",
            [contact_migration.LEADING_ONE, contact_migration.REJECTED_LEADING_ONE],
        )
        assert done.to_dict("records") == [
            {"name": contact_migration.LEADING_ONE, "n": 0},
            {"name": contact_migration.REJECTED_LEADING_ONE, "n": 1},  # one row rewritten
        ]
        store.execute("UPDATE deliveries SET error = ?", [error])
        store.execute("UPDATE quarantine SET raw = ? WHERE line = 9", [raw])
    with Store(db) as store:  # once: a later open leaves the tables alone
        assert store.scalar("SELECT error FROM deliveries") == error
        assert store.scalar("SELECT raw FROM quarantine WHERE line = 9") == raw


# IN_TEXT as a version before national numbers knew it: e-mail addresses, +... and Chinese mobiles
_OLD_IN_TEXT = contact_ids.IN_TEXT.rsplit("|(?<![0-9A-Za-z_#.,+/-])", 1)[0]


def _old_rejected_rows(db, shop, *quarantined: tuple) -> None:
    """A store whose quarantine and flags a version before national numbers were masked wrote
    (its id migrations done then), with `quarantined` rows besides, and no record of the
    rejected rows' masking."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contact_ids, "IN_TEXT", _OLD_IN_TEXT)
        with Store(db) as store:
            load(store, shop)
            for row in quarantined:
                store.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            store.execute(
                "DELETE FROM migrations WHERE name = ?", [contact_migration.REJECTED_LOCAL_PHONES]
            )


def test_an_old_stores_rejected_rows_with_national_numbers_are_masked_once(tmp_path):
    shop = tmp_path / "shop"
    write(shop / "products.csv", "product_id,title\np1,Tea\n")
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,10\n"
        "o2,2025-01-01,c1,p1,1,10,SMS 07700 900123\n"  # a line the reader cannot split
        "o3,2025-01-02,c2,0612345678,1,10\n",  # a product id that looks like a number: flagged
    )
    db = tmp_path / "s.duckdb"
    raw = '{"order_id":"o9","customer_id":"c1","note":"call (555) 123-4567"}'
    reason = "too many fields (06 12 34 56 78)"
    _old_rejected_rows(
        db,
        shop,
        (1, "orders.csv", "orders", 9, "quantity", "x", reason, "c1", raw),
        # an id ingest reads as a number now (stored as its hash): not kept as written
        (1, "orders.csv", "orders", 10, "customer_id", "0044 7700 900123", "x", None, None),
    )
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:  # as it was left
        (line,) = con.execute("SELECT value FROM quarantine WHERE line = 3").fetchone()
        assert "07700 900123" in line
    with Store(db, read_only=True) as store:  # a read-only open masks them first too
        rejected = store.query(
            "SELECT line, value, reason, raw FROM quarantine ORDER BY line"
        ).to_dict("records")
        flags = store.query("SELECT line, value, reason FROM flags").to_dict("records")
    assert rejected[0]["line"] == 3 and pd.isna(rejected[0]["value"])  # as ingest keeps it now
    assert "07700" not in str(rejected)
    assert rejected[1]["reason"] == "too many fields (***)"
    assert rejected[1]["raw"] == '{"order_id":"o9","customer_id":"c1","note":"call ***"}'
    assert rejected[1]["value"] == "x"
    assert rejected[2]["value"] == "***"
    # a flag's value is the row's id, stored as written as the orders hold it
    assert flags == [
        {"line": 4, "value": "0612345678", "reason": "unknown product: not in products; row kept"}
    ]
    with Store(db) as store:
        done = store.query(
            "SELECT n FROM migrations WHERE name = ?", [contact_migration.REJECTED_LOCAL_PHONES]
        )
        assert list(done["n"]) == [3]
        counts = {t: store.count(t) for t in ("orders", "quarantine", "flags")}
        assert load(store, shop).n_new == 0  # re-ingesting the same files adds nothing
        assert {t: store.count(t) for t in counts} == counts
        store.execute("UPDATE quarantine SET reason = 'call 07700 900123' WHERE line = 9")
    with Store(db) as store:  # once: a later open leaves the tables alone
        assert store.scalar("SELECT reason FROM quarantine WHERE line = 9") == "call 07700 900123"


def test_an_old_store_with_no_number_in_its_rejected_rows_is_read_unwritten(tmp_path):
    shop = tmp_path / "shop"
    write(shop / "products.csv", "product_id,title\np1,Tea\n")
    write(
        shop / "orders.csv",
        ORDERS + "o1,2025-01-01,c1,p1,1,10\no2,2025-01-01,c1,p1,x,10\n"
        "o3,2025-01-02,c2,0612345678,1,10\no4,2025-01-03,c1,p1,1,10,2025-01-03 10:01\n",
    )
    db = tmp_path / "s.duckdb"
    _old_rejected_rows(db, shop)
    before = db.read_bytes()
    with Store(db, read_only=True) as store:
        assert store.count("quarantine") == 2 and store.count("flags") == 1
    assert db.read_bytes() == before  # nothing to hide: not written

"""An orders file whose customers are told apart by the recipient's mobile number (no buyer id
column): numbers the platform hid (masked, encrypted) quarantine their rows and refuse the file
only where no number is readable; a number as Excel or the platform writes it is the number."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.phone_ids import NOT_A_NUMBER, hidden_reason
from promopilot.data.phone_text import typed_phone
from promopilot.data.store import Store
from tests.data.loads import load
from tests.data.test_ingest import cli, write
from tests.data.test_platform_exports import PDD, ZHANG
from tests.data.test_privacy import _rows_mentioning

HEADER = "订单号,商品id,商品数量(件),商品总价(元),订单成交时间,收件人手机号\n"
# 抖店's ciphertext in place of the number: fields cut by $ (or # for names and addresses)
CIPHER = "$KsnMx7Q2pLr0vYt$AAE6sd9GkP1Wc3v8ZQ==$1$"
CIPHER_HASH = "#Qm9bZXd0eHlOa1RS#AAH7ue2RkQ1xY5z0Pw==#2##"


def _orders(rows: list[str]) -> str:
    return HEADER + "".join(
        f"P{i},9001,1,10,2025-03-{i + 1:02d} 10:00:00,{number}\n" for i, number in enumerate(rows)
    )


def test_masked_numbers_among_readable_ones_quarantine_their_rows_only(tmp_path, store):
    # 张三's two orders masked, 李四's (cancelled) and 王五's (refunded) numbers readable:
    # the whole file was refused
    text = PDD.replace("13800138000", "138****8000").replace("138 0013 8000", "138****8000")
    path = write(tmp_path / "shop" / "orders.csv", text)
    report = load(store, path.parent)
    file = report.files[0]
    assert (file.n_read, file.n_quarantined, file.n_loaded) == (4, 3, 1)
    masked = hidden_reason("masked", "手机")
    assert file.reasons[masked] == 2
    assert "手机" in masked and "cannot tell buyers apart" in masked
    assert "export the buyer id column" in masked
    bad = store.query('SELECT line, "column", value, customer_id, raw FROM quarantine')
    rows = bad[bad["line"].isin([2, 3])]
    assert rows["column"].tolist() == ["手机", "手机"]
    assert rows["value"].isna().all() and rows["customer_id"].isna().all()
    assert set(store.table("orders")["order_id"]) == {"P4", "P4-refund"}
    assert _rows_mentioning(store, ["8000", "13700137000"], skip=("contacts",)) == {}
    assert load(store, path.parent).n_new == 0  # re-ingesting adds nothing


def test_a_file_whose_every_number_is_masked_is_refused_in_one_line(tmp_path, capsys):
    text = _orders(["138****8000", "139****9000", "021-5555-1234"])
    path = write(tmp_path / "shop" / "orders.csv", text)
    code, _, err = cli(["ingest", str(path.parent), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "orders.csv: line 2, column 收件人手机号: the mobile numbers are masked (2 rows" in err
    assert "export the buyer id column" in err and "8000" not in err


def test_an_encrypted_number_is_no_phone_and_quarantines_its_row(tmp_path, store):
    path = write(tmp_path / "orders.csv", _orders(["13900139000", CIPHER, CIPHER_HASH]))
    report = load(store, path)
    assert (report.n_loaded, report.n_quarantined) == (1, 2)
    reason = hidden_reason("encrypted", "收件人手机号")
    assert report.files[0].reasons == {reason: 2}
    assert "encrypted" in reason and "export the buyer id column" in reason
    assert _rows_mentioning(store, ["KsnMx7Q2", "Qm9bZXd0"]) == {}


def test_a_file_of_encrypted_numbers_is_refused_in_one_line(tmp_path, capsys):
    path = write(tmp_path / "shop" / "orders.csv", _orders([CIPHER, CIPHER_HASH]))
    code, _, err = cli(["ingest", str(path.parent), "--db", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "column 收件人手机号: the mobile numbers are encrypted (2 rows)" in err
    assert "export the buyer id column" in err and "KsnMx7Q2" not in err


def test_a_number_as_excel_or_the_platform_writes_it_is_that_number(tmp_path, store):
    spellings = [
        "13812345678",
        "13812345678.0",
        "1.3812345678E10",
        "1.3812345678e+10",
        "86-13812345678",
        "86 138 1234 5678",
        "8613812345678",
        "+86 138 1234 5678",
        "tel:+8613812345678",
    ]
    rounded = "1.38123E+10"  # Excel's display of the number, its last digits lost
    path = write(tmp_path / "orders.csv", _orders([*spellings, rounded]))
    report = load(store, path)
    assert set(store.table("orders")["customer_id"]) == {stored_customer_id("13812345678")}
    assert report.n_loaded == len(spellings)
    reason = hidden_reason("rounded", "收件人手机号")
    assert report.files[0].reasons == {reason: 1}
    assert "scientific notation" in reason and reason != NOT_A_NUMBER
    assert store.query("SELECT phone FROM contacts")["phone"].tolist() == ["+8613812345678"]
    assert _rows_mentioning(store, ["12345678", "1.38123"], skip=("contacts",)) == {}


def test_a_number_stored_as_a_number_in_a_workbook_is_that_number(tmp_path, store):
    frame = pd.DataFrame(
        {
            "订单号": ["X1", "X2", "X3"],
            "商品id": ["9001", "9001", "9001"],
            "商品数量(件)": [1, 1, 1],
            "商品总价(元)": [10.0, 10.0, 10.0],
            "订单成交时间": ["2025-03-01 10:00", "2025-03-02 10:00", "2025-03-03 10:00"],
            # a number cell (13800138000.0 as read), and with the country code before it
            "手机": [13800138000, 13800138000.0, 8613800138000],
        }
    )
    (tmp_path / "shop").mkdir()
    frame.to_excel(tmp_path / "shop" / "orders.xlsx", index=False)
    assert load(store, tmp_path / "shop").n_loaded == 3
    assert set(store.table("orders")["customer_id"]) == {ZHANG}


US_ORDERS = "order_id,timestamp,product_id,quantity,unit_price,phone\n"


def test_a_us_shops_numbers_are_kept_as_written_not_as_chinese_mobiles(tmp_path, store):
    # a US number with its 1 has the shape of a Chinese mobile: the id is hashed as before, but
    # contacts keeps the number the shop has, no +86 guessed (a text would have gone to China)
    rows = (
        "u1,2025-03-01,p1,1,10,15551234567\n"
        "u2,2025-03-02,p1,1,10, 15551234567 \n"
        "u3,2025-03-03,p1,1,10,+1 555 765 4321\n"
    )
    path = write(tmp_path / "shop" / "orders.csv", US_ORDERS + rows)
    report = load(store, path.parent)
    assert (report.n_loaded, report.n_quarantined) == (3, 0)
    first, second = stored_customer_id("15551234567"), stored_customer_id("+15557654321")
    assert set(store.table("orders")["customer_id"]) == {first, second}
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {first: "15551234567", second: "+15557654321"}
    assert _rows_mentioning(store, ["5551234567", "7654321", "765 4321"], skip=("contacts",)) == {}
    again = load(store, path.parent)
    assert again.n_new == 0 and store.count("contacts") == 2


def test_a_north_american_number_as_written_there_is_the_plus_one_number(tmp_path, store):
    # (555) 123-4567 and its dashed and dotted spellings were quarantined as no number: they
    # are the +1 number their shape names (one customer, the one +1 555 123 4567 is), kept in
    # contacts as the digits the shop has till a file names the country; a Chinese mobile in
    # the same file keeps its id, and ten digits in a row or apart by spaces are still none
    rows = (
        "u1,2025-03-01,p1,1,10,(555) 123-4567\n"
        "u2,2025-03-02,p1,1,10,555-123-4567\n"
        "u3,2025-03-03,p1,1,10,555.123.4567\n"
        "u4,2025-03-04,p1,1,10, (555)123-4567 \n"
        "u5,2025-03-05,p1,1,10,13812345678\n"
        "u6,2025-03-06,p1,1,10,5551234567\n"
        "u7,2025-03-07,p1,1,10,555 123 4567\n"
    )
    path = write(tmp_path / "a" / "orders.csv", US_ORDERS + rows)
    report = load(store, path.parent)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (7, 5, 2)
    us, cn = stored_customer_id("+1 555 123 4567"), stored_customer_id("13812345678")
    assert cn == stored_customer_id("+8613812345678")  # the id of a Chinese mobile, as before
    orders = store.query("SELECT order_id, customer_id FROM orders ORDER BY 1")
    assert orders["customer_id"].tolist() == [us, us, us, us, cn]
    bad = store.query("SELECT line, value, reason FROM quarantine ORDER BY line")
    assert bad["line"].tolist() == [7, 8] and bad["value"].isna().all()
    assert set(bad["reason"]) == {NOT_A_NUMBER}
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {us: "5551234567", cn: "13812345678"}
    needles = ["5551234567", "123-4567", "123.4567", "123 4567"]
    assert _rows_mentioning(store, needles, skip=("contacts",)) == {}
    assert load(store, path.parent).n_new == 0 and store.count("contacts") == 2
    later = US_ORDERS + "v1,2025-04-01,p1,1,10,+1 (555) 123-4567\n"
    assert load(store, write(tmp_path / "b" / "orders.csv", later)).n_new == 1
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {us: "+15551234567", cn: "13812345678"}


def test_a_north_american_number_with_its_leading_one_is_the_plus_one_number(tmp_path, store):
    # 1-555-123-4567 and 1 (555) 123-4567 were quarantined while (555) 123-4567 was read as
    # +1 555 123 4567: the leading 1 is the country code, so they name that number (kept in
    # contacts with it, as 86-13812345678 is); 15551234567 keeps the id it had (a Chinese
    # mobile's shape), and a 1 before ten digits apart by spaces is still no number
    rows = (
        "u1,2025-03-01,p1,1,10,1-555-123-4567\n"
        "u2,2025-03-02,p1,1,10,1 (555) 123-4567\n"
        "u3,2025-03-03,p1,1,10, 1(555)123-4567 \n"
        "u4,2025-03-04,p1,1,10,15551234567\n"
        "u5,2025-03-05,p1,1,10,1 555 123 4567\n"
        "u6,2025-03-06,p1,1,10,1-555-1234567\n"
        "u7,2025-03-07,p1,x,10,1-555-123-4567\n"
    )
    path = write(tmp_path / "a" / "orders.csv", US_ORDERS + rows)
    report = load(store, path.parent)
    assert (report.n_read, report.n_loaded, report.n_quarantined) == (7, 4, 3)
    us, one = stored_customer_id("+1 555 123 4567"), stored_customer_id("15551234567")
    assert one == stored_customer_id("+8615551234567") and one != us  # as before
    orders = store.query("SELECT order_id, customer_id FROM orders ORDER BY 1")
    assert orders["customer_id"].tolist() == [us, us, us, one]
    bad = store.query("SELECT line, reason FROM quarantine ORDER BY line")
    assert bad["line"].tolist() == [6, 7, 8]
    assert bad["reason"].tolist()[:2] == [NOT_A_NUMBER, NOT_A_NUMBER]
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {us: "+15551234567", one: "15551234567"}
    needles = ["5551234567", "555-123", "123-4567", "(555)", "1234567"]
    assert _rows_mentioning(store, needles, skip=("contacts",)) == {}
    assert load(store, path.parent).n_new == 0 and store.count("contacts") == 2
    # the customer (555) 123-4567 and +1 555 123 4567 are, as forget and the API read it
    later = US_ORDERS + "v1,2025-04-01,p1,1,10,(555) 123-4567\n"
    assert load(store, write(tmp_path / "b" / "orders.csv", later)).n_new == 1
    assert store.query("SELECT customer_id FROM orders WHERE order_id = 'v1'").iat[0, 0] == us
    assert store.count("contacts") == 2
    for typed in ("1-555-123-4567", "1 (555) 123-4567"):
        assert typed_phone(typed) == (us, "+15551234567")
    assert typed_phone("15551234567")[0] == one


def test_a_pinduoduo_number_keeps_its_country_where_a_file_names_it(tmp_path, store):
    # 张三's 13800138000 names no country: its digits; 李四's 86-13900139000 names it: +86. A
    # later file writing 张三's number with +86 (the number the id was hashed from) gives it
    zhang, li = stored_customer_id("13800138000"), stored_customer_id("13900139000")
    load(store, write(tmp_path / "a" / "orders.csv", _orders(["13800138000", "86-13900139000"])))
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {zhang: "13800138000", li: "+8613900139000"}
    later = _orders(["+86 138 0013 8000", "139 0013 9000"]).replace("\nP", "\nQ")
    assert load(store, write(tmp_path / "b" / "orders.csv", later)).n_new == 2
    phones = store.query("SELECT customer_id, phone FROM contacts").set_index("customer_id")
    assert phones["phone"].to_dict() == {zhang: "+8613800138000", li: "+8613900139000"}


@pytest.mark.parametrize(
    "typed", ["86-13812345678", "+86 138 1234 5678", "1.3812345678E10", "8613812345678"]
)
def test_forget_finds_a_customer_told_apart_by_the_number_by_any_spelling_ingest_reads(
    tmp_path, capsys, monkeypatch, typed
):
    log = tmp_path / "promopilot.log"
    monkeypatch.setenv("PROMOPILOT_LOG", str(log))
    db, shop = tmp_path / "s.duckdb", tmp_path / "shop"
    write(shop / "orders.csv", _orders(["13812345678", "138 1234 5678", "13900139000"]))
    assert cli(["ingest", str(shop), "--db", str(db)], capsys)[0] == 0
    code, out, err = cli(["forget", typed, "--db", str(db)], capsys)
    flat = " ".join(out.split())  # as printed, wrapped to the terminal
    assert code == 0 and not err
    assert "forgot customer +86*******5678: 3 rows removed (contacts 1, orders 2)" in flat
    code, out, _ = cli(["forget", "13812345678", "--db", str(db)], capsys)
    assert code == 0 and "'+86*******5678' was already forgotten" in out
    # a number no customer has, spelled as a phone column may write it: named masked
    code, _, err = cli(["forget", "86-13700137000", "--db", str(db)], capsys)
    assert code == 2 and err.strip() == "error: customer '+86*******7000' is not in the store"
    with Store(db) as store:
        assert set(store.table("orders")["customer_id"]) == {stored_customer_id("13900139000")}
        assert store.count("contacts") == 1
        assert load(store, shop).n_new == 0  # a later ingest skips the forgotten customer
        assert _rows_mentioning(store, ["12345678", "1234 5678"]) == {}
    logged = log.read_text(encoding="utf-8")
    assert "not in the store" in logged  # the log has the error, not the number
    for needle in ("12345678", "1234 5678", "13700137000", "3.812345678", typed):
        assert needle not in logged + out + err


@pytest.mark.parametrize("typed", ["555.123.4567", "(555) 123-4567", "+1 555 123 4567"])
def test_forget_finds_a_north_american_number_by_its_spellings_and_names_it_masked(
    tmp_path, capsys, monkeypatch, typed
):
    log = tmp_path / "promopilot.log"
    monkeypatch.setenv("PROMOPILOT_LOG", str(log))
    db, shop = tmp_path / "s.duckdb", tmp_path / "shop"
    rows = "u1,2025-03-01,p1,1,10,555-123-4567\nu2,2025-03-02,p1,1,10,(555) 765-4321\n"
    write(shop / "orders.csv", US_ORDERS + rows)
    assert cli(["ingest", str(shop), "--db", str(db)], capsys)[0] == 0
    code, out, err = cli(["forget", typed, "--db", str(db)], capsys)
    assert code == 0 and "forgot customer +15*****4567: 2 rows removed" in " ".join(out.split())
    code, _, err = cli(["forget", "555.000.4567", "--db", str(db)], capsys)
    assert code == 2 and err.strip() == "error: customer '+15*****4567' is not in the store"
    with Store(db) as store:
        assert set(store.table("orders")["customer_id"]) == {stored_customer_id("+15557654321")}
        assert store.query("SELECT phone FROM contacts")["phone"].tolist() == ["5557654321"]
    logged = log.read_text(encoding="utf-8")
    for needle in ("5551234567", "123-4567", "123.4567", "000.4567", "765-4321", typed):
        assert needle not in logged + out + err


def test_an_id_that_cannot_be_a_number_is_read_without_a_query(monkeypatch):
    # the API reads every stranger's id as a mobile number column would (typed_customer_id):
    # a Shopify customer id of 13 digits, a code, a short id are answered before any query
    from promopilot.data import contact_ids, phone_text

    def query(*args, **kwargs):
        raise AssertionError("queried")

    monkeypatch.setattr(contact_ids, "read_typed", query)
    for typed in ("7234567890123", "C000123456789", "17850", "5551234567", "555 123 4567"):
        assert phone_text.typed_phone(typed) is None
    with pytest.raises(AssertionError, match="queried"):  # each shape a number has is read
        phone_text.typed_phone("8613812345678")

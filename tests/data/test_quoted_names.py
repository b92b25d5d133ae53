"""A file's column name holding a double quote (``a"b``, ``Size "inches"``, a name written in
quotes: ``"unit_price"``) is an extra column or the column it names, never an SQL error: every
file column goes into SQL through :func:`promopilot.data.sql.ident`. Each file is checked
against the same file with plain names: the store must hold the same rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.importers import detect_format
from promopilot.data.store import Store
from promopilot.data.summary import shop_summary
from tests.data.loads import load

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "uci-online-retail-sample"
    / "online-retail-sample.csv"
)

ORDERS = ["order_id", "timestamp", "customer_id", "product_id", "quantity", "unit_price"]
ROWS = [
    ["o1", "2025-01-01 10:00", "c1", "p1", "2", "2.50"],
    ["o2", "2025-01-02 11:00", "c2", "p2", "1", "3.00"],
    ["o3", "2025-01-03 12:00", "c1", "p2", "3", "zz"],  # quarantined: not a number
    ["o4", "2025-01-04 13:00", "c3", "p1", "1", "4.00"],
]
# the extra column's cells; the second holds a line break (the file is read again to find
# each row's line)
EXTRA = ["x", "two\nlines", "y", "z"]

# names with a double quote (each one an SQL error before), and the other characters a name
# may hold beside it
QUOTED = [
    'a"b',
    'Size "inches"',
    '"',
    '""',
    '"note"',
    'it\'s "x"',
    '备注 "说明"',
    'back\\"slash',
    'x";DROP TABLE orders;--',
]
OTHER = ["with space", "it's", "备注", "back\\slash", "semi;colon"]


def csv_text(head: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # a name with a quote written as "a""b"
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CONTACTS = "SELECT customer_id, email, phone, name FROM contacts"


def stored(store: Store) -> dict[str, list]:
    """The shop tables' rows (sorted) and the quarantine's line, column, value and reason."""
    got = {}
    for name in ("orders", "products", "customers", "reviews", "contacts"):
        frame = store.table(name) if name != "contacts" else store.query(CONTACTS)
        got[name] = sorted(map(tuple, frame.astype(str).to_numpy().tolist()))
    bad = store.query('SELECT line, "column", value, reason FROM quarantine ORDER BY line')
    got["quarantine"] = bad.astype(str).to_numpy().tolist()
    return got


def ingested(tmp_path: Path, name: str, text: str) -> tuple[dict[str, list], list]:
    """The store after ingesting `text` as an orders file, and the file's counts."""
    path = write(tmp_path / name / "orders.csv", text)
    with Store(tmp_path / name / "shop.duckdb") as store:
        (f,) = load(store, path).files
        counts = [f.n_read, f.n_loaded, f.n_quarantined]
        got = stored(store)
        (again,) = load(store, path).files  # re-ingesting the same file adds nothing
        assert again.n_new == 0 and stored(store) == got
        return got, counts


@pytest.mark.parametrize("name", QUOTED + OTHER)
def test_an_extra_column_named_with_a_quote_is_just_an_extra_column(tmp_path, name):
    rows = [[*r, e] for r, e in zip(ROWS, EXTRA, strict=True)]
    got, counts = ingested(tmp_path, "quoted", csv_text([*ORDERS, name], rows))
    want, want_counts = ingested(tmp_path, "plain", csv_text([*ORDERS, "extra"], rows))
    assert counts == want_counts == [4, 3, 1]
    assert got == want


def test_the_cli_ingests_a_file_with_a_quote_in_a_column_name(tmp_path, capsys):
    rows = [[*r, e] for r, e in zip(ROWS, EXTRA, strict=True)]
    path = write(tmp_path / "shop" / "orders.csv", csv_text([*ORDERS, 'a"b'], rows))
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(path.parent), "--db", str(tmp_path / "s.duckdb")])
    assert done.value.code == 0, capsys.readouterr().err
    with Store(tmp_path / "s.duckdb") as store:
        assert store.count("orders") == 3


@pytest.mark.parametrize(
    ("column", "written"),
    [
        ("unit_price", '"unit_price"'),
        ("unit_price", '"Price"'),
        ("unit_price", '"单价"'),
        ("quantity", ' "Qty" '),
        ("customer_id", '"Customer ID"'),
        ("order_id", '"订单号"'),
        ("timestamp", '"Order Date"'),
    ],
)
def test_a_name_written_in_quotes_is_the_column_it_names(tmp_path, column, written):
    head = [written if c == column else c for c in ORDERS]
    got, counts = ingested(tmp_path, "quoted", csv_text(head, ROWS))
    want, want_counts = ingested(tmp_path, "plain", csv_text(ORDERS, ROWS))
    assert counts == want_counts == [4, 3, 1]
    assert got == want  # the same rows stored, the same row quarantined


WOO = [
    "Order Number",
    "Order Status",
    "Order Date",
    "Customer User ID",
    "Item SKU",
    "Quantity",
    "Item Cost",
    "Order Refund Amount",
    "Refund Date",
    "Currency",
]
WOO_ROWS = [
    ["101", "completed", "2026-11-02 10:00", "17", "A", "2", "30.00", "12.50", "2026-11-09 08:00"],
    ["102", "refunded", "2026-11-03 10:00", "18", "A", "1", "30.00", "", "2026-11-05 09:00"],
    ["103", "cancelled", "2026-11-03 11:00", "18", "B", "1", "10.00", "", ""],
    ["104", "completed", "2026-11-04 10:00", "19", "B", "1", "10.00", "", ""],
]
CHINESE = ["订单号", "下单时间", "买家ID", "商品编码", "数量", "单价", "优惠金额", "退款状态"]
CHINESE += ["退款金额", "退款完结时间", "商品名称", "商品规格", "币种"]
CHINESE_ROWS = [
    ["A1", "2026-11-11 20:15", "u1", "TB1", "2", "59.90", "10", "部分退款", "33.33"],
    ["A1", "2026-11-11 20:15", "u1", "TB2", "1", "19.90", "0", "部分退款", "33.33"],
    ["A2", "2026-11-12 10:00", "u2", "TB1", "1", "59.90", "0", "退款成功", ""],
    ["A3", "2026-11-12 11:00", "u3", "TB1", "1", "59.90", "0", "无退款", ""],
]
CHINESE_MORE = [
    ["2026-11-20 09:30", "茶杯", "红色", "¥"],
    ["2026-11-20 09:30", "茶壶", "", "¥"],
    ["2026-11-15 12:00", "茶杯", "蓝色", "人民币"],
    ["", "茶杯", "红色", "CNY"],
]


@pytest.mark.parametrize(
    ("head", "rows"),
    [
        (WOO, [[*r, "USD"] for r in WOO_ROWS]),
        (CHINESE, [r + m for r, m in zip(CHINESE_ROWS, CHINESE_MORE, strict=True)]),
    ],
    ids=["woocommerce", "chinese"],
)
def test_an_export_with_every_name_in_quotes_reads_as_without(tmp_path, head, rows):
    # the order status, refund amount and date, title, variant and currency columns go through
    # their own modules (order_status, partial_refunds, refund_dates, variants, currency)
    got, counts = ingested(tmp_path, "quoted", csv_text([f'"{c}"' for c in head], rows))
    want, want_counts = ingested(tmp_path, "plain", csv_text(head, rows))
    assert counts == want_counts
    assert got["orders"] == want["orders"] and len(want["orders"]) > len(rows)  # return lines
    assert got["products"] == want["products"] and got["customers"] == want["customers"]
    with Store(tmp_path / "quoted" / "shop.duckdb") as quoted:
        revenue = shop_summary(quoted).revenue
    with Store(tmp_path / "plain" / "shop.duckdb") as plain:
        assert revenue == pytest.approx(shop_summary(plain).revenue)


CUSTOMERS = ["Customer ID", "First Name", "Last Name", "Email", "City"]
CUSTOMER_ROWS = [["c1", "Ann", "Lee", "ann@example.com", "Köln"], ["c2", "", "王", "", "上海"]]
REVIEWS = ["评价ID", "买家ID", "商品编码", "评价内容", "评分", "评价时间", "追评", "追评时间"]
REVIEW_ROWS = [
    ["R1", "c1", "p1", "很好用", "5星", "2026-11-11 20:00", "已经坏了", "2026-11-20 10:00"],
    ["R2", "c2", "p2", "不错", "4", "2026-11-12 20:00", "", ""],
]


def test_customers_and_reviews_with_every_name_in_quotes_read_as_without(tmp_path):
    # the contact name from First Name and Last Name (column_map), the follow-up (followups)
    for name, quote in (("quoted", True), ("plain", False)):
        for file, head, rows in (
            ("orders.csv", ORDERS, ROWS),
            ("customers.csv", CUSTOMERS, CUSTOMER_ROWS),
            ("reviews.csv", REVIEWS, REVIEW_ROWS),
        ):
            names = [f'"{c}"' for c in head] if quote and file != "orders.csv" else head
            write(tmp_path / name / "shop" / file, csv_text(names, rows))
        with Store(tmp_path / name / "s.duckdb") as store:
            load(store, tmp_path / name / "shop")
    with Store(tmp_path / "quoted" / "s.duckdb") as store:
        got = stored(store)
    with Store(tmp_path / "plain" / "s.duckdb") as store:
        want = stored(store)
    assert got == want
    assert any("Ann Lee" in row for row in want["contacts"])
    assert any(any("【追评】" in str(v) for v in row) for row in want["reviews"])


@pytest.mark.parametrize("name", ["Description", "UnitPrice", "CustomerID"])
def test_the_uci_sample_with_a_name_in_quotes(tmp_path, name):
    head, body = FIXTURE.read_text(encoding="utf-8").split("\n", 1)
    assert name in head.split(",")
    quoted = head.replace(name, f'"""{name}"""')  # the name "Description", in quotes
    path = write(tmp_path / "quoted" / FIXTURE.name, quoted + "\n" + body)
    with Store(tmp_path / "quoted.duckdb") as store:
        (f,) = load(store, path).files
        got = stored(store)
    with Store(tmp_path / "plain.duckdb") as store:
        (plain,) = load(store, FIXTURE).files
        want = stored(store)
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (
        plain.n_read,
        plain.n_loaded,
        plain.n_quarantined,
    )
    assert got == want
    titles = [row[1] for row in got["products"] if row[1] not in ("None", "nan", "")]
    assert len(titles) > 1000  # the descriptions were read as the products' titles


def spelled(names: str, how: str) -> str:
    """A header line with each name written `how`: in quotes that survive the CSV reading
    (``\"\"\"InvoiceNo\"\"\"``: the name ``"InvoiceNo"``), padded with spaces, or both."""
    cells = next(csv.reader([names]))
    pattern = {"quoted": '"""{}"""', "padded": " {} ", "both": '" ""{}"" "'}[how]
    return ",".join(pattern.format(c) for c in cells)


@pytest.mark.parametrize("how", ["quoted", "padded", "both"])
def test_the_uci_sample_with_every_name_spelled_so_is_detected(tmp_path, capsys, how):
    # --format auto looked at the names as written: "InvoiceNo" in quotes was no UCI header
    # ("cannot tell which table this file holds"), where the importer reads it as InvoiceNo
    head, body = FIXTURE.read_text(encoding="utf-8").split("\n", 1)
    path = write(tmp_path / how / FIXTURE.name, spelled(head, how) + "\n" + body)
    assert detect_format(path) == "uci"
    db = tmp_path / f"{how}.duckdb"
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(path), "--db", str(db)])  # the layout detected
    assert done.value.code == 0, capsys.readouterr().err
    with Store(db) as store:
        got = stored(store)
        (fmt, counts) = store.query(
            "SELECT format, [n_read, n_loaded, n_quarantined] FROM ingests"
        ).iloc[0]
    with Store(tmp_path / "plain.duckdb") as store:
        (plain,) = load(store, FIXTURE).files
        want = stored(store)
    assert fmt == "uci"
    assert list(counts) == [plain.n_read, plain.n_loaded, plain.n_quarantined]
    assert got == want and len(want["orders"]) > 2000


def test_a_shopify_orders_export_with_its_names_in_quotes_is_detected(tmp_path):
    head = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price"
    row = "#1001,ann@example.com,paid,2025-01-02 10:00:00 +0800,2,Green tea,10.50"
    path = write(tmp_path / "export.csv", spelled(head, "quoted") + "\n" + row + "\n")
    assert detect_format(path) == "shopify"

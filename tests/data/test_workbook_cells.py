"""A bad cell of an Excel workbook is named as Excel shows it: ``row N, column C (header)``,
the row number in Excel's margin (title and empty rows counted) and the column letter (A ...
Z, AA ...), checked here against the cell openpyxl finds there. Ingest's refusals and
quarantine reasons, a plan or policy, and ``sentiment --in`` ratings; a text file keeps
``line N, column name``. Before, a workbook's cell was named ``line N`` and a column name."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from promopilot.campaigns.exposures import read_plan
from promopilot.data.cells import Cells, excel_letter, mapped_headers
from promopilot.data.ingest import ingest
from promopilot.data.loading import FileRefused
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.text.csv_scoring import score_csv

HEADER = [None, "order_id", "customer_id", "product_id", "timestamp", "Qty", "unit_price"]


def sheet(path: Path, rows: list[list], title: str | None = "双11 订单导出") -> Path:
    """A workbook as a back office writes one: a title, an empty row, then the table (column A
    left empty)."""
    book = openpyxl.Workbook()
    ws = book.active
    if title is not None:
        ws.append([title])
        ws.append([])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def cell(path: Path, where: str):
    return openpyxl.load_workbook(path).active[where].value


def test_excel_letters():
    got = [excel_letter(p) for p in (0, 1, 25, 26, 27, 51, 52, 701, 702)]
    assert got == ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_cells_name_a_text_line_and_a_workbook_row():
    assert Cells().at(7, "quantity") == "line 7, column quantity"
    book = Cells(workbook=True, headers=("Unnamed: 0", "order_id", "Qty"))
    assert book.at(7, "quantity", "Qty") == "row 7, column C (Qty)"
    assert book.at(7, "qty") == "row 7, column C (Qty)"  # case and spaces ignored
    assert book.at(7, "unit_price") == "row 7, column unit_price"  # no such header
    assert mapped_headers(
        {"quantity": '"Qty"', "customer_id": 'trim("Cust""omer")', "unit_price": '"a" / "Qty"'},
        ["Qty", 'Cust"omer', "a"],
    ) == {"quantity": "Qty", "customer_id": 'Cust"omer'}


def test_a_workbook_row_is_quarantined_naming_its_cell(tmp_path):
    (tmp_path / "shop").mkdir()
    path = sheet(
        tmp_path / "shop" / "orders.xlsx",
        [
            HEADER,
            [None, "o1", "c1", "p1", "2025-01-02 10:00:00", 2, 3.5],
            [],
            [None, "o2", "c2", "p1", "2025-01-03 10:00:00", "two", 3.5],
        ],
    )
    with Store(":memory:") as store:
        report = ingest(store, path)
        bad = store.query('SELECT line, "column", value, reason FROM quarantine')
        assert bad.values.tolist() == [
            [6, "quantity", "two", "expected a number; at row 6, column F (Qty)"]
        ]
        assert cell(path, "F6") == "two"
        assert report.files[0].reasons == {"expected a number": 1}  # counted as before
        ingest(store, path)  # re-ingesting adds nothing
        assert store.scalar("SELECT count(*) FROM quarantine") == 1


def test_a_workbook_that_loads_nothing_names_the_first_bad_cell(tmp_path):
    (tmp_path / "shop").mkdir()
    rows = [HEADER, [None, "o1", "c1", "p1", "2025-01-02 10:00:00", "x", 3.5]]
    path = sheet(tmp_path / "shop" / "orders.xlsx", rows)
    with Store(":memory:") as store, pytest.raises(FileRefused) as refused:
        ingest(store, path)
    assert "first at row 4, column F (Qty) `x`: expected a number" in str(refused.value)
    assert cell(path, "F4") == "x"


def test_a_text_file_keeps_its_line_and_column_name(tmp_path):
    (tmp_path / "shop").mkdir()
    path = tmp_path / "shop" / "orders.csv"
    path.write_text(
        "order_id,customer_id,product_id,timestamp,Qty,unit_price\n"
        "o1,c1,p1,2025-01-02 10:00:00,2,3.5\no2,c2,p1,2025-01-03 10:00:00,two,3.5\n"
    )
    with Store(":memory:") as store:
        ingest(store, path)
        bad = store.query('SELECT line, "column", reason FROM quarantine')
        assert bad.values.tolist() == [[3, "quantity", "expected a number"]]
    path.write_text("order_id,customer_id,product_id,timestamp,Qty,unit_price\no1,c1,p1,x,2,3\n")
    with Store(":memory:") as store, pytest.raises(FileRefused, match="first at line 2, column"):
        ingest(store, path)


def plan_rows(extra: int) -> list[list]:
    """A plan with `extra` note columns before its own (so its columns pass Z)."""
    notes = [f"note{i}" for i in range(extra)]
    return [
        [*notes, "Customer_ID", "offer_id", "Group", "Propensity", "Currency"],
        [*["n"] * extra, "C1", "pct10", "target", 0.5, "EUR"],
        [*["n"] * extra, "C2", "pct10", "target", 2, "EUR"],
    ]


def test_a_plan_cell_past_column_z_is_named_by_its_letters(tmp_path):
    path = sheet(tmp_path / "plan.xlsx", plan_rows(27), title="Spring")
    with pytest.raises(InputError) as error:
        read_plan(path)
    assert str(error.value) == (
        f"{path}: row 5, column AE (Propensity): '2': a probability in (0, 1]"
    )
    assert cell(path, "AE5") == 2
    rows = plan_rows(0)
    rows[2][0] = ""  # an empty id
    path = sheet(tmp_path / "empty.xlsx", rows, title=None)
    with pytest.raises(InputError, match=r"empty.xlsx: row 3, column A \(Customer_ID\): ''"):
        read_plan(path)
    rows = plan_rows(1)
    path = sheet(tmp_path / "usd.xlsx", rows, title=None)
    with pytest.raises(InputError, match=r"usd.xlsx: row 2, column F \(Currency\): 'EUR'"):
        read_plan(path, currency="USD")
    assert cell(path, "F2") == "EUR"


def test_a_bad_rating_of_a_review_workbook_is_named_by_its_cell(tmp_path):
    path = sheet(
        tmp_path / "reviews.xlsx",
        [["评价内容", "评分"], ["很好", 5], [], ["一般", "很多"]],
        title="店铺评价",
    )
    with pytest.raises(InputError) as error:
        score_csv(path, tmp_path / "out.csv")
    assert str(error.value).startswith(f"{path}: row 6, column B (评分): '很多' is not a star")
    assert cell(path, "B6") == "很多"


def test_a_store_written_before_cells_were_named_gets_no_row_again(tmp_path):
    # the previous version wrote a workbook row's reason without its cell ('expected a number',
    # 'unknown product: not in products; row kept'): re-ingesting the workbook added every
    # quarantined and flagged row again, the reason being part of what made a row the same
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "products.csv").write_text("product_id,title\np1,茶\n")
    rows = [
        HEADER,
        [None, "o1", "c1", "p9", "2025-01-02 10:00:00", 2, 3.5],
        [None, "o2", "c2", "p1", "2025-01-03 10:00:00", "two", 3.5],
    ]
    sheet(tmp_path / "shop" / "orders.xlsx", rows)
    with Store(tmp_path / "shop.duckdb") as store:
        ingest(store, tmp_path / "shop")
        for table in ("quarantine", "flags"):  # as the previous version wrote them
            store.execute(f"UPDATE {table} SET reason = split_part(reason, '; at ', 1)")
        old = {
            table: store.query(f'SELECT line, "column", value, reason FROM {table}')
            for table in ("quarantine", "flags")
        }
        assert old["quarantine"].values.tolist() == [[5, "quantity", "two", "expected a number"]]
        assert old["flags"].values.tolist() == [
            [4, "product_id", "p9", "unknown product: not in products; row kept"]
        ]
        report = ingest(store, tmp_path / "shop")
        orders = next(f for f in report.files if f.table == "orders")
        assert (orders.n_read, orders.n_loaded, orders.n_quarantined) == (2, 1, 1)
        for table in ("quarantine", "flags"):  # nothing added
            now = store.query(f'SELECT line, "column", value, reason FROM {table}')
            assert now.values.tolist() == old[table].values.tolist()

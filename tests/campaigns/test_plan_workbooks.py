"""A plan or policy edited in Excel and saved as a workbook (.xlsx): `send`, `serve --plan` and
`evaluate-policy` read its first sheet as they read the CSV, and name a bad row by its row as
Excel numbers it. An old .xls workbook, or a workbook saved under a .csv name, is refused by
name in one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from promopilot.campaigns.exposures import read_plan
from promopilot.cli.report import read_policy
from promopilot.exceptions import InputError
from promopilot.serve.state import read_plan as serve_plan
from tests.campaigns.delivery_helpers import PLAN, write_plan

COMPARED = ["customer_id", "offer_id", "group", "propensity", "recommended_products", "expires_at"]


def workbook(path: Path, frame: pd.DataFrame, *, title: str | None = None, blank_after=None):
    """`frame` saved as Excel saves a sheet: numbers as numbers, dates as dates, empty cells
    empty; `title` in row 1 above the header, an empty row after table row `blank_after`."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.append([title])
        sheet.append([])
    sheet.append(list(frame.columns))
    for i, row in enumerate(frame.itertuples(index=False)):
        sheet.append([None if v == "" else v for v in row])
        if i == blank_after:
            sheet.append([])
    book.save(path)
    return path


def as_excel(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan's cells as Excel holds them after opening the CSV: its dates as dates."""
    return plan.assign(expires_at=dt.datetime(2026, 12, 20))


def test_a_plan_saved_as_xlsx_reads_as_its_csv(tmp_path):
    path = workbook(tmp_path / "plan.xlsx", as_excel(PLAN), title="双11 活动名单", blank_after=3)
    expected = read_plan(write_plan(tmp_path / "plan.csv"))
    got = read_plan(path)
    pd.testing.assert_frame_equal(got[COMPARED], expected[COMPARED])
    assert got["expires_at"].iat[0] == "2026-12-20" and got["recommended_products"].iat[1] == ""
    assert serve_plan(path)["customer_id"].tolist() == PLAN["customer_id"].tolist()


def test_a_bad_row_of_a_workbook_is_named_by_its_excel_row(tmp_path):
    bad = as_excel(PLAN)
    bad.loc[5, "propensity"] = 1.5  # title, empty row, header: table row 6 on Excel row 9
    path = workbook(tmp_path / "plan.xlsx", bad, title="Spring")
    said = r"plan.xlsx: row 9, column D \(propensity\): '1.5'"
    with pytest.raises(InputError, match=said):
        read_plan(path)
    assert openpyxl.load_workbook(path).active["D9"].value == 1.5  # the cell Excel shows
    path = workbook(tmp_path / "later.xlsx", bad, title="Spring", blank_after=2)  # row 10
    with pytest.raises(InputError, match=r"later.xlsx: row 10, column D \(propensity\): '1.5'"):
        read_plan(path)
    assert openpyxl.load_workbook(path).active["D10"].value == 1.5
    twice = PLAN.copy()
    twice.loc[6, "customer_id"] = "C2"  # header on row 1: table row 7 on row 8 (+1 empty)
    path = workbook(tmp_path / "twice.xlsx", twice, blank_after=0)
    said = r"twice.xlsx: row 9, column A \(customer_id\): 'C2': each customer once per plan \(row 4"
    with pytest.raises(InputError, match=said):
        serve_plan(path)


def test_a_policy_workbook_reads_numbers_as_excel_shows_them(tmp_path):
    policy = pd.DataFrame({"customer_id": [17850, 12346.0, "C3"], "offer_id": ["pct10", "", 10]})
    frame = read_policy(workbook(tmp_path / "policy.xlsx", policy))
    assert frame["customer_id"].tolist() == ["17850", "12346", "C3"]
    assert frame["offer_id"].tolist() == ["pct10", "", "10"]
    assert frame.index.tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "plan.xls",
            "an old Excel .xls workbook (Excel 97-2003) is not read: open it in Excel and save",
        ),
        ("plan.csv", "cannot read as a plan: a zip archive"),  # a workbook under a CSV name
    ],
)
def test_a_file_that_is_no_readable_table_is_refused_by_name(tmp_path, name, said):
    path = tmp_path / name
    workbook(tmp_path / "book.xlsx", PLAN).rename(path)
    with pytest.raises(InputError) as error:
        read_plan(path)
    assert str(error.value).startswith(f"{path}: {said}") and "\n" not in str(error.value)
    with pytest.raises(InputError, match=f"^{path}: "):
        read_policy(path)

"""A plan or policy edited by hand names a bad row by its line as the file numbers it: a blank
line (or a line of spaces) in the middle, or a line break inside a quoted cell, is counted, not
skipped; the blank line itself is no row."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.campaigns.exposures import read_plan
from promopilot.cli.report import read_policy
from promopilot.exceptions import InputError
from promopilot.serve.state import read_plan as serve_plan
from tests.campaigns.delivery_helpers import PLAN, write_plan


def with_blank_line(path, plan: pd.DataFrame, after: int, blank: str = "") -> str:
    """`plan` as CSV with `blank` as a line of its own after table row `after` (0-based)."""
    lines = plan.to_csv(index=False).splitlines()
    lines.insert(after + 2, blank)  # header on line 1, row `after` on line after + 2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_bad_row_after_a_blank_line_is_named_by_its_line(tmp_path, blank):
    bad = PLAN.copy()
    bad.loc[5, "group"] = "treatment"  # row 6: line 7 of a plain plan, line 8 after the blank
    path = with_blank_line(tmp_path / "plan.csv", bad, after=2, blank=blank)
    with pytest.raises(InputError, match=r"plan.csv: line 8, column group: 'treatment'"):
        read_plan(path)


def test_a_blank_line_is_no_row_and_the_rows_are_as_without_it(tmp_path):
    path = with_blank_line(tmp_path / "plan.csv", PLAN, after=4)
    expected = read_plan(write_plan(tmp_path / "plain.csv"))
    pd.testing.assert_frame_equal(read_plan(path), expected)
    assert serve_plan(path)["customer_id"].tolist() == PLAN["customer_id"].tolist()


def test_a_customer_twice_after_a_blank_line_and_a_quoted_line_break(tmp_path):
    twice = PLAN.assign(reason="")
    twice.loc[1, "reason"] = "first line\nsecond line"  # row 2 spans lines 3-4
    twice.loc[7, "customer_id"] = "C3"  # row 8: line 9, +1 for the line break, +1 blank
    path = with_blank_line(tmp_path / "plan.csv", twice, after=5)
    said = r"line 11, column customer_id: 'C3': each customer once per plan \(line 5 is"
    with pytest.raises(InputError, match=said):
        read_plan(path)
    with pytest.raises(InputError, match=said):
        serve_plan(path)


def test_a_policy_names_its_rows_by_line_after_blank_lines(tmp_path):
    path = tmp_path / "policy.csv"
    path.write_text("customer_id,offer_id\nC1,pct10\n\n\nC2,\nC1,ship\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"policy.csv: line 6, column customer_id: 'C1'.*\(line 2 is"
    ):
        read_policy(path)
    path.write_text("customer_id,offer_id\nC1,pct10\n\n\nC2,\n \n", encoding="utf-8")
    policy = read_policy(path)
    assert policy["customer_id"].tolist() == ["C1", "C2"]
    assert policy.index.tolist() == [2, 5]  # each row's line in the file


def test_an_empty_customer_id_is_named_by_its_line(tmp_path):
    path = tmp_path / "policy.csv"
    path.write_text("customer_id,offer_id\nC1,pct10\n\n,ship\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"policy.csv: line 4, column customer_id: '': a customer"):
        read_policy(path)


def test_a_row_of_delimiters_only_is_no_row(tmp_path):
    # Excel saves an empty row inside the table as a line of delimiters
    path = tmp_path / "policy.csv"
    path.write_text("customer_id,offer_id\nC1,pct10\n,\nC2,ship\n", encoding="utf-8")
    policy = read_policy(path)
    assert policy["customer_id"].tolist() == ["C1", "C2"] and policy.index.tolist() == [2, 4]


def test_a_first_row_with_a_cell_more_than_the_header_is_refused_by_line(tmp_path):
    # pandas took the first column for the index: every cell moved one column left
    path = tmp_path / "policy.csv"
    path.write_text("customer_id,offer_id\n\nC1,pct10,x\nC2,ship\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"policy.csv: cannot read as a CSV policy: line 3: 3 "):
        read_policy(path)
    path.write_text("customer_id,offer_id\nC1,pct10,\nC2,ship,\n", encoding="utf-8")
    assert read_policy(path)["offer_id"].tolist() == ["pct10", "ship"]  # empty cells: read


@pytest.mark.parametrize("reader", [read_plan, serve_plan])
def test_a_column_written_twice_in_two_cases_is_refused_by_name(tmp_path, reader):
    # "Group" and "group" both became group: the checks then read a table of two columns
    path = tmp_path / "plan.csv"
    PLAN.assign(Group="target").to_csv(path, index=False)
    with pytest.raises(InputError, match=r"names column group 2 times \('group', 'Group'\)"):
        reader(path)


def unicode_text(path, plan: pd.DataFrame, blank_after: int | None = None):
    """`plan` as Excel saves it as Unicode Text: UTF-16 LE with its BOM, tabs, CRLF."""
    lines = plan.to_csv(index=False, sep="\t").splitlines()
    if blank_after is not None:
        lines.insert(blank_after + 2, "")
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    return path


def test_a_plan_saved_as_unicode_text_is_read_as_its_csv_twin(tmp_path):
    chinese = PLAN.assign(reason="新客 满150减20")
    path = unicode_text(tmp_path / "plan.txt", chinese, blank_after=4)
    expected = read_plan(write_plan(tmp_path / "plain.csv", chinese))
    pd.testing.assert_frame_equal(read_plan(path), expected)
    assert serve_plan(path)["customer_id"].tolist() == PLAN["customer_id"].tolist()
    policy = read_policy(path)
    assert policy["reason"].eq("新客 满150减20").all()
    assert policy.index.tolist() == [2, 3, 4, 5, 6, 8, 9, 10, 11, 12]  # line 7 blank


def test_a_bad_row_of_a_unicode_text_plan_is_named_by_its_line(tmp_path):
    bad = PLAN.copy()
    bad.loc[5, "group"] = "treatment"  # row 6: line 7, line 8 after the blank line
    path = unicode_text(tmp_path / "plan.txt", bad, blank_after=2)
    with pytest.raises(InputError, match=r"plan.txt: line 8, column group: 'treatment'"):
        read_plan(path)
    path.write_bytes(path.read_bytes()[2:])  # without its BOM: read, told by its NUL bytes
    with pytest.raises(InputError, match=r"plan.txt: line 8, column group: 'treatment'"):
        read_plan(path)
    path.write_bytes(path.read_bytes().replace(b"t\x00", b"\x00\x00", 1))  # a U+0000 in it
    with pytest.raises(InputError, match=r"plan.txt: cannot read as a plan: .*likely UTF-16"):
        read_plan(path)

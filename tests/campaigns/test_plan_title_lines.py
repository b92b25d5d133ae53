"""A plan or policy a person saved from Excel with a title row above its header (a campaign
name, a blank line): `send`, `serve --plan` and `evaluate-policy` find the header below it, as
ingest does, and name a bad row by its own line in the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from promopilot.campaigns.exposures import read_plan
from promopilot.cli.report import read_policy
from promopilot.exceptions import InputError
from promopilot.serve.state import read_plan as serve_plan
from tests.campaigns.delivery_helpers import PLAN, write_plan


def saved(path: Path, plan: pd.DataFrame, title: str, *, sep=",", encoding="utf-8") -> Path:
    """`plan` saved below `title` (cells joined by `sep`), as Excel saves a sheet with a
    title row."""
    path.write_bytes(title.encode(encoding) + plan.to_csv(index=False, sep=sep).encode(encoding))
    return path


def test_a_semicolon_plan_below_a_title_and_a_blank_line_is_read(tmp_path):
    path = saved(tmp_path / "plan.csv", PLAN, "Spring campaign;;;\n;;;\n", sep=";")
    expected = read_plan(write_plan(tmp_path / "plain.csv"))
    pd.testing.assert_frame_equal(read_plan(path), expected)
    assert set(serve_plan(path)["customer_id"]) == set(expected["customer_id"])


def test_a_bad_row_is_named_by_its_line_in_the_file(tmp_path):
    bad = PLAN.copy()
    bad.loc[3, "group"] = "treatment"  # table row 4: line 5 below a header on line 1
    path = saved(tmp_path / "plan.csv", bad, "Spring campaign,,,\n\n", sep=",")
    with pytest.raises(InputError, match=r"line 7, column group: 'treatment'"):
        read_plan(path)
    twice = PLAN.copy()
    twice.loc[4, "customer_id"] = "C1"  # line 6 of the table, 8 of the file
    path = saved(tmp_path / "twice.csv", twice, "Spring campaign\n\n")
    with pytest.raises(InputError, match=r"line 8, column customer_id: 'C1'.*\(line 4 "):
        read_plan(path)


def test_a_gbk_plan_with_a_chinese_title_is_read(tmp_path):
    plan = PLAN.assign(reason="设计测试：随机分组", campaign_id="双11")
    path = saved(tmp_path / "plan.csv", plan, "双11 活动名单 2025年11月\n", encoding="gbk")
    back = read_plan(path)
    assert back["reason"].iat[0] == "设计测试：随机分组"
    assert back["customer_id"].tolist() == PLAN["customer_id"].tolist()
    assert serve_plan(path)["campaign_id"].iat[0] == "双11"


def test_a_policy_below_a_title_is_read_and_a_customer_twice_named_by_line(tmp_path):
    policy = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "offer_id": ["pct10", "", "ship"]})
    path = saved(tmp_path / "policy.csv", policy, "Policy: new offers\tdraft\n", sep="\t")
    frame = read_policy(path)
    assert frame["customer_id"].tolist() == ["C1", "C2", "C3"]
    policy.loc[2, "customer_id"] = "C1"
    path = saved(tmp_path / "twice.csv", policy, "Policy: new offers\n")
    with pytest.raises(InputError, match=r"line 5, column customer_id: 'C1'.*\(line 3 "):
        read_policy(path)

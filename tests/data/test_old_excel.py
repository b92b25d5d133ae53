"""An old Excel .xls workbook is refused in one wording by every reader (ingest, a plan or
policy, `promopilot sentiment --in`), by its name or, saved under a .csv or .txt name, by its
first bytes; it was refused in three wordings, and under a .csv name as "binary content"."""

from __future__ import annotations

import pytest

from promopilot.campaigns.exposures import read_plan
from promopilot.campaigns.ope import read_policy
from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.data.textfile import OLD_EXCEL
from promopilot.exceptions import InputError
from promopilot.text.csv_scoring import read_text_csv

# an Office 97-2003 compound file's first bytes, then what an .xls holds (NULs among them)
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Workbook\x00" * 20

SAID = "an old Excel .xls workbook (Excel 97-2003) is not read: open it in Excel and save it"


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def one_line(err: str, path) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return " ".join(err.split())


def test_the_wording_says_how_to_save_it():
    assert OLD_EXCEL.startswith(SAID) and ".xlsx" in OLD_EXCEL and "CSV" in OLD_EXCEL


@pytest.mark.parametrize("name", ["orders.xls", "orders.csv", "orders.txt", "export.csv"])
def test_ingest_refuses_an_xls_by_name_or_by_its_bytes(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(XLS)
    db = tmp_path / "s.duckdb"
    code, _, err = run(["ingest", path, "--db", db], capsys)
    assert code == 2
    assert f"{path}: {SAID}" in one_line(err, path)
    with Store(tmp_path / "t.duckdb") as store, pytest.raises(InputError) as error:
        ingest(store, path)
    assert str(error.value) == f"{path}: {OLD_EXCEL}"


def test_ingest_refuses_an_xls_in_a_shop_folder(tmp_path, capsys):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_bytes(XLS)
    code, _, err = run(["ingest", shop, "--db", tmp_path / "s.duckdb"], capsys)
    assert code == 2 and f"{shop / 'orders.csv'}: {SAID}" in one_line(err, shop)


@pytest.mark.parametrize("name", ["plan.xls", "plan.csv", "plan.txt"])
def test_a_plan_or_policy_that_is_an_xls_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(XLS)
    for read in (read_plan, read_policy):
        with pytest.raises(InputError) as error:
            read(path)
        assert str(error.value) == f"{path}: {OLD_EXCEL}"


@pytest.mark.parametrize("name", ["reviews.xls", "reviews.csv", "reviews.txt"])
def test_sentiment_in_refuses_an_xls(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(XLS)
    with pytest.raises(InputError) as error:
        read_text_csv(path)
    assert str(error.value) == f"{path}: {OLD_EXCEL}"
    code, _, err = run(["sentiment", "--in", path, "--out", tmp_path / "o.csv"], capsys)
    assert code == 2 and f"{path}: {SAID}" in one_line(err, path)
    assert not (tmp_path / "o.csv").exists()


def test_a_missing_xls_is_named_missing(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_text_csv(tmp_path / "reviews.xls")

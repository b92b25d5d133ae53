"""A file's first lines are read once per ingest: its layout detection reads them, and staging
(``read_raw``) takes the header from the same bytes, decoded as the whole file is; where those
bytes hold no whole first lines (a line longer than they hold) staging reads the file itself,
as before."""

from __future__ import annotations

import builtins
import shutil
from pathlib import Path

import pytest

from promopilot.data import headers, import_steps
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.data.textfile import prepare_text

UCI_SAMPLE = Path(__file__).parents[1] / "fixtures" / "uci-online-retail-sample"
TABLE = '订单导出 2025\r\n\r\norder_id;商品名称;quantity\r\no1;绿茶;2\r\no2;"茶杯\r\n一只";1\r\n'


@pytest.mark.parametrize(
    "data",
    [
        TABLE.encode("utf-8"),
        b"\xef\xbb\xbf" + TABLE.encode("utf-8"),
        TABLE.replace("\r\n", "\n").encode("utf-8"),
        TABLE.replace("\r\n", "\n", 2).encode("utf-8"),  # mixed ends: rewritten
        TABLE.encode("gbk"),
        b"\xff\xfe" + TABLE.encode("utf-16-le"),
        b"\xfe\xff" + TABLE.encode("utf-16-be"),
        TABLE.encode("utf-16-le"),  # no BOM: told by its NULs
        "Größe;Menge\nT-Shirt;2\n".encode("cp1252"),
        b"order_id\n1\n",  # shorter than the head: the whole file
        b"order_id\n" + b"x" * 70000 + b"\n1\n2\n3\n4\n5\n",  # a line longer than the head holds
        TABLE.replace("\r\n", "\r").encode("utf-8"),  # lone CR ends: rewritten
        (TABLE.replace("\r\n", "\r") * 5000).encode("utf-8"),  # the same, longer than the head
    ],
    ids=[
        "utf8-crlf", "utf8-bom", "utf8-lf", "mixed", "gbk", "utf16le", "utf16be",
        "utf16-nobom", "cp1252", "short", "long-line", "cr", "cr-long",
    ],
)  # fmt: skip
def test_the_head_gives_the_lines_staging_read_from_the_file(tmp_path, data):
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    prepared = prepare_text(path)
    try:
        expected = headers.leading_lines(prepared.path)  # as read_raw read them before
        got = headers.file_head(path).lines(prepared.encoding)
    finally:
        prepared.cleanup()
    if b"x" * 70000 in data:  # its second line is not whole in the head: read from the file
        assert got is None
    else:
        assert got == expected


def test_a_file_of_the_uci_sample_is_read_at_its_head_once_per_ingest(tmp_path, monkeypatch):
    folder = tmp_path / "uci"
    shutil.copytree(UCI_SAMPLE, folder)
    csv_file = folder / "online-retail-sample.csv"
    reads: list[str] = []

    def counting_open(file, *args, **kwargs):  # the readers of a file's first lines
        if Path(file) == csv_file:
            reads.append(str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(headers, "open", counting_open, raising=False)
    monkeypatch.setattr(import_steps, "open", counting_open, raising=False)
    with Store(":memory:") as store:
        report = ingest(store, folder)
        # detection (the folder's one research file, Shopify, UCI) and staging: one reading
        assert len(reads) == 1
        assert report.files[0].format == "uci" and report.files[0].n_loaded > 3000
        assert ingest(store, folder).n_new == 0  # the next ingest reads it again, once
        assert len(reads) == 2

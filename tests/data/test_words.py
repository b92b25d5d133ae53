"""Ingest's notes count in English: one product, two products, never product(s)."""

from __future__ import annotations

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.data.words import counted


def test_counted_writes_the_noun_in_its_number():
    assert counted(1, "customer") == "1 customer"
    assert counted(0, "line") == "0 lines" and counted(1441, "product") == "1,441 products"
    assert counted(3, "new customer") == "3 new customers"


def test_ingest_notes_say_one_product_and_one_customer(tmp_path):
    """The UCI layout with one customer buying one product: the note read "derived 1 product(s)
    and 1 customer(s)"; ingest's notes are the first lines an owner reads."""
    (tmp_path / "uci.csv").write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
        "536366,85123A,WHITE HANGING HEART,2,12/1/2010 8:28,2.55,17850,United Kingdom\n",
        encoding="utf-8",
    )
    with Store(":memory:") as store:
        report = ingest(store, tmp_path / "uci.csv")
    notes = " ".join(note for file in report.files for note in file.notes)
    assert "derived 1 product and 1 customer" in notes
    assert "(s)" not in notes

"""The CSV files people open in Excel start with a UTF-8 BOM: without it Excel on a Chinese
Windows reads them as GBK and garbles every Chinese cell (商品名称, 服装, 好评)."""

from __future__ import annotations

import codecs

from tests.cli.test_every_command_property import clean, run

ORDERS = "order_id,timestamp,customer_id,product_id,quantity,unit_price\n" + "".join(
    f"A{i},2026/11/{1 + i % 20:02d} 20:15:03,u{i % 7},TB{i % 3},1,{99 + i % 3}\n" for i in range(40)
)
PRODUCTS = "product_id,商品名称,类目\nTB0,保温杯,家居\nTB1,羽绒服,服装\nTB2,耳机,数码\n"


def test_recommendations_and_scored_reviews_open_in_excel(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PROMOPILOT_LOG", str(tmp_path / "promopilot.log"))
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="gbk")
    (shop / "products.csv").write_text(PRODUCTS, encoding="utf-8-sig")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("text\n质量很好，好评\n差评，用了两天就坏了\n", encoding="utf-8")
    db = str(tmp_path / "shop.duckdb")
    for args in (
        ["ingest", str(shop), "--db", db],
        ["recommend", "--db", db, "--out", str(tmp_path / "recs.csv"), "--k", "2"],
        ["sentiment", "--in", str(reviews), "--out", str(tmp_path / "scored.csv")],
    ):
        clean(args[0], *run(args, capsys))
    for name in ("recs.csv", "scored.csv"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(codecs.BOM_UTF8), name
    assert "好评" in (tmp_path / "scored.csv").read_text(encoding="utf-8-sig")

"""`promopilot recommend` and `promopilot similar` on the synthetic shop's store."""

from pathlib import Path

import pandas as pd
import pytest

from promopilot.cli import main


def run(args, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


@pytest.mark.slow
def test_recommend_writes_every_customer_ranked(shop_db, tmp_path, capsys):
    out = tmp_path / "recs.csv"
    code, text, err = run(
        ["recommend", "--db", str(shop_db), "--model", "itemknn", "--k", "3", "--out", str(out)],
        capsys,
    )
    assert code == 0, err
    recs = pd.read_csv(out, dtype={"customer_id": str, "product_id": str})
    assert list(recs.columns) == ["customer_id", "rank", "product_id", "score"]
    assert recs.groupby("customer_id")["rank"].max().eq(3).mean() > 0.95
    assert "model: itemknn" in text


@pytest.mark.slow
def test_recommend_auto_says_what_it_chose_and_why(shop_db, tmp_path, capsys):
    code, text, err = run(
        ["recommend", "--db", str(shop_db), "--out", str(tmp_path / "r.csv")], capsys
    )
    assert code == 0, err
    assert "had the best nDCG@10" in text


def test_similar_shows_titles_and_unknown_product_is_an_error(shop_store, shop_db, capsys):
    products = shop_store.table("products")
    shop_store.close()
    pid = str(products["product_id"].iat[0])
    code, text, err = run(["similar", pid, "--db", str(shop_db), "--k", "3"], capsys)
    assert code == 0, err
    titles = set(products["title"].dropna().astype(str))
    assert any(t[:20] in text for t in titles)
    code, _, err = run(["similar", "no-such-product", "--db", str(shop_db)], capsys)
    assert code != 0 and "no-such-product" in err and "Traceback" not in err


def test_unknown_model_is_a_usage_error(shop_db, tmp_path, capsys):
    code, _, err = run(
        ["recommend", "--db", str(shop_db), "--model", "magic", "--out", str(tmp_path / "r.csv")],
        capsys,
    )
    assert code == 2 and "unknown model" in err


def test_sample_recommendations_carry_titles(shop_store):
    from promopilot.recommend.shop import sample_recommendations

    recs = sample_recommendations(shop_store, n_customers=2, k=3)
    assert recs["customer_id"].nunique() == 2
    assert recs["title"].notna().all() and (recs["rank"] <= 3).all()


UCI = Path(__file__).resolve().parents[1] / "fixtures" / "uci-online-retail-sample"


def _header(text: str) -> list[str]:
    """The column names of the table `similar` prints (the line after its top border)."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    return [cell.strip() for cell in lines[top + 1].strip("┃").split("┃")]


def test_similar_leaves_out_a_category_no_product_has(tmp_path, capsys, monkeypatch):
    # UCI products have no category: the table had a category column empty on every row
    monkeypatch.setenv("COLUMNS", "200")
    db = str(tmp_path / "uci.duckdb")
    assert run(["ingest", str(UCI), "--db", db], capsys)[0] == 0
    code, text, err = run(["similar", "85123A", "--db", db, "--k", "5"], capsys)
    assert code == 0, err
    assert _header(text) == ["rank", "product", "title", "score"]
    assert "RED HANGING HEART T-LIGHT HOLDER" in text  # its titles are still shown


def test_similar_writes_a_dash_for_a_product_without_a_category(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "products.csv").write_text(
        "product_id,title,category,price\n"
        "p1,绿茶 Green tea,tea,10\np2,乌龙茶 Oolong,tea,12\np3,茶杯 Cup,,20\n",
        encoding="utf-8",
    )
    orders = ["order_id,timestamp,customer_id,product_id,quantity,unit_price"]
    for i in range(6):  # everyone buys the tea; some the oolong, some the cup
        orders.append(f"o{i},2026-10-0{1 + i}T10:00:00,c{i},p1,1,10")
        orders.append(f"o{i},2026-10-0{1 + i}T10:00:00,c{i},{'p2' if i % 2 else 'p3'},1,12")
    (shop / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    db = str(tmp_path / "shop.duckdb")
    assert run(["ingest", str(shop), "--db", db], capsys)[0] == 0
    code, text, err = run(["similar", "p1", "--db", db, "--k", "2"], capsys)
    assert code == 0, err
    assert _header(text) == ["rank", "product", "title", "category", "score"]
    rows = {line.split("│")[2].strip(): line for line in text.splitlines() if "│ p" in line}
    assert set(rows) == {"p2", "p3"}
    assert rows["p2"].split("│")[4].strip() == "tea"
    assert rows["p3"].split("│")[4].strip() == "–"  # no category: a dash, as other tables

"""`promopilot recommend` and `promopilot similar` on the synthetic shop's store."""

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

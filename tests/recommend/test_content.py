"""Cold start: products and customers without history get content-based results."""

import pandas as pd

from promopilot.recommend.content import ContentRecommender


def test_new_products_are_recommended_by_their_text(blocks, catalogue):
    model = ContentRecommender().fit(blocks, catalogue)
    recs = model.recommend(["c0"], k=20)
    ranked = recs["product_id"].tolist()
    # the tea drinker: new tea products (no history) come before any mug
    assert ranked.index("a_new") < ranked.index("b_new")
    assert all(ranked.index("a_new") < ranked.index(p) for p in ranked if p.startswith("b"))


def test_similar_items_of_a_product_without_history(blocks, catalogue):
    sim = ContentRecommender().fit(blocks, catalogue).similar_items(["b_new"], k=3)
    assert set(sim["similar_product_id"]) <= {f"b{j}" for j in range(5)}
    assert len(sim) == 3


def test_chinese_titles_are_segmented(blocks, catalogue):
    sim = ContentRecommender().fit(blocks, catalogue).similar_items(["z_new"], k=3)
    # 绿茶 shares the tea category and the word 绿茶/茶叶 with nothing but tea products
    assert len(sim) and all(p.startswith("a") for p in sim["similar_product_id"])


def test_customers_without_history_get_bestsellers_across_categories(blocks, catalogue):
    recs = ContentRecommender().fit(blocks, catalogue).recommend(["brand-new"], k=2)
    cats = recs["product_id"].str[0].tolist()
    assert sorted(cats) == ["a", "b"]  # one per category, not two teas


def test_a_customer_with_one_view_of_a_new_product(blocks, catalogue):
    data = pd.concat(
        [blocks, pd.DataFrame({"customer_id": ["v"], "product_id": ["b_new"], "weight": [1.0]})]
    )
    recs = ContentRecommender().fit(data, catalogue).recommend(["v"], k=3)
    assert all(p.startswith("b") for p in recs["product_id"])

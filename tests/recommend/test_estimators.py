"""Every recommender on a hand-checkable table: the contract, and the obvious answer."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from promopilot.exceptions import InputError, NotFittedError
from promopilot.recommend.service import MODEL_NAMES, make_model

FAST = {
    "als": {"iterations": 15, "factors": 8},
    "bpr": {"iterations": 30, "factors": 8},
    "hybrid": {"n_estimators": 20, "n_candidates": 10, "validation": "stratified"},
}
# every model the service names; the [deep] ones have their own tests (torch is optional)
NAMES = [name for name in MODEL_NAMES if name not in ("sasrec", "lightgcn")]


def build(name):
    return make_model(name, **FAST.get(name, {}))


@pytest.mark.parametrize("name", NAMES)
def test_contract_fit_recommend_similar(name, blocks, catalogue):
    model = build(name)
    with pytest.raises(NotFittedError):
        model.recommend(["c0"], k=3)
    params = model.get_params()
    assert model.fit(blocks, catalogue) is model
    assert model.get_params() == params  # fit never changes parameters
    recs = model.recommend(["c0", "d1", "stranger"], k=3)
    assert list(recs.columns) == ["customer_id", "product_id", "score", "rank"]
    assert set(recs["customer_id"]) == {"c0", "d1", "stranger"}
    for _, group in recs.groupby("customer_id"):
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        assert group["score"].is_monotonic_decreasing
    seen = set(map(tuple, blocks[["customer_id", "product_id"]].to_numpy()))
    assert not any(
        (c, p) in seen for c, p in zip(recs["customer_id"], recs["product_id"], strict=True)
    )
    sim = model.similar_items(["a1", "unknown"], k=2)
    assert list(sim.columns) == ["product_id", "similar_product_id", "score", "rank"]
    assert set(sim["product_id"]) <= {"a1"} and "a1" not in set(sim["similar_product_id"])


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_result(name, blocks, catalogue):
    a = build(name).fit(blocks, catalogue).recommend(["c0", "d1"], k=3)
    b = clone(build(name)).fit(blocks, catalogue).recommend(["c0", "d1"], k=3)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("name", ["itemknn", "userknn", "rp3beta", "session", "ease", "als"])
def test_collaborative_models_recommend_the_missing_product_of_the_own_group(name, blocks):
    recs = build(name).fit(blocks).recommend(["c0", "c1", "d2"], k=1)
    top = recs.set_index("customer_id")["product_id"].to_dict()
    assert top == {"c0": "a0", "c1": "a1", "d2": "b2"}


@pytest.mark.parametrize("name", ["itemknn", "ease", "rp3beta", "content"])
def test_similar_items_stay_in_the_group(name, blocks, catalogue):
    sim = build(name).fit(blocks, catalogue).similar_items(["a1", "b1"], k=2)
    for product, other in zip(sim["product_id"], sim["similar_product_id"], strict=True):
        assert product[0] == other[0]


def test_popularity_weighs_recent_interactions_more(blocks):
    old = blocks.assign(last_seen=pd.Timestamp("2020-01-01"))
    recent = pd.DataFrame(
        {
            "customer_id": ["n1", "n2"],
            "product_id": ["b0", "b0"],
            "weight": 1.0,
            "last_seen": pd.Timestamp("2024-06-01"),
        }
    )
    data = pd.concat([old, recent])
    decayed = make_model("popularity", half_life_days=30).fit(data).recommend(["x"], k=1)
    flat = make_model("popularity", half_life_days=None).fit(data).recommend(["x"], k=1)
    assert decayed["product_id"].iat[0] == "b0"
    assert flat["product_id"].iat[0] in {"a4", "b4"}


def test_items_restrict_the_candidates(blocks):
    recs = build("itemknn").fit(blocks).recommend(["c0"], k=3, items=["b0", "b1"])
    assert set(recs["product_id"]) <= {"b0", "b1"}


def test_bad_input_is_named():
    with pytest.raises(InputError, match="product_id"):
        build("itemknn").fit(pd.DataFrame({"customer_id": ["a"]}))
    with pytest.raises(InputError, match="weight"):
        build("itemknn").fit(
            pd.DataFrame({"customer_id": ["a"], "product_id": ["p"], "weight": [-1.0]})
        )
    with pytest.raises(InputError, match="no interactions"):
        build("itemknn").fit(pd.DataFrame({"customer_id": [], "product_id": []}))


@pytest.mark.parametrize("name", ["popularity", "itemknn"])
def test_float_ids_are_the_same_customers(name):
    """pandas reads an integer id column with a gap as floats: 1.0 is customer 1."""
    data = pd.DataFrame(
        {"customer_id": [1.0, 1.0, 2.0, 2.0, 3.0], "product_id": [10, 11, 10, 12, 11]}
    )
    model = build(name).fit(data)
    assert set(model.recommend([1, "2"], k=3)["customer_id"]) == {"1", "2"}
    seen = model.recommend([1], k=3, exclude_seen=True)["product_id"]
    assert not set(seen) & {"10", "11"}  # customer 1 is known: what they bought is left out
    with pytest.raises(InputError, match=r"1 row.* without a customer_id"):
        build(name).fit(data.assign(customer_id=[1.0, np.nan, 2.0, 2.0, 3.0]))


def test_ease_refuses_huge_catalogues(blocks):
    from promopilot.exceptions import NotEnoughDataError

    with pytest.raises(NotEnoughDataError, match="max_products"):
        make_model("ease", max_products=5).fit(blocks)


def test_scores_are_finite_for_known_customers(blocks):
    model = build("itemknn").fit(blocks)
    block = model.score_block(["c0", "nobody"])
    assert block.shape == (2, len(model.product_ids_)) and np.isfinite(block).all()


def test_for_customers_scopes_a_category_coupon(blocks, catalogue):
    from promopilot.recommend.service import for_customers

    joined = for_customers(
        blocks, catalogue, ["c0", "d1", "new"], 3, category="mug", model="itemknn"
    )
    assert list(joined.index) == ["c0", "d1", "new"]
    for value in joined:
        products = value.split("|")
        assert 1 <= len(products) <= 3 and all(p.startswith("b") for p in products)
    # without a scope, the tea drinker gets tea first
    assert for_customers(blocks, catalogue, ["c0"], 1, model="itemknn")["c0"] == "a0"


def test_for_plan_scopes_each_offer_with_one_fit(blocks, catalogue):
    from promopilot.recommend.service import for_plan

    scope = pd.DataFrame(
        {"customer_id": ["c0", "c0", "d1", "x"], "category": ["mug", None, "", "tea"]},
        index=[10, 11, 12, 13],
    )
    out = for_plan(blocks, catalogue, scope, 2, model="itemknn")
    assert list(out.index) == [10, 11, 12, 13]
    assert all(p.startswith("b") for p in out[10].split("|"))
    assert out[11].split("|")[0] == "a0"  # shop-wide: the customer's own taste
    assert out[12].split("|")[0].startswith("b")
    assert all(p.startswith("a") for p in out[13].split("|"))


def test_for_plan_all_missing_category_is_shop_wide(blocks, catalogue):
    """A plan that sends nothing maps every row's offer to a missing category; read from a
    store whose offers have no category, that column is float NaN. Those rows are shop-wide
    (the customer's own taste), not a category named "" with no products."""
    from promopilot.recommend.service import for_plan

    scope = pd.DataFrame({"customer_id": ["c0", "d1"], "category": [np.nan, np.nan]})
    assert scope["category"].dtype == float
    out = for_plan(blocks, catalogue, scope, 2, model="itemknn")
    assert out[0].split("|")[0] == "a0"
    assert all(value for value in out)


@pytest.mark.parametrize("name", NAMES)
def test_a_customer_asked_for_twice_is_answered_twice(name, blocks, catalogue):
    """Every model answers each id asked for, in order: a duplicate gets its list again."""
    model = build(name).fit(blocks, catalogue)
    once = model.recommend(["c1", "d2"], k=2)
    twice = model.recommend(["c1", "c1", "d2"], k=2)
    by_customer = dict(tuple(once.groupby("customer_id")))
    expected = pd.concat([by_customer["c1"], by_customer["c1"], by_customer["d2"]])
    pd.testing.assert_frame_equal(twice, expected.reset_index(drop=True))
    similar = model.similar_items(["a1", "a1"], k=2)
    one = model.similar_items(["a1"], k=2)
    pd.testing.assert_frame_equal(similar, pd.concat([one, one], ignore_index=True))


def numbered(table: pd.DataFrame) -> pd.DataFrame:
    """The blocks table with shop-style numeric ids (c0 -> "17850", a0 -> "500", b0 -> "510")."""

    def number(text: str, first: dict) -> str:
        return str(first[text[0]] + int(text[1:])) if text[1:].isdigit() else text

    out = table.assign(
        product_id=table["product_id"].map(lambda p: number(p, {"a": 500, "b": 510}))
    )
    if "customer_id" in table:
        out["customer_id"] = table["customer_id"].map(lambda c: number(c, {"c": 17850, "d": 17900}))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_int_str_and_float_ids_are_the_same_customer_and_product(name, blocks, catalogue):
    """A model fitted on text ids answers an int or a float id as the same one: recommend, its
    `items` scope and similar_items (fitting on numbers: test_float_ids_are_the_same_customers)."""
    model = build(name).fit(numbered(blocks), numbered(catalogue))
    expected = model.recommend(["17850"], k=3)
    for ask in (17850, 17850.0, np.int64(17850), "17850.0"):
        pd.testing.assert_frame_equal(model.recommend([ask], k=3), expected)
    scoped = model.recommend(["17850"], k=3, items=[510, 511.0, "512"])
    assert len(scoped) and set(scoped["product_id"]) <= {"510", "511", "512"}
    pd.testing.assert_frame_equal(
        model.similar_items([500.0], k=2), model.similar_items(["500"], k=2)
    )


def test_one_id_not_in_a_list_is_refused(blocks):
    model = build("popularity").fit(blocks)
    with pytest.raises(TypeError, match=r"got one str 'c1': pass \['c1'\]"):
        model.recommend("c1")
    with pytest.raises(TypeError, match="got one int"):
        model.similar_items(17850)


@pytest.mark.parametrize("name", ["popularity", "itemknn"])
def test_a_k_that_is_not_a_count_is_refused_by_name(name, blocks):
    """k=2.5 stopped on numpy's "Partition index must be integer"; k=-1 answered nothing
    without a word. (itemknn answers one known customer on its own path.)"""
    model = build(name).fit(blocks)
    known = [blocks["customer_id"].iloc[0]]
    for k in (2.5, -1, "3", True):
        with pytest.raises(InputError, match=r"k must be a whole number >= 0, got"):
            model.recommend(known, k=k)
        with pytest.raises(InputError, match=r"k must be a whole number >= 0, got"):
            model.similar_items([blocks["product_id"].iloc[0]], k=k)
    assert len(model.recommend(known, k=np.int64(2))) == 2
    assert model.recommend(known, k=0).empty


def test_a_catalogue_that_is_not_a_table_is_refused(blocks, catalogue):
    """A list, or a table without product_id, was ignored: the catalogue's products never
    reached the model, without a word."""
    with pytest.raises(InputError, match="products must be a DataFrame, got list"):
        build("itemknn").fit(blocks, products=["p1"])
    with pytest.raises(InputError, match="products lack column product_id"):
        build("itemknn").fit(blocks, products=catalogue.drop(columns="product_id"))
    build("itemknn").fit(blocks, products=catalogue.iloc[:0])  # an empty catalogue is fine


def test_the_service_answers_ids_of_any_type_and_repeats(blocks, catalogue):
    """recommend_for ranks one list per customer (a repeated id listed a product twice);
    for_customers answers each id asked for, in order, an int or float id as its text."""
    from promopilot.recommend.service import for_customers, recommend_for

    recs, _ = recommend_for(blocks, catalogue, ["c1", "c1", "d2"], k=2, model="itemknn")
    assert recs["customer_id"].tolist() == ["c1", "c1", "d2", "d2"]
    assert not recs.duplicated(["customer_id", "product_id"]).any()
    joined = for_customers(numbered(blocks), numbered(catalogue), [17850, "17850", 17851.0], 2)
    assert joined.index.tolist() == ["17850", "17850", "17851"]
    assert joined.iloc[0] == joined.iloc[1] != "" and joined.iloc[2] != ""

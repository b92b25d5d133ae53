"""Recommendations for a whole shop: read the store's tables once, then call the estimators.

These are the functions the `promopilot recommend` and `promopilot similar` commands call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from promopilot.data.queries import recommend as queries
from promopilot.data.schema import plain_id
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError, UnknownIdError
from promopilot.recommend.rules import Rules, repeat_categories
from promopilot.recommend.service import Choice, make_model, protocol_benchmark, recommend_for


@dataclass
class ShopRecommendations:
    """Top-k per customer, the model used (and why), and optionally the protocol table."""

    recs: pd.DataFrame
    model: str
    choice: Choice | None
    repeat_categories: set[str]
    benchmark: pd.DataFrame | None = None


def shop_tables(store: Store, as_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interactions (weighted by event type, before `as_of`) and the catalogue."""
    inter = queries.interactions(store, as_of=as_of)
    if inter.empty:
        raise NotEnoughDataError("the store has no orders or events to learn from")
    return inter, queries.catalogue(store)


def recommend_shop(
    store: Store,
    *,
    k: int = 10,
    model: str = "auto",
    max_per_category: int | None = None,
    margin_boost: float = 0.0,
    evaluate: bool = False,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> ShopRecommendations:
    """Top-`k` products for every customer of the store, after business rules.

    With `evaluate`, also runs the Microsoft Recommenders protocol (75/25 per product,
    seed 42) on the same interactions and returns its table."""
    tell = progress or (lambda _: None)
    tell("reading the store")
    inter, products = shop_tables(store)
    customers = queries.customer_ids(store)["customer_id"].astype(str)
    repeat = repeat_categories(queries.category_repeat_rates(store))
    bench = None
    if evaluate:
        bench = protocol_benchmark(inter, products, k=k, progress=tell)
    rules = Rules(
        repeat_categories=frozenset(repeat),
        max_per_category=max_per_category,
        margin_boost=margin_boost,
    )
    bought = queries.bought_products(store)
    if bought.empty:  # no orders (events only, e.g. ratings): what they had counts as bought
        bought = inter[["customer_id", "product_id"]]
    recs, choice = recommend_for(
        inter,
        products,
        customers,
        k=k,
        model=model,
        rules=rules,
        bought=bought,
        random_state=random_state,
        progress=tell,
    )
    name = choice.name if choice is not None else model
    return ShopRecommendations(recs, name, choice, repeat, bench)


def similar_products(
    store: Store, product_id: str, *, k: int = 10, model: str = "itemknn", random_state: int = 0
) -> pd.DataFrame:
    """The `k` products most like `product_id`, with titles and categories. Products with
    no history are matched on their text (the content model). The id is read as the store
    holds it (``17850``, ``"17850"`` and ``17850.0`` are one product)."""
    product_id = plain_id(str(product_id).strip())
    inter, products = shop_tables(store)
    known = set(products["product_id"].astype(str)) | set(inter["product_id"].astype(str))
    if str(product_id) not in known:
        raise UnknownIdError(f"product {product_id!r} is not in the store")
    has_history = str(product_id) in set(inter["product_id"].astype(str))
    name = model if has_history else "content"
    try:
        estimator = make_model(name, random_state=random_state).fit(inter, products)
    except (NotEnoughDataError, InputError):
        estimator = make_model("content").fit(inter, products)
        name = "content"
    out = estimator.similar_items([str(product_id)], k=k)
    if out.empty and name != "content" and len(products):
        estimator = make_model("content").fit(inter, products)
        out, name = estimator.similar_items([str(product_id)], k=k), "content"
    cat = products.assign(product_id=products["product_id"].astype(str)).set_index("product_id")
    out["title"] = out["similar_product_id"].map(cat["title"]) if "title" in cat else None
    out["category"] = out["similar_product_id"].map(cat["category"]) if "category" in cat else None
    out["model"] = name
    out.attrs["title"] = cat["title"].get(str(product_id)) if "title" in cat else None
    return out


def with_titles(recs: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """Recommendations with the product's title and category next to its id."""
    cat = (
        products.assign(product_id=products["product_id"].astype(str))
        .drop_duplicates("product_id")
        .set_index("product_id")
    )
    out = recs.copy()
    for col in ("title", "category"):
        out[col] = out["product_id"].astype(str).map(cat[col]) if col in cat else None
    return out


def sample_recommendations(
    store: Store, *, n_customers: int = 3, k: int = 5, model: str = "itemknn", random_state: int = 0
) -> pd.DataFrame:
    """A few customers' recommendations with titles (for the demo): the customers with the
    most interactions first, so the lists say something."""
    inter, products = shop_tables(store)
    top = (
        inter.groupby("customer_id")["product_id"]
        .size()
        .sort_values(ascending=False, kind="stable")
        .index[:n_customers]
    )
    repeat = repeat_categories(queries.category_repeat_rates(store))
    recs, _ = recommend_for(
        inter,
        products,
        list(top),
        k=k,
        model=model,
        rules=Rules(repeat_categories=frozenset(repeat)),
        bought=inter[["customer_id", "product_id"]],
        random_state=random_state,
    )
    return with_titles(recs, products)

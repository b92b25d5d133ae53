"""What the CLI, the planner and the benchmarks call: choose a model by temporal validation on
the shop's own data, and recommend for every customer with business rules. Models by name are
in :mod:`~promopilot.recommend.registry`, the Microsoft Recommenders protocol with tuned models
in :mod:`~promopilot.recommend.protocol`; both are imported from here as before."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.recommend.base import Recommender, _as_ids, id_text
from promopilot.recommend.evaluate import evaluate, temporal_split
from promopilot.recommend.protocol import GRIDS, HYBRID_FOLDS, protocol_benchmark
from promopilot.recommend.registry import MODEL_NAMES, make_model
from promopilot.recommend.rules import Rules, apply_rules

__all__ = [
    "GRIDS",
    "HYBRID_FOLDS",
    "MODEL_NAMES",
    "Choice",
    "choose_model",
    "fill_up",
    "for_customers",
    "for_plan",
    "make_model",
    "protocol_benchmark",
    "recommend_for",
]


@dataclass
class Choice:
    """The model `auto` picked: its name, the validation table and a sentence saying why."""

    name: str
    table: pd.DataFrame
    reason: str
    params: dict = field(default_factory=dict)


def choose_model(
    interactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    k: int = 10,
    names: Iterable[str] | None = None,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Choice:
    """Pick the model with the best nDCG@k when each customer's latest interaction is held
    out (temporal leave-last-one-out on the shop's own data)."""
    tell = progress or (lambda _: None)
    n_products = interactions["product_id"].nunique()
    if names is None:
        names = ["popularity", "itemknn", "rp3beta", "session", "als"]
        if n_products <= 15000:
            names.insert(2, "ease")
        if products is not None and len(products):
            names.append("content")
        names.append("hybrid")
    train, valid = temporal_split(interactions, n_last=1)
    if valid.empty:
        return Choice(
            "popularity",
            pd.DataFrame(),
            "too little history per customer to validate: the shop's bestsellers",
        )
    rows = []
    for name in names:
        tell(name)
        try:
            scores = evaluate(
                make_model(name, random_state=random_state), train, valid, k=k, products=products
            )
        except (NotEnoughDataError, InputError) as why:
            rows.append({"model": name, "nDCG@k": np.nan, "note": str(why)})
            continue
        rows.append({"model": name, **scores, "note": ""})
    table = pd.DataFrame(rows)
    ok = table["nDCG@k"].notna()
    if not ok.any():
        raise NotEnoughDataError("no recommender could be validated on this shop's data")
    best = table.loc[table.loc[ok, "nDCG@k"].idxmax()]
    runner = table.loc[ok & (table["model"] != best["model"]), "nDCG@k"]
    reason = (
        f"{best['model']} had the best nDCG@{k} ({best['nDCG@k']:.3f}) when each "
        f"customer's latest interaction was held out ({int(best['n_users']):,} customers)"
    )
    if len(runner):
        reason += f"; the next best scored {runner.max():.3f}"
    return Choice(str(best["model"]), table, reason)


def recommend_for(
    interactions: pd.DataFrame,
    products: pd.DataFrame | None,
    customer_ids: Iterable[object],
    *,
    k: int = 10,
    model: str | Recommender = "auto",
    rules: Rules | None = None,
    bought: pd.DataFrame | None = None,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, Choice | None]:
    """Top-`k` products for each customer after business rules; returns the recommendations
    (``customer_id, rank, product_id, score``; one list per customer, however often asked for)
    and, for ``model="auto"``, the choice made."""
    choice = None
    if isinstance(model, str):
        if model == "auto":
            choice = choose_model(
                interactions, products, k=k, random_state=random_state, progress=progress
            )
            model = choice.name
        estimator = make_model(model, random_state=random_state)
    else:
        estimator = model
    if progress:
        progress("fit")
    estimator = estimator.fit(interactions, products)
    rules = rules or Rules()
    # rules only remove: take enough candidates that k survive them
    pool = k * 3 + (int(rules.max_per_category is not None) * k * 2)
    items = None
    if rules.category is not None and products is not None:
        items = products.loc[products["category"].astype(str) == rules.category, "product_id"]
    customer_ids = list(pd.unique(_as_ids(customer_ids)))  # the rules rank per customer
    exclude_seen = rules.exclude_bought and not rules.repeat_categories
    candidates = estimator.recommend(customer_ids, k=pool, exclude_seen=exclude_seen, items=items)
    recs = apply_rules(candidates, products, rules, k=k, bought=bought)
    if not exclude_seen and rules.exclude_bought:
        # seen products were candidates (repeat categories may bring them back): where the
        # rules then dropped them all, fill up from unseen candidates
        counts = recs["customer_id"].astype(str).value_counts()
        short = [c for c in customer_ids if counts.get(c, 0) < k]
        if short:
            more = estimator.recommend(short, k=pool, exclude_seen=True, items=items)
            extra = apply_rules(more, products, rules, k=k, bought=bought)
            recs = fill_up(recs, extra, k)
    return recs[["customer_id", "rank", "product_id", "score"]], choice


def fill_up(recs: pd.DataFrame, extra: pd.DataFrame, k: int) -> pd.DataFrame:
    """`recs` with each customer's list completed to `k` from `extra` (after its own rows,
    without repeating a product); ranks renumbered."""
    both = pd.concat([recs.assign(_pass=0), extra.assign(_pass=1)], ignore_index=True)
    both = both.drop_duplicates(["customer_id", "product_id"], keep="first")
    both = both.sort_values(["customer_id", "_pass", "rank"], kind="stable")
    both["rank"] = both.groupby("customer_id").cumcount() + 1
    return both[both["rank"] <= k].drop(columns="_pass").reset_index(drop=True)


def for_customers(
    interactions: pd.DataFrame,
    products: pd.DataFrame | None,
    customer_ids: Iterable[object],
    k: int,
    *,
    category: str | None = None,
    model: str | Recommender = "itemknn",
    repeat_categories: Iterable[str] = (),
    bought: pd.DataFrame | None = None,
    random_state: int = 0,
) -> pd.Series:
    """The planner's call: ``customer_id -> "p1|p2|..."`` (best first), products of
    `category` only when given (a category coupon shows that category's products). One value
    per id asked for, in order, indexed by the id as the model holds it (``17850.0`` is
    ``17850``)."""
    ids = list(_as_ids(customer_ids))
    rules = Rules(repeat_categories=frozenset(repeat_categories), category=category)
    if bought is None:  # what they interacted with counts as had
        bought = interactions[["customer_id", "product_id"]]
    bought = _id_columns(bought)
    recs, _ = recommend_for(
        interactions,
        products,
        ids,
        k=k,
        model=model,
        rules=rules,
        bought=bought,
        random_state=random_state,
    )
    joined = (
        recs.sort_values(["customer_id", "rank"]).groupby("customer_id")["product_id"].agg("|".join)
    )
    return joined.reindex(ids).fillna("")


def _id_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``customer_id, product_id`` as the models hold ids (see :func:`base.id_text`)."""
    return pd.DataFrame({c: id_text(table[c]) for c in ("customer_id", "product_id")})


def for_plan(
    interactions: pd.DataFrame,
    products: pd.DataFrame | None,
    scope: pd.DataFrame,
    k: int,
    *,
    model: str | Recommender = "itemknn",
    repeat_categories: Iterable[str] = (),
    bought: pd.DataFrame | None = None,
    random_state: int = 0,
) -> pd.Series:
    """Products to show with each planned offer, one model fit for the whole plan.

    `scope` has ``customer_id`` and ``category`` (the offer's category; empty or missing for
    a shop-wide offer). Returns ``"p1|p2|..."`` per row of `scope` (same index), best first;
    a category offer lists only that category's products."""
    estimator = make_model(model, random_state=random_state) if isinstance(model, str) else model
    estimator.fit(interactions, products)
    if bought is None:
        bought = interactions[["customer_id", "product_id"]]
    bought = _id_columns(bought)
    category = (
        scope["category"].astype(object)
        if "category" in scope
        else pd.Series(None, index=scope.index, dtype=object)
    )
    # an all-missing column arrives as float NaN: compare as text, never fill a float with text
    scoped = category.notna() & (category.astype(str).str.strip() != "")
    key = category.where(scoped, "").astype(str)  # "": shop-wide
    out = pd.Series("", index=scope.index, dtype=object)
    for cat, rows in scope.groupby(key, sort=True):
        rules = Rules(
            repeat_categories=frozenset(repeat_categories),
            category=str(cat) or None,
        )
        recs, _ = recommend_for(
            interactions,
            products,
            rows["customer_id"].unique(),
            k=k,
            model=_Fitted(estimator),
            rules=rules,
            bought=bought,
        )
        joined = (
            recs.sort_values(["customer_id", "rank"])
            .groupby("customer_id")["product_id"]
            .agg("|".join)
        )
        shown = pd.Series(_as_ids(rows["customer_id"]), index=rows.index).map(joined)
        shown = shown.astype(object)
        out.loc[rows.index] = shown.fillna("").to_numpy()
    return out


class _Fitted:
    """An already fitted recommender that ignores a second ``fit`` (one fit per plan)."""

    def __init__(self, estimator: Recommender) -> None:
        self.estimator = estimator

    def fit(self, *_args, **_kwargs) -> Recommender:
        return self.estimator

"""What the planner reads from the store: the shop's offers, customer features as of the plan
date with their numeric model matrix, and per-customer inputs of offer economics (expected
basket value if they buy, their margin rate, and how their spending splits over categories,
for category-scoped offers).

Economics inputs are shrunk toward the shop's averages so a customer with one order does not
get an extreme value: ``(n * own + k * shop) / (n + k)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.queries.offers import customers_seen_before, order_lines_before
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.offers.catalogue import (
    DEFAULT_CATALOGUE,
    SHOP_CATALOGUE,
    default_offers,
    load_offer_settings,
)
from promopilot.profile.build import clv_columns
from promopilot.profile.features import build_features


def load_offers(store: Store, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The shop's offers, with a missing min_spend or send_cost read as 0, a missing
    category as "" (the whole basket) and a missing max_discount as NaN (no cap). A shop that
    lists none gets the default catalogue (:mod:`promopilot.offers.catalogue`);
    ``offers.attrs["source"]`` names where they came from."""
    offers = store.table("offers")
    source = SHOP_CATALOGUE
    if offers.empty:
        settings = load_offer_settings()
        if not settings.use_default:
            raise InputError(
                "the store has no offers: add an offers.csv to the shop folder "
                "(or set use_default = true under [offers] in promopilot.toml)"
            )
        as_of = store.default_as_of() if as_of is None else as_of
        offers = default_offers(store, as_of, settings)
        source = DEFAULT_CATALOGUE
        if offers.empty:
            raise InputError("the store has no offers and no orders to size default offers from")
    offers = offers.copy()
    if "max_discount" not in offers:  # the default catalogue
        offers["max_discount"] = np.nan
    offers["min_spend"] = offers["min_spend"].fillna(0.0)
    offers["send_cost"] = offers["send_cost"].fillna(0.0)
    offers["category"] = offers["category"].fillna("")
    offers = offers.reset_index(drop=True)
    offers.attrs["source"] = source
    return offers


def default_feature_fn(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    """Customer features, plus the BG/NBD view of each customer (probability still active,
    expected purchases): an offer can only move a customer who is still shopping."""
    features = build_features(store, as_of=as_of)
    clv, _ = clv_columns(store, pd.Index(features["customer_id"]), as_of)
    return features.join(
        clv[["p_alive", "expected_purchases_90d"]].add_prefix("bg_"), on="customer_id"
    )


def model_matrix(features: pd.DataFrame) -> pd.DataFrame:
    """Numeric model inputs from a feature table: ids and text columns dropped (category
    taste is already there as numeric ``share_<category>`` columns), booleans as 0/1."""
    keep = [
        c
        for c in features.columns
        if c != "customer_id"
        and (pd.api.types.is_numeric_dtype(features[c]) or pd.api.types.is_bool_dtype(features[c]))
    ]
    return features[keep].astype(float)


def customer_value_inputs(
    store: Store, *, as_of: pd.Timestamp | str, default_margin: float, shrinkage: float = 2.0
) -> pd.DataFrame:
    """One row per customer seen before `as_of`: basket_value (order value at list price),
    margin_rate, n_orders, ``share_<category>`` columns (shares of net spend, shrunk
    toward the shop's mix) and ``item_value_<category>`` (the shop's mean list value of an
    order line of that category, the same for every customer)."""
    as_of = store.as_of(as_of)
    lines = order_lines_before(store, as_of)
    customers = customers_seen_before(store, as_of)
    out = pd.DataFrame(index=pd.Index(customers.astype(str).unique(), name="customer_id"))
    if lines.empty:
        out["basket_value"] = np.nan
        out["margin_rate"] = default_margin
        out["n_orders"] = 0
        return out.reset_index()
    # list-price value: the offer's discount is subtracted on its own in the economics
    per_order = lines.groupby(["customer_id", "order_id"], sort=False)["gross"].sum()
    shop_basket = float(per_order.mean())
    by_customer = per_order.groupby(level=0).agg(["sum", "count"])
    n = by_customer["count"].reindex(out.index).fillna(0).to_numpy()
    own = (by_customer["sum"] / by_customer["count"]).reindex(out.index).fillna(0).to_numpy()
    out["basket_value"] = (n * own + shrinkage * shop_basket) / (n + shrinkage)
    known = lines.dropna(subset=["margin"])
    if len(known) and known["gross"].sum() > 0:
        shop_margin = float(known["margin"].sum() / known["gross"].sum())
        agg = known.groupby("customer_id")[["margin", "gross"]].sum().reindex(out.index)
        own_margin = (agg["margin"] / agg["gross"]).fillna(shop_margin).to_numpy()
        weight = agg["gross"].fillna(0).to_numpy() / max(shop_basket, 1e-9)
        out["margin_rate"] = (weight * own_margin + shrinkage * shop_margin) / (weight + shrinkage)
    else:
        out["margin_rate"] = default_margin
    out["n_orders"] = n.astype(int)
    spend = lines.pivot_table(
        index="customer_id", columns="category", values="net", aggfunc="sum", fill_value=0.0
    )
    # a customer's category shares, shrunk toward the shop's mix like the basket: someone who
    # never bought beauty may still buy it with a beauty coupon
    shop_mix = spend.sum(axis=0) / max(float(spend.to_numpy().sum()), 1e-9)
    own_shares = spend.div(spend.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    own_shares = own_shares.reindex(out.index).fillna(0.0)
    shares = (own_shares.mul(n, axis=0) + shrinkage * shop_mix) / (n + shrinkage)[:, None]
    shares.columns = [f"share_{c}" for c in shares.columns]
    # what one order line of each category is worth at list price (the shop's mean): a
    # category coupon is only redeemed with an item of its category in the basket
    item = lines.groupby("category")["gross"].mean()
    items = pd.DataFrame({f"item_value_{c}": float(v) for c, v in item.items()}, index=out.index)
    return pd.concat([out, shares, items], axis=1).reset_index()

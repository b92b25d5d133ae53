"""The last steps of a plan: its columns in order, when each offer expires, and the products
shown with each message."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.queries import recommend as rq
from promopilot.data.store import Store
from promopilot.recommend import for_plan, repeat_categories

PLAN_COLUMNS = [
    "campaign_id",
    "customer_id",
    "offer_id",
    "group",
    "propensity",
    "expected_incremental_profit",
    "expected_cost",
    "recommended_products",
    "reason",
    "expires_at",
    "profit_lower",
]


def finish(plan: pd.DataFrame, campaign_id: str) -> pd.DataFrame:
    """The plan's columns, in order (the campaign id on every row)."""
    plan = plan.copy()
    plan["campaign_id"] = campaign_id
    for col in PLAN_COLUMNS:
        if col not in plan:
            plan[col] = np.nan
    return plan[PLAN_COLUMNS].reset_index(drop=True)


def expiry(plan: pd.DataFrame, offers: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """The date each sent offer expires (its valid_days after the plan date), "" otherwise;
    `as_of` is the plan date as the shop's wall-clock time (``Store.local_time``)."""
    valid = offers.set_index("offer_id")["valid_days"]
    days = plan["offer_id"].map(valid)
    return np.where(
        days.notna() & (plan["offer_id"] != ""),
        (as_of + pd.to_timedelta(days.fillna(0), unit="D")).dt.strftime("%Y-%m-%d"),
        "",
    )


def products_to_show(
    store: Store, plan: pd.DataFrame, offers: pd.DataFrame, as_of: pd.Timestamp, n_products: int
) -> pd.Series | str:
    """The products to show with each row's message, best first, joined into one string:
    item-kNN on the shop's interactions with the business rules (nothing already bought
    unless its category is a repeat category, nothing out of stock); a category coupon lists
    only its category's products. "" when the shop has no interactions yet."""
    inter = rq.interactions(store, as_of=as_of)
    if not len(inter) or n_products <= 0:
        return ""
    category = plan["offer_id"].map(offers.set_index("offer_id")["category"])
    scope = pd.DataFrame({"customer_id": plan["customer_id"], "category": category})
    repeat = repeat_categories(rq.category_repeat_rates(store, as_of=as_of))
    shown = for_plan(
        inter,
        rq.catalogue(store),
        scope,
        n_products,
        model="itemknn",
        repeat_categories=repeat,
        bought=rq.bought_products(store, as_of=as_of),
    )
    return shown.to_numpy()

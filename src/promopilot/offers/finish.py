"""The last steps of a plan: its columns in order, when each offer expires, and the products
shown with each message."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.queries import recommend as rq
from promopilot.data.store import Store
from promopilot.offers.totals import per_offer_totals
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


# a plan file's figures as written: a propensity to 6 significant digits (the measurement's
# weight 1/p moves by under 1e-6 of itself), per-customer expected money to 4 decimals; the
# float noise of their arithmetic (0.8674999999999999) told the owner nothing
PROPENSITY_DIGITS = 6
MONEY_DECIMALS = 4
MONEY_COLUMNS = ("expected_incremental_profit", "expected_cost", "profit_lower")
TOTALS = {"expected_profit": "expected_incremental_profit", "expected_cost": "expected_cost"}
CENTS = 2  # a sum of money shown to the owner (per offer and group), as ``money`` writes it


def significant(values: pd.Series, digits: int) -> pd.Series:
    """`values` rounded to `digits` significant digits (0, NaN and values under about 1e-295,
    which no plan holds, as they are)."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.isfinite(x) & (x != 0), np.floor(np.log10(np.abs(x))), 0.0)
    decimals = digits - 1 - scale
    # vectorised: a whole number of units of the last digit kept, over an exact power of ten
    # (10**-d for d < 0 is no exact double), so the result prints as written: 0.8675
    up = np.power(10.0, np.clip(decimals, 0, 300))
    down = np.power(10.0, np.maximum(-decimals, 0))
    rounded = np.round(x * up / down) * down / up
    keep = ~np.isfinite(x) | (decimals > 300)  # NaN, and the tiniest values (10**d overflows)
    return pd.Series(np.where(keep, x, rounded), index=values.index, dtype=float)


def as_written(result):
    """A :class:`~promopilot.offers.plan.PlanResult` whose plan holds its figures as the plan
    file writes them, and whose expected profit and cost totals are the sums of those figures
    over the rows sent an offer: the forecast beside the file, which the server matches with
    the file's own sum, and the printed totals agree with the file to the cent. Its table per
    offer and group (``per_offer``, where the plan has one) is the file's sums rounded to the
    cent, and so are the blanket alternatives' expected profit and cost (``alternatives``,
    printed beside it: "8595.034567..." in the frame); `result`'s own figures keep their full
    precision."""
    from dataclasses import replace

    plan = result.plan.copy()
    if "propensity" in plan:
        plan["propensity"] = significant(plan["propensity"], PROPENSITY_DIGITS)
    for col in MONEY_COLUMNS:
        if col in plan:
            plan[col] = pd.to_numeric(plan[col], errors="coerce").round(MONEY_DECIMALS)
    totals = dict(result.totals)
    sent = plan[plan["offer_id"].astype(str) != ""] if "offer_id" in plan else plan
    for key, col in TOTALS.items():
        if totals.get(key) is not None and np.isfinite(totals[key]) and col in sent:
            totals[key] = float(sent[col].sum())
    per_offer = result.per_offer
    if len(per_offer):  # the CLI's and the demo report's table: the file's sums, to the cent
        per_offer = per_offer_totals(plan)
        money = ["expected_profit", "expected_cost"]
        per_offer[money] = per_offer[money].round(CENTS)
    alternatives = result.alternatives
    if len(alternatives):  # the model's sums for other campaigns, shown to the cent
        alternatives = alternatives.copy()
        money = [c for c in ("expected_profit", "expected_cost") if c in alternatives]
        alternatives[money] = alternatives[money].round(CENTS)
    return replace(result, plan=plan, totals=totals, per_offer=per_offer, alternatives=alternatives)

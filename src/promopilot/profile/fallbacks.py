"""Columns a shop's data cannot fill: a neutral value or, where none means anything, left out.

A shop without browsing events, reviews or sale periods would otherwise get six profile
columns that are empty for every customer. :func:`fill_empty_columns` gives each a documented
value when the whole column is empty, with a one-line note saying why; a column that is
partly filled keeps its gaps (those customers have no such data, others do).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from promopilot.profile.lifetime import NO_ORDER_COLUMN, NO_ORDER_DAYS

NO_ORDER = NO_ORDER_COLUMN
"""BG/NBD's P(no order in the churn horizon), the column lifetime writes."""

NEUTRAL = {
    "sale_order_lift": (1.0, "no sale periods in the orders: 1 (buys in sales as everyone does)"),
    "sale_view_lift": (
        1.0,
        "no browsing in sale periods (no events or no sales): 1 (browses in sales as otherwise)",
    ),
    "browse_trend": (1.0, "no browsing events: 1 (steady)"),
}
"""Ratio columns whose neutral value (1: no difference) is what an owner would assume."""
LEFT_OUT = {
    "cart_abandonment": "no add-to-cart events: column left out",
    "mean_rating": "no reviews: column left out",
}
"""Columns with no neutral value: left out of the output when nobody has one."""
Elsewhere = Callable[[pd.DataFrame, int], tuple[pd.Series, str]]
"""P(no order in so many days) for the rows BG/NBD gives none, and how it was found."""


def fill_empty_columns(customers: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Fill or drop the profile columns that are empty for every customer; the notes say
    which and why. ``view_price_level`` (the price of what a customer views) falls back to
    ``price_level`` (the price of what they buy), and to 1 (the category median) without
    either."""
    out = customers.copy()
    notes: list[str] = []

    def empty(column: str) -> bool:
        return column in out and len(out) > 0 and out[column].isna().all()

    for column, (value, why) in NEUTRAL.items():
        if empty(column):
            out[column] = value
            notes.append(f"{column}: {why}")
    if empty("view_price_level"):
        price = out["price_level"] if "price_level" in out else pd.Series(float("nan"), out.index)
        out["view_price_level"] = price.fillna(1.0)
        notes.append(
            "view_price_level: no browsing events: the price level of what they buy "
            "(1, the category median, without orders)"
        )
    dropped = [c for c in LEFT_OUT if empty(c)]
    notes += [f"{c}: {LEFT_OUT[c]}" for c in dropped]
    return out.drop(columns=dropped), notes


def model_fallback(
    table: pd.DataFrame, target: str, elsewhere: Elsewhere, horizon_days: int
) -> tuple[pd.Series, str]:
    """A value for a window model's column when the model cannot be fitted (e.g. a history
    shorter than its validation window): churn is BG/NBD's probability of no order in the
    churn horizon (``bgnbd_no_order_180d``) where the customer has one; the 30-day purchase
    propensity is 1 - exp(-E/3) with E the BG/NBD purchases expected in 90 days. Rows BG/NBD
    gives no value (no order yet, or BG/NBD not fitted) take ``elsewhere(rows, horizon_days)``,
    the probability of no order in the model's horizon measured on the shop's own earlier
    window (:func:`.silence.no_order_probability`): churn is it, the propensity 1 minus it.
    Returns the column and a note saying which.

    Churn was 1 - p_alive, which is 0 for every customer without a repeat order (BG/NBD deems
    them alive) and for everyone when a short history shows no dropout: on the first 60 days
    of UCI Online Retail every buying segment read churn risk 0%. Then customers without a
    BG/NBD value read the percentile of their days since the last activity: a rank (a median
    browser read 50%) beside the buyers' probabilities in one column, and 1 minus it as their
    30-day purchase propensity."""
    nan = pd.Series(float("nan"), table.index)
    if target == "churn":
        value = table.get(NO_ORDER, nan)
        words = f"BG/NBD's probability of no order in {NO_ORDER_DAYS} days"
    else:
        expected = table.get("bgnbd_expected_purchases_90d", nan)
        value = 1.0 - np.exp(-expected.clip(lower=0.0) / 3.0)
        words = "1 - exp(-E/3), E the BG/NBD purchases in 90 days"
    missing = value.isna()
    if missing.any():
        no_order, how = elsewhere(table[missing], horizon_days)
        value = value.fillna(no_order if target == "churn" else 1.0 - no_order)
        words += f"; without orders or BG/NBD, {'' if target == 'churn' else '1 - '}{how}"
    return value.clip(0.0, 1.0), f"filled with {words}"

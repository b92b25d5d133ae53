"""The default offer catalogue, for a shop that lists no offers (no ``offers.csv``).

Three offers, sized from the shop's own baskets:

* ``pct<N>``: N% off the basket (``percent_off``, default 10%);
* ``off<V>_over<T>``: V off an order of at least T (``amount_off``, 满减): T is a quantile of
  the shop's order values (default the 75th percentile) rounded to a round number, V a share of
  T (default 10%), so the offer is within reach of the usual basket and moves it up;
* ``free_shipping``: the shipping fee (``free_shipping``, default 5; 0 leaves it out).

The ``[offers]`` table of ``promopilot.toml`` (or the file named by ``PROMOPILOT_CONFIG``)
changes them; every key is optional::

    [offers]
    use_default = true          # false: a shop without offers.csv cannot be planned
    percent_off = 0.10          # 0 leaves the percent-off offer out
    amount_off_quantile = 0.75  # the order-value quantile that sets the threshold
    amount_off_share = 0.10     # the discount as a share of the threshold; 0 leaves it out
    free_shipping_fee = 5.0     # what free shipping costs the shop; 0 leaves it out
    valid_days = 14             # days each offer is valid
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from promopilot.config import OfferSettings, load_offer_settings
from promopilot.data.queries.offers import order_lines_before
from promopilot.data.store import Store

DEFAULT_CATALOGUE = "default offer catalogue"
SHOP_CATALOGUE = "offers.csv"
__all__ = ["OfferSettings", "default_offers", "load_offer_settings"]


def _round_number(x: float) -> float:
    """x rounded to one or two significant digits of 1, 2 or 5 (e.g. 137 -> 150, 23 -> 20)."""
    if not np.isfinite(x) or x <= 0:
        return 0.0
    magnitude = 10.0 ** math.floor(math.log10(x))
    steps = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 7.5, 10.0]) * magnitude
    return float(steps[np.argmin(np.abs(steps - x))])


def default_offers(
    store: Store, as_of: pd.Timestamp | str, settings: OfferSettings | None = None
) -> pd.DataFrame:
    """The default catalogue for this shop (columns of the ``offers`` table), sized from its
    order values before `as_of`."""
    settings = settings or OfferSettings()
    lines = order_lines_before(store, pd.Timestamp(as_of))
    baskets = lines.groupby("order_id")["gross"].sum() if len(lines) else pd.Series(dtype=float)
    baskets = baskets[baskets > 0]
    rows = []
    if settings.percent_off > 0:
        pct = round(settings.percent_off * 100, 1)
        rows.append((f"pct{pct:g}", "percent_off", settings.percent_off, 0.0))
    if settings.amount_off_share > 0 and len(baskets):
        threshold = _round_number(float(baskets.quantile(settings.amount_off_quantile)))
        value = _round_number(threshold * settings.amount_off_share)
        if threshold > 0 and value > 0:
            rows.append((f"off{value:g}_over{threshold:g}", "amount_off", value, threshold))
    if settings.free_shipping_fee > 0:
        rows.append(("free_shipping", "free_shipping", settings.free_shipping_fee, 0.0))
    out = pd.DataFrame(rows, columns=["offer_id", "kind", "value", "min_spend"])
    out["category"] = ""
    out["send_cost"] = 0.0
    out["valid_days"] = settings.valid_days
    return out

"""Discount sensitivity checked against the best single promotion-response column.

Where the shop has past campaigns, the customers sent one in the 90 days before ``as_of``
(:data:`WINDOW_DAYS`, leaving :data:`RESPONSE_DAYS` to respond) are labelled by whether they
placed an order with a discount or coupon within :data:`RESPONSE_DAYS` of a send. The
profile's ``discount_sensitivity`` and each single column of :data:`SINGLE_COLUMNS`, all as of
the window's start (nothing from the window itself), rank those customers; the AUCs are
compared. When a single column wins by more than the tie margin, or ties, its percentile
(oriented so that higher = more discount-driven) replaces ``discount_sensitivity``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from promopilot.profile.baselines import TIE_MARGIN, Choice

WINDOW_DAYS = 90
RESPONSE_DAYS = 14
MIN_RESPONDERS = 20
SINGLE_COLUMNS = {  # column: higher means more discount-driven
    "coupon_share": True,
    "discount_share": True,
    "sale_order_lift": True,
    "sale_view_lift": True,
    "price_level": False,
}


def _auc(y: np.ndarray, values: pd.Series, higher: bool) -> float:
    score = values.rank(pct=True, ascending=higher).fillna(0.5).to_numpy()
    return float(roc_auc_score(y, score))


def check_sensitivity(
    snapshot: pd.DataFrame, responses: pd.DataFrame
) -> tuple[Choice, str | None] | None:
    """Compare ``discount_sensitivity`` with each single column on the campaign responses.

    `snapshot` is the feature table as of the window's start, `responses` the customers sent
    a campaign in the window with ``responded`` (0/1). Returns the :class:`Choice` and the
    winning single column (None when the model stays), or None without enough responses."""
    rows = snapshot.set_index("customer_id").reindex(responses["customer_id"])
    y = responses["responded"].to_numpy(dtype=float)
    if y.sum() < MIN_RESPONDERS or (len(y) - y.sum()) < MIN_RESPONDERS:
        return None
    model = _auc(y, rows["discount_sensitivity"], True)
    best, best_auc = None, -np.inf
    for column, higher in SINGLE_COLUMNS.items():
        if column in rows and rows[column].notna().sum() >= MIN_RESPONDERS:
            auc = _auc(y, rows[column], higher)
            if auc > best_auc:
                best, best_auc = column, auc
    if best is None:
        return None
    tie = abs(model - best_auc) <= TIE_MARGIN
    winner = "model" if (model > best_auc and not tie) else "baseline"
    choice = Choice("discount_sensitivity", best, "AUC", model, best_auc, winner, tie)
    return choice, (best if winner == "baseline" else None)


def single_column_sensitivity(features: pd.DataFrame, column: str) -> pd.Series:
    """The percentile of one column, higher = more discount-driven; 0.5 where missing."""
    higher = SINGLE_COLUMNS[column]
    return features[column].rank(pct=True, ascending=higher).fillna(0.5)

"""Discount sensitivity checked against the best single promotion-response column.

The shop's own time split: features as of ``as_of - VALIDATION_DAYS`` (nothing later), and
every order of the :data:`VALIDATION_DAYS` after, outside the shop's sale days and outside
the :data:`CAMPAIGN_DAYS` after a campaign was sent to the customer, labelled by whether it
used a discount or coupon. A candidate score ranks those orders by their customer's score
(one row per order: a frequent buyer counts once per order, so activity alone earns
nothing); the AUCs of the learned score (:class:`~promopilot.profile.sensitivity.
PromoUseModel`) and of each single column of :data:`SINGLE_COLUMNS` are compared. The model
is replaced by the best single column's percentile (oriented so that higher = more
discount-driven) when that column ranks the orders better by more than :data:`Z_REPLACE`
bootstrap standard errors; a difference within the noise keeps the model and says so.

The profile runs this check only when the learned score has a signal on the customers' own
history (:attr:`~promopilot.profile.sensitivity.PromoUseModel.signal_z_`; otherwise it keeps
the default blend of :func:`~promopilot.profile.features.discount_sensitivity`). When no
candidate ranks the validation orders better than chance (AUC not above 0.5 by two standard
errors: half a year of orders is often too few), the check has nothing to choose by and the
learned score is kept: on the training worlds of ``bench/worlds.py`` this split could not tell
anything apart in most worlds where the learned score ranked the true sensitivity best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from promopilot.profile.baselines import TIE_MARGIN, Choice

VALIDATION_DAYS = 180
CAMPAIGN_DAYS = 14
MIN_RESPONDERS = 20
BOOTSTRAP = 200
BOOTSTRAP_ROWS = 20_000
Z_REPLACE = 2.0
"""The best single column replaces the learned score when its AUC is higher by more than
this many bootstrap standard errors of the difference. The column is the best of six on the
same orders, so its lead is biased upwards (the winner's curse); on the training worlds, a
plain comparison replaced the learned score in worlds where it ranked the true sensitivity
better (``bench/worlds.py --set train``)."""
SINGLE_COLUMNS = {  # column: higher means more discount-driven
    "coupon_share": True,
    "discount_share": True,
    "sale_order_lift": True,
    "sale_view_lift": True,
    "price_level": False,
    "view_price_level": False,
}


@dataclass
class SensitivityCheck:
    """What the check found: the :class:`Choice` (None when there was no signal to choose
    by), the single column that replaces the model (None when the model stays), each
    candidate's AUC and the number of validation orders."""

    choice: Choice | None
    column: str | None
    aucs: dict[str, float]
    n_orders: int
    n_promo: int

    def line(self) -> str:
        if self.choice is not None:
            return f"{self.choice.line()} (on {self.n_orders:,} later orders)"
        best = max(self.aucs.values(), default=float("nan"))
        return (
            f"discount_sensitivity: no promotion signal to choose by (best AUC {best:.3f} on "
            f"{self.n_orders:,} later orders, {self.n_promo:,} with a discount or coupon): "
            "the learned score is kept"
        )


def oriented(values: pd.Series, higher: bool) -> pd.Series:
    """Percentile of a column, higher = more discount-driven, 0.5 where missing."""
    return pd.to_numeric(values, errors="coerce").rank(pct=True, ascending=higher).fillna(0.5)


def single_column_sensitivity(features: pd.DataFrame, column: str) -> pd.Series:
    """The percentile of one column, higher = more discount-driven; 0.5 where missing."""
    return oriented(features[column], SINGLE_COLUMNS[column])


def order_auc(score: np.ndarray, orders: np.ndarray, promo: np.ndarray) -> float:
    """AUC over orders: each customer's promo orders are positives, the rest negatives (ties
    count one half; NaN without both kinds).

    The Mann-Whitney count over the distinct scores: the same value as scikit-learn's
    ``roc_auc_score`` on the orders (to rounding), without building a row per order kind;
    the check's bootstrap calls it 400 times."""
    values, where = np.unique(np.asarray(score, dtype=float), return_inverse=True)
    return _coded_auc(where, len(values), orders, promo)


def _coded_auc(where: np.ndarray, n_values: int, orders: np.ndarray, promo: np.ndarray) -> float:
    """:func:`order_auc` of scores given as their ranks `where` among `n_values` distinct
    values (``np.unique``'s inverse; a resample's rows may leave some out): the bootstrap
    ranks the scores once, not in each of its 400 resamples, and gets the same numbers."""
    promo = np.asarray(promo, dtype=float)
    pos = np.bincount(where, weights=promo, minlength=n_values)
    neg = np.bincount(where, weights=np.asarray(orders, dtype=float) - promo, minlength=n_values)
    present = np.bincount(where, minlength=n_values) > 0
    if not present.all():  # only the values drawn, as np.unique of the resample would list
        pos, neg = pos[present], neg[present]
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos <= 0 or n_neg <= 0:
        return float("nan")
    below = np.cumsum(neg) - neg  # negatives with a lower score
    return float(np.dot(pos, below + 0.5 * neg) / (n_pos * n_neg))


def hanley_se(auc: float, n_pos: float, n_neg: float) -> float:
    """Hanley-McNeil standard error of an AUC from `n_pos` positives and `n_neg` negatives."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
        n_pos * n_neg
    )
    return float(np.sqrt(max(var, 0.0)))


def check_sensitivity(
    snapshot: pd.DataFrame, model_score: np.ndarray, counts: pd.DataFrame
) -> SensitivityCheck | None:
    """Compare the learned score with each single column on later orders.

    `snapshot` is the feature table as of the split date, `model_score` the learned score of
    its rows, `counts` the later orders per customer (``customer_id``, ``orders``,
    ``promo``). None with fewer than :data:`MIN_RESPONDERS` promo and non-promo orders."""
    rows = counts.merge(
        snapshot.assign(model_score=np.asarray(model_score, float)), on="customer_id"
    )
    orders = rows["orders"].to_numpy(float)
    promo = rows["promo"].to_numpy(float)
    if promo.sum() < MIN_RESPONDERS or (orders - promo).sum() < MIN_RESPONDERS:
        return None
    aucs = {"model": order_auc(rows["model_score"].to_numpy(float), orders, promo)}
    for column, higher in SINGLE_COLUMNS.items():
        if column in rows and rows[column].notna().sum() >= MIN_RESPONDERS:
            aucs[column] = order_auc(oriented(rows[column], higher).to_numpy(), orders, promo)
    singles = {c: a for c, a in aucs.items() if c != "model"}
    n_orders, n_promo = int(orders.sum()), int(promo.sum())
    # is there any signal to choose by?
    best = max(aucs.values())
    if not singles or best - 0.5 <= 2 * hanley_se(best, n_promo, n_orders - n_promo):
        return SensitivityCheck(None, None, aucs, n_orders, n_promo)
    column = max(singles, key=singles.get)
    lead = singles[column] - aucs["model"]
    noise = _difference_se(rows, column, orders, promo)
    if lead > max(TIE_MARGIN, Z_REPLACE * noise):
        winner, verdict = "baseline", "baseline wins"
    elif lead > -TIE_MARGIN:
        winner = "model"
        verdict = f"within noise (difference {lead:+.3f}, standard error {noise:.3f}) -> model"
    else:
        winner, verdict = "model", "model wins"
    choice = Choice(
        "discount_sensitivity", column, "AUC", aucs["model"], singles[column], winner, False,
        verdict,
    )  # fmt: skip
    return SensitivityCheck(
        choice, column if winner == "baseline" else None, aucs, n_orders, n_promo
    )


def _difference_se(rows: pd.DataFrame, column: str, orders: np.ndarray, promo: np.ndarray):
    """Bootstrap (over customers, seeded) standard error of the column's AUC minus the
    model's on the same orders. Above :data:`BOOTSTRAP_ROWS` customers each resample draws
    that many and the spread is scaled by sqrt(draws / customers)."""
    rng = np.random.default_rng(0)
    model_values, model = np.unique(rows["model_score"].to_numpy(float), return_inverse=True)
    single_values, single = np.unique(
        oriented(rows[column], SINGLE_COLUMNS[column]).to_numpy(dtype=float), return_inverse=True
    )
    draws = min(len(rows), BOOTSTRAP_ROWS)
    diffs = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(rows), draws)
        o, p = orders[pick], promo[pick]
        if p.sum() == 0 or (o - p).sum() == 0:
            continue
        diffs.append(
            _coded_auc(single[pick], len(single_values), o, p)
            - _coded_auc(model[pick], len(model_values), o, p)
        )
    if len(diffs) < 2:
        return float("inf")
    return float(np.std(diffs) * np.sqrt(draws / len(rows)))

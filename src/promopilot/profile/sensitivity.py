"""Discount sensitivity learned from the shop's own promotion use.

A customer's own record says how often they buy with a discount or coupon of their own: orders
outside the shop's sale days and outside the days after a campaign sent to them
(``own_promo_orders`` of ``own_orders``; without those columns, ``coupon_share`` over
``frequency`` orders). A campaign's redemptions are left out because they say more about how
often the customer buys than about their taste for discounts: one redeemed offer is half the
record of a customer with two orders and a twentieth of a regular's. For a customer with two
orders that share is mostly chance. :class:`PromoUseModel` shrinks it towards what customers
like them do (empirical Bayes): a ridge regression of that share on the percentiles of every
other feature (recency, tenure, price level, category shares, sale-period buying, browsing,
...), weighted by orders and cross-fitted, so that a customer's own coupons do not leak into
their prior; then

    sensitivity = (promo orders + k * prior) / (orders + k),        k = ``prior_orders``

Customers without orders get the prior. ``signal_z_`` says whether the prior found anything:
how far the AUC of the cross-fitted prior on the customers' own orders (promo or not) is above
0.5, in standard errors; at or below :data:`SIGNAL_Z` nobody's promotion use is predictable and
the profile keeps its default blend. Whether the model beats the best single promotion column
of the shop's own data is checked on a time split (:mod:`.sensitivity_check`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from promopilot.exceptions import NotEnoughDataError, NotFittedError
from promopilot.profile.sensitivity_check import hanley_se, order_auc

OWN_COUNTS = ("own_orders", "own_promo_orders")
"""Optional columns: each customer's orders outside sales and campaign windows, and how many of
those used a discount or coupon (:func:`promopilot.data.queries.profile.promo_order_counts`)."""
LEAKY = (
    "customer_id", "top_category", "coupon_share", "discount_share", "discount_sensitivity",
    *OWN_COUNTS,
)  # fmt: skip
"""Columns the prior does not see: ids, text, and the customer's own promotion use."""
MIN_BUYERS = 50
SIGNAL_Z = 1.0
"""The prior must rank the customers' own promo orders above chance by more than this many
standard errors for the learned score to be used at all. On the 40 training worlds of
``bench/worlds.py`` the prior's z was below 1 in 8 of the 11 worlds whose customers use coupons
at random (1.6-2.7 in the other three, from discounted orders at the edges of a sale), and
above 2 in 24 of the 29 where coupon use follows the response to offers. A threshold of 2
instead of 1 changed the winner against the best column in hindsight in one world."""


def chance_words(auc: float, z: float) -> str:
    """The prior's ranking against chance in words: ``AUC 0.500: no better than chance`` where
    `z` is within 0.05 standard errors of 0 (it read "0.0 standard errors above chance"),
    ``AUC 0.470: below chance by 1.3 standard errors`` below it, else ``AUC 0.530, 0.7 standard
    errors above chance``."""
    if z < -0.05:
        return f"AUC {auc:.3f}: below chance by {-z:.1f} standard errors"
    if z <= 0.05:
        return f"AUC {auc:.3f}: no better than chance"
    return f"AUC {auc:.3f}, {z:.1f} standard errors above chance"


GRID = 1001  # quantile points per column that map a feature to its percentile


def _inputs(features: pd.DataFrame, columns: list[str]) -> np.ndarray:
    frame = features.reindex(columns=columns).apply(pd.to_numeric, errors="coerce")
    return frame.astype(float).to_numpy()


def _percentiles(X: np.ndarray, grids: np.ndarray) -> np.ndarray:
    """Each value's mid-rank percentile among the fit table's values of its column (from the
    column's quantile grid); 0.5 where missing or where the column had no values."""
    out = np.full(X.shape, 0.5)
    for j in range(X.shape[1]):  # one vectorized pass per column
        grid = grids[:, j]
        if np.isnan(grid).any():
            continue
        x = X[:, j]
        ok = ~np.isnan(x)
        left = np.searchsorted(grid, x[ok], side="left")
        right = np.searchsorted(grid, x[ok], side="right")
        out[ok, j] = (left + right) / (2.0 * len(grid))
    return out


def _counts(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(promo orders, orders) per row: the own counts where the table has them."""
    if all(c in features for c in OWN_COUNTS):
        own = features[list(OWN_COUNTS)].apply(pd.to_numeric, errors="coerce").fillna(0)
        orders = own["own_orders"].to_numpy(float)
        return np.minimum(own["own_promo_orders"].to_numpy(float), orders), orders
    orders = pd.to_numeric(features["frequency"], errors="coerce").fillna(0).to_numpy(float)
    share = pd.to_numeric(features["coupon_share"], errors="coerce").fillna(0).to_numpy(float)
    return share * orders, orders


class PromoUseModel(BaseEstimator):
    """Each customer's expected share of orders with a discount or coupon (outside sales),
    their own record shrunk towards a cross-fitted prior from their other features.

    Parameters
    ----------
    prior_orders : how many orders the prior weighs (k above).
    n_folds : cross-fitting folds for the prior.
    alpha : ridge penalty of the prior (on feature percentiles, rows weighted by orders).
    max_train_rows : each fold's prior learns from at most this many customers with orders
        (a seeded sample; None: all).
    random_state : seed (folds and sample).

    Attributes
    ----------
    features_ : list of str
        The prior's input columns.
    grids_ : ndarray
        Per input column, its quantiles in the fit table (the percentile map).
    models_ : list of Ridge
        One prior per fold; a customer seen in fit is scored by the model that did not see them.
    folds_ : Series
        Fold of each customer id seen in fit.
    rate_ : float
        The shop's overall promo share (for customers the prior cannot score).
    fit_prior_ : ndarray
        The cross-fitted prior of each row of the fit table.
    signal_auc_, signal_z_ : float
        AUC of the cross-fitted prior over the fit table's own orders (promo orders positive)
        and its distance above 0.5 in Hanley-McNeil standard errors (0 without both kinds).
    """

    def __init__(
        self,
        *,
        prior_orders: float = 5.0,
        n_folds: int = 5,
        alpha: float = 100.0,
        max_train_rows: int | None = 200_000,
        random_state: int = 0,
    ) -> None:
        self.prior_orders = prior_orders
        self.n_folds = n_folds
        self.alpha = alpha
        self.max_train_rows = max_train_rows
        self.random_state = random_state

    def fit(self, features: pd.DataFrame) -> PromoUseModel:
        """Learn the prior from a feature table (``customer_id``, ``frequency``,
        ``coupon_share`` and the other feature columns).

        BLAS runs on one thread: on a busy two-core machine the ridge fits of a
        million-customer shop took three times as long with two OpenBLAS threads.

        Raises
        ------
        NotEnoughDataError
            Fewer than 50 customers with orders.
        """
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(features)

    def _fit(self, features: pd.DataFrame) -> PromoUseModel:
        promo, orders = _counts(features)
        buyers = orders > 0
        if buyers.sum() < MIN_BUYERS:
            raise NotEnoughDataError(
                f"discount sensitivity: {int(buyers.sum())} customers with orders; "
                f"at least {MIN_BUYERS} are needed"
            )
        self.features_ = [
            c
            for c in features.columns
            if c not in LEAKY and pd.api.types.is_numeric_dtype(features[c])
        ]
        raw = _inputs(features, self.features_)
        self.grids_ = np.full((GRID, raw.shape[1]), np.nan)
        seen = ~np.isnan(raw).all(axis=0)
        if seen.any():
            levels = np.linspace(0, 1, GRID)
            self.grids_[:, seen] = np.nanquantile(raw[:, seen], levels, axis=0)
        X = _percentiles(raw, self.grids_)
        share = np.divide(promo, orders, out=np.zeros_like(promo), where=buyers)
        self.rate_ = float(promo.sum() / orders.sum())
        folds = np.zeros(len(features), dtype=int)
        splitter = KFold(self.n_folds, shuffle=True, random_state=self.random_state)
        self.models_ = []
        rng = np.random.default_rng(self.random_state)
        for k, (train, test) in enumerate(splitter.split(X)):
            folds[test] = k
            train = train[buyers[train]]
            if self.max_train_rows is not None and len(train) > self.max_train_rows:
                train = np.sort(rng.choice(train, size=self.max_train_rows, replace=False))
            model = Ridge(alpha=self.alpha)
            self.models_.append(model.fit(X[train], share[train], sample_weight=orders[train]))
        self.folds_ = pd.Series(folds, index=features["customer_id"].to_numpy())
        self.fit_prior_ = self._prior(X, folds.astype(float))
        self.signal_auc_, self.signal_z_ = 0.5, 0.0
        n_pos, n_neg = promo[buyers].sum(), (orders - promo)[buyers].sum()
        if n_pos > 0 and n_neg > 0:
            auc = order_auc(self.fit_prior_[buyers], orders[buyers], promo[buyers])
            self.signal_auc_ = auc
            self.signal_z_ = float((auc - 0.5) / max(hanley_se(auc, n_pos, n_neg), 1e-12))
        return self

    def prior(self, features: pd.DataFrame) -> np.ndarray:
        """The prior share of each row: from the fold model that did not see the customer
        (the mean of all fold models for customers not seen in fit)."""
        if not hasattr(self, "models_"):
            raise NotFittedError("PromoUseModel is not fitted: call fit first")
        X = _percentiles(_inputs(features, self.features_), self.grids_)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._prior(X, features["customer_id"].map(self.folds_).to_numpy(float))

    def _prior(self, X: np.ndarray, fold: np.ndarray) -> np.ndarray:
        """The prior of percentile rows `X` whose customers were in fit fold `fold` (NaN:
        not seen in fit)."""
        out = np.full(len(X), np.nan)
        unseen = pd.isna(fold)
        if unseen.any():
            out[unseen] = np.mean([m.predict(X[unseen]) for m in self.models_], axis=0)
        for k, model in enumerate(self.models_):
            rows = fold == k
            if rows.any():
                out[rows] = model.predict(X[rows])
        return np.clip(np.nan_to_num(out, nan=self.rate_), 0.0, 1.0)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Expected promo share per row, in [0, 1]."""
        return self._shrink(features, self.prior(features))

    def fit_predict(self, features: pd.DataFrame) -> np.ndarray:
        """``fit(features).predict(features)``, with the fit's out-of-fold prior reused
        (``fit_prior_``) instead of mapping a million rows to percentiles and folds again."""
        return self.fit(features)._shrink(features, self.fit_prior_)

    def _shrink(self, features: pd.DataFrame, prior: np.ndarray) -> np.ndarray:
        promo, orders = _counts(features)
        return (promo + self.prior_orders * prior) / (orders + self.prior_orders)

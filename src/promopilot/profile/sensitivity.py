"""Discount sensitivity learned from the shop's own promotion use.

A customer's own record says how often they buy with a discount or coupon of their own: orders
outside the shop's sale days and outside the days after a campaign sent to them
(``own_promo_orders`` of ``own_orders``; without those columns, ``coupon_share`` over
``frequency`` orders). A campaign's redemptions are left out because they say more about how
often the customer buys than about their taste for discounts: one redeemed offer is half the
record of a customer with two orders and a twentieth of a regular's. For a customer with two
orders that share is mostly chance. :class:`PromoUseModel` shrinks it towards what customers
like them do (empirical Bayes): a LightGBM regression of the coupon share on every other feature
(recency, tenure, price level, category shares, sale-period buying, browsing, ...) weighted by
orders and cross-fitted, so that a customer's own coupons do not leak into their prior; then

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
from lightgbm import LGBMRegressor
from sklearn.base import BaseEstimator
from sklearn.model_selection import KFold

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
``bench/worlds.py`` the prior's z was below 1 in 9 of the 11 worlds whose customers use coupons
at random (2.6 and 2.8 in the other two, from discounted orders at the edges of a sale), and
between 1 and 2 in one world where coupon use follows the response (learned score 0.36 vs
0.22 for the best column in hindsight, Spearman with the true sensitivity)."""


def _inputs(features: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return features.reindex(columns=columns).apply(pd.to_numeric, errors="coerce").astype(float)


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
    n_estimators, learning_rate, num_leaves : LightGBM settings of the prior.
    max_train_rows : each fold's prior learns from at most this many customers with orders
        (a seeded sample; None: all): five folds learn from 100,000 rows at most.
    random_state : seed (folds, sample and LightGBM).

    Attributes
    ----------
    features_ : list of str
        The prior's input columns.
    models_ : list of LGBMRegressor
        One prior per fold; a customer seen in fit is scored by the model that did not see them.
    folds_ : Series
        Fold of each customer id seen in fit.
    rate_ : float
        The shop's overall promo share (for customers the prior cannot score).
    signal_auc_, signal_z_ : float
        AUC of the cross-fitted prior over the fit table's own orders (promo orders positive)
        and its distance above 0.5 in Hanley-McNeil standard errors (0 without both kinds).
    """

    def __init__(
        self,
        *,
        prior_orders: float = 5.0,
        n_folds: int = 5,
        n_estimators: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        max_train_rows: int | None = 20_000,
        random_state: int = 0,
    ) -> None:
        self.prior_orders = prior_orders
        self.n_folds = n_folds
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_train_rows = max_train_rows
        self.random_state = random_state

    def fit(self, features: pd.DataFrame) -> PromoUseModel:
        """Learn the prior from a feature table (``customer_id``, ``frequency``,
        ``coupon_share`` and the other feature columns).

        Raises
        ------
        NotEnoughDataError
            Fewer than 50 customers with orders.
        """
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
        X = _inputs(features, self.features_)
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
            model = LGBMRegressor(
                n_estimators=self.n_estimators,
                learning_rate=self.learning_rate,
                num_leaves=self.num_leaves,
                min_child_samples=40,
                n_jobs=1,
                verbose=-1,
                random_state=self.random_state,
            )
            self.models_.append(model.fit(X.iloc[train], share[train], sample_weight=orders[train]))
        self.folds_ = pd.Series(folds, index=features["customer_id"].to_numpy())
        self.signal_auc_, self.signal_z_ = 0.5, 0.0
        n_pos, n_neg = promo[buyers].sum(), (orders - promo)[buyers].sum()
        if n_pos > 0 and n_neg > 0:
            auc = order_auc(self.prior(features)[buyers], orders[buyers], promo[buyers])
            self.signal_auc_ = auc
            self.signal_z_ = float((auc - 0.5) / max(hanley_se(auc, n_pos, n_neg), 1e-12))
        return self

    def prior(self, features: pd.DataFrame) -> np.ndarray:
        """The prior share of each row: from the fold model that did not see the customer
        (the mean of all fold models for customers not seen in fit)."""
        if not hasattr(self, "models_"):
            raise NotFittedError("PromoUseModel is not fitted: call fit first")
        X = _inputs(features, self.features_)
        fold = features["customer_id"].map(self.folds_).to_numpy()
        out = np.full(len(features), np.nan)
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
        prior = self.prior(features)
        promo, orders = _counts(features)
        return (promo + self.prior_orders * prior) / (orders + self.prior_orders)

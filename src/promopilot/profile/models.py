"""Churn risk and purchase propensity: LightGBM on labels made by rolling the date back.

Training never looks past ``as_of``: features are built as of ``as_of − horizon`` and labelled
with what happened in ``(as_of − horizon, as_of]``. Validation is by time too: a model trained
one horizon further back is scored on the latest window (:meth:`WindowModel.backtest`). The
model takes those tables; :func:`promopilot.profile.windows.fit_window_model` reads them from
the store. Probabilities are calibrated
(isotonic, cross-validated within the training snapshot).

Large shops: a snapshot with more than ``max_train_rows`` customers is fitted on a random
sample of that many (seeded by ``random_state``); predictions are made for everyone. With
40-odd features, 100,000 customers pin the trees down as well as a million do (on the
synthetic shop, training on 15,000 rather than 60,000 moved the churn AUC by 0.002), at a
tenth of the cost. Above ``ENSEMBLE_MAX_ROWS`` training rows, one calibrated model is used
instead of an average of three (see there), and each LightGBM fit takes half the rounds at
twice the learning rate with fewer histogram bins (``WindowModel.fast_above``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import ClassifierTags, RegressorTags
from sklearn.utils.metaestimators import available_if

from promopilot.exceptions import NotEnoughDataError, NotFittedError
from promopilot.profile.history import history_rows, prediction_table

NON_FEATURES = ("customer_id", "top_category")
ENSEMBLE_MAX_ROWS = 20_000
"""Up to this many training rows, the calibrated classifier averages its three
cross-validation models (scikit-learn's ``ensemble=True``). Above it, one model fitted on all
rows is calibrated on out-of-fold predictions (``ensemble=False``): with that much data the
average gains nothing, and predicting for a million customers costs one model, not three."""
FAST_FIT_BINS = 63
"""LightGBM's histogram bins (its default: 255) for a fit above ``WindowModel.fast_above``
training rows (see there)."""


def feature_matrix(features: pd.DataFrame) -> pd.DataFrame:
    X = features.set_index("customer_id").drop(
        columns=[c for c in NON_FEATURES if c in features and c != "customer_id"]
    )
    return X.astype(float)


@dataclass
class Evaluation:
    auc: float
    brier: float
    base_rate: float
    n: int
    calibration: pd.DataFrame  # decile, mean_predicted, observed, n


def evaluate_probabilities(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> Evaluation:
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    decile = pd.qcut(pd.Series(p).rank(method="first"), bins, labels=False)
    table = (
        pd.DataFrame({"decile": decile + 1, "p": p, "y": y})
        .groupby("decile")
        .agg(mean_predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size"))
        .reset_index()
    )
    auc = roc_auc_score(y, p) if 0 < y.mean() < 1 else float("nan")
    return Evaluation(float(auc), float(brier_score_loss(y, p)), float(y.mean()), len(y), table)


class WindowModel(BaseEstimator):
    """Predicts an event in the `horizon_days` after a date from features as of that date.

    Parameters
    ----------
    horizon_days : the label window.
    target : ``"churn"`` (no order in the window), ``"purchase"`` (an order in it) or
        ``"orders"`` (how many orders: a Poisson regression, not a probability).
    n_estimators, learning_rate, num_leaves : LightGBM settings.
    max_train_rows : snapshots with more customers are fitted on a random sample of this
        many (None: all of them).
    n_jobs : LightGBM threads. One by default: on a small machine that is busy with other
        work, LightGBM's OpenMP threads spin while they wait for each other and fitting with
        two threads ran ten times slower than with one (again on 2026-12-05: a fit on 100,000
        random rows x 45 columns took 4.8 s with one thread, 40.5 s and 18.5 s of CPU with
        two, load average 3 on two cores).
    fast_above : above this many training rows (after ``max_train_rows``), each LightGBM fit
        takes half the rounds (``n_estimators // 2``) at twice the ``learning_rate`` (the
        same step budget) and :data:`FAST_FIT_BINS` histogram bins: half the fitting time.
        On the 200,000-customer benchmark shop (synthetic; 98,000 training rows) the
        purchase model's calibrated fit took 3.8 s of CPU instead of 7.9 s, its time-split
        AUC 0.7998 instead of 0.7994 (see docs/profile.md, Speed). Smaller shops, whose fits
        cost little, keep the settings as given. None: never.
    predict_jobs : LightGBM threads for predicting, two by default. A prediction scores each
        row on its own, so it is the same bit for bit whatever the count, and it is one
        parallel loop over the rows, not the thousands of short ones of a fit that spin
        while they wait: the same CPU time with one or two threads, busy machine or not. A
        million rows took 1.5-2.4 s with two threads and 3.1-3.9 s with one where a core was
        free (load 3 on two cores), the same with either under load 5-6 (see docs/profile.md).
    random_state : seed.

    For ``"churn"`` and ``"purchase"`` it is a scikit-learn style classifier of the event (1)
    against none (0): :meth:`predict_proba` returns the two columns in :attr:`classes_` order
    and :meth:`predict` the label whose probability is above one half. For ``"orders"`` it is
    a regressor: :meth:`predict` is the expected number of orders and it has no
    ``predict_proba`` nor ``classes_``.

    Attributes
    ----------
    classes_ : array ``[0, 1]`` (not for ``"orders"``)
    model_ : calibrated classifier (a Poisson regressor for ``"orders"``)
    features_ : list of str
        Columns used.
    """

    def __init__(
        self,
        *,
        horizon_days: int = 90,
        target: str = "churn",
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        max_train_rows: int | None = 100_000,
        fast_above: int | None = ENSEMBLE_MAX_ROWS,
        n_jobs: int = 1,
        predict_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.target = target
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_train_rows = max_train_rows
        self.fast_above = fast_above
        self.n_jobs = n_jobs
        self.predict_jobs = predict_jobs
        self.random_state = random_state

    def _training_rows(self, features: pd.DataFrame, window_orders: pd.Series):
        """Model inputs and labels from a feature table and the orders of its label window."""
        # only customers who had bought or browsed by then can churn or buy again
        features, counts = history_rows(features, window_orders)
        if self.max_train_rows is not None and len(features) > self.max_train_rows:
            rng = np.random.default_rng(self.random_state)
            pick = np.sort(rng.choice(len(features), size=self.max_train_rows, replace=False))
            features, counts = features.iloc[pick], counts[pick]
        if self.target == "orders":
            return feature_matrix(features), counts.astype(float)
        y = counts > 0
        if self.target == "churn":
            y = ~y
        return feature_matrix(features), y.astype(int)

    def _classifier(self, n_rows: int):
        fast = self.fast_above is not None and n_rows > self.fast_above
        params = {
            "n_estimators": max(self.n_estimators // 2, 1) if fast else self.n_estimators,
            "learning_rate": self.learning_rate * 2 if fast else self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": 30,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
            "n_jobs": self.n_jobs,
            "verbose": -1,
            "random_state": self.random_state,
        }
        if fast:
            params["max_bin"] = FAST_FIT_BINS
        if self.target == "orders":
            return LGBMRegressor(objective="poisson", **params)

        base = LGBMClassifier(**params)
        # shuffled folds: rows come sorted by customer id, which follows signup time, and
        # unshuffled folds would each miss a whole cohort
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=self.random_state)
        if n_rows <= ENSEMBLE_MAX_ROWS:
            return CalibratedClassifierCV(base, method="isotonic", cv=folds)
        # large shops: one model on out-of-fold calibration (3x cheaper to predict)
        return CalibratedClassifierCV(base, method="isotonic", cv=folds, ensemble=False)

    def fit(
        self,
        features: pd.DataFrame,
        window_orders: pd.Series,
        *,
        window_start: pd.Timestamp | str | None = None,
    ) -> WindowModel:
        """Learn the target from customers' features at the start of a label window.

        Parameters
        ----------
        features : DataFrame
            Feature table (one row per customer, ``customer_id`` and ``tenure_days`` among
            its columns) as of the start of the label window.
        window_orders : Series
            Orders per customer id in the ``horizon_days`` from that date (customers
            without any may be left out).
        window_start : date-like, optional
            The date of ``features`` as the shop's wall-clock time (``Store.local_time``);
            only named in errors.

        Raises
        ------
        NotEnoughDataError
            Fewer than 100 customers with history, or too few of either outcome.
        """
        if self.target not in ("churn", "purchase", "orders"):
            raise ValueError(f"target must be 'churn', 'purchase' or 'orders', got {self.target!r}")
        X, y = self._training_rows(features, window_orders)
        if not self._enough(y):
            before = "" if window_start is None else f" before {pd.Timestamp(window_start).date()}"
            raise NotEnoughDataError(
                f"{self.target} model: {len(y)} customers with history{before} and "
                f"{int(y.sum())} positives; more history is needed"
            )
        if self.target != "orders":
            self.classes_ = np.array([0, 1])
        elif hasattr(self, "classes_"):  # refitted as a regressor after set_params
            del self.classes_
        self.features_ = list(X.columns)
        self.model_ = self._predicting(self._classifier(len(y)).fit(X, y))
        return self

    def _predicting(self, model):
        """A fitted model (calibrated classifier or regressor) set to predict with
        `predict_jobs` threads: its LightGBM models read ``n_jobs`` when they predict."""
        calibrated = getattr(model, "calibrated_classifiers_", None)
        for lightgbm in [model] if calibrated is None else [c.estimator for c in calibrated]:
            lightgbm.set_params(n_jobs=self.predict_jobs)
        return model

    def backtest(
        self,
        earlier_features: pd.DataFrame,
        earlier_window_orders: pd.Series,
        features: pd.DataFrame,
        window_orders: pd.Series,
    ) -> Evaluation | None:
        """How a model with these settings, trained one window earlier, scores on the window
        this one was trained on (``features``, ``window_orders`` as given to :meth:`fit`).

        None for ``"orders"`` and when the earlier window has too little data to fit (the
        same rule as :meth:`fit`). The fitted model is not changed.
        """
        self._check_fitted()
        if self.target == "orders":
            return None
        X_old, y_old = self._training_rows(earlier_features, earlier_window_orders)
        if not self._enough(y_old):
            return None
        X, y = self._training_rows(features, window_orders)
        old = self._classifier(len(y_old)).fit(X_old.reindex(columns=self.features_), y_old)
        self._predicting(old)
        return evaluate_probabilities(y, old.predict_proba(X)[:, 1])

    def _enough(self, y: pd.Series) -> bool:
        """At least 100 customers, both outcomes, and 10 of the rarer one (a yes/no target)."""
        if len(y) < 100 or y.min() == y.max():
            return False
        return self.target == "orders" or min(y.mean(), 1 - y.mean()) * len(y) >= 10

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("WindowModel is not fitted: call fit first")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.target == "orders":
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
        else:
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
        return tags

    def _matrix(self, features: pd.DataFrame) -> pd.DataFrame | None:
        """The fitted columns of a feature table, checked (None for no rows)."""
        self._check_fitted()
        prediction_table(features, ("customer_id", *self.features_), f"{self.target} model")
        if not len(features):
            return None
        return feature_matrix(features[["customer_id", *self.features_]])

    def _is_classifier(self) -> bool:
        if self.target == "orders":
            raise AttributeError(
                "a WindowModel with target='orders' is a regressor: predict gives the expected "
                "number of orders, there is no predict_proba"
            )
        return True

    @available_if(_is_classifier)
    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """``(n, 2)`` probabilities of no event (column 0) and of the target event (column 1)
        for each row of a feature table, in :attr:`classes_` order."""
        X = self._matrix(features)
        if X is None:
            return np.empty((0, 2))
        return self.model_.predict_proba(X)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """The expected number of orders for ``"orders"``; otherwise the label (1: the target
        event) whose probability is above one half."""
        if self.target == "orders":
            X = self._matrix(features)
            return np.empty(0) if X is None else self.model_.predict(X)
        return (self.predict_proba(features)[:, 1] > 0.5).astype(int)

"""Data-driven segments: k-means on a customer table, with generated names and descriptions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from promopilot.columns import CUSTOMER_ID
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.profile.segment_describe import (
    describe,
    ordered_once,
    promotions_seen,
    returners,
)
from promopilot.profile.segment_names import skewed_columns, typical_centres
from promopilot.profile.segment_not_bought import no_orders, not_bought

# --------------------------------------------------------------------------- clusters


class ClusterSegmenter(BaseEstimator):
    """K-means customer segments with k chosen by silhouette and generated names.

    Parameters
    ----------
    features : sequence of str, optional
        Numeric columns to cluster on. Default: every numeric (or boolean) column except
        ids (``customer_id`` and columns ending in ``_id``) and ``category_col``. Columns
        listed but absent are ignored; constant columns are dropped.
    category_col : str, default "top_category"
        Categorical column used only to describe clusters (modal value); ignored if absent.
    k_min, k_max : int, default 3 and 8
        Range of cluster counts tried; the one with the best silhouette is kept. With fewer
        distinct customers than ``k_min + 1``, the range starts lower (never below 2). Two
        segments (silhouette's usual pick on skewed shop data: buyers and the rest) tell a
        shop owner little, hence 3.
    sample_size : int, default 5000
        k is chosen on a random sample of this many rows (k-means and silhouette); the final
        model is fitted on all rows from the sample's centres.
    threshold : float, default 0.5
        A centroid feature "stands out" when its z-score (in standard deviations of the
        transformed feature) is at least this large in absolute value and its mean is at
        least ``segment_names.MATERIAL_SHARE`` (10%) of the overall centre away, on the same
        side (medians for skewed features, means for the others: ``typical_``); only such
        features name and describe a cluster.
    log_transform : bool, default True
        Apply ``log1p`` to non-negative features with skewness above 1 (spend, counts) before
        standardizing; the figures of clusters that have not bought are picked on the same
        scale (``segment_not_bought.standardized_gap``).
    random_state : int, default 0
    n_threads : int, default 1
        OpenMP/BLAS threads for k-means (more threads on a busy small machine is slower).

    Attributes
    ----------
    features_ : list of str
        Features used.
    log_features_ : list of str
        Features that were log-transformed.
    fill_values_ : dict
        Median (raw units) used for missing values of each feature.
    k_ : int
        Number of clusters.
    silhouette_ : dict of int to float
        Silhouette score of each k tried (on the sample).
    centers_ : DataFrame
        Mean of each raw feature per cluster (rows: cluster 0..k-1, ordered by size).
    centers_z_ : DataFrame
        Centroids in standardized units (the z-scores used for naming).
    skewed_features_ : list of str
        Features that are non-negative with skewness above ``segment_names.SKEW_LIMIT`` (1):
        log-scaled when ``log_transform``, and compared by medians in names and descriptions
        whatever it says.
    typical_, overall_typical_ : DataFrame, Series
        The centre a name and description compare, per cluster and for everyone: the median
        of a skewed feature (a few very high values pull a mean above most customers), the
        mean of the others.
    sizes_ : numpy.ndarray
        Customers per cluster in the fitted data.
    no_orders_ : list of str or None
        Per cluster, the noun of a cluster none of whose customers has ordered ("browsers who
        have not bought", or "customers who have not bought" when they do not browse either)
        or most of whom have not ("browsers most of whom have not bought", ...), else None.
    returners_ : list of dict or None
        Per cluster of buyers most of whom returned most of what they bought (a
        ``return_share`` column, where the table has one): their mean return share and net
        spend, and all buyers'; else None. Such a cluster is named and described for its
        returns ("customers who returned most of what they bought"), not for the near-zero
        spend and order value the returns leave.
    not_bought_ : list of dict or None
        Per cluster named in ``no_orders_``: how many of it did order (and, where most but not
        almost all have not, what share and their mean orders and spend), and its mean days
        since first and last seen, views, carts and return lines beside everyone's, which
        describe it (its zero spend and orders, which its name says, do not); else None.
    names_ : list of str
        Unique short name per cluster, e.g. "loyal big spenders"; a cluster without orders is
        named by its ``no_orders_`` noun, not by its zero spend and orders.
    descriptions_ : list of str
        One or two sentences per cluster.
    promotions_seen_ : bool or None
        Whether any order used a discount or coupon or fell in a sale period (None: the table
        does not say); where none did, ``discount_sensitivity`` (then a guess from prices
        paid) names and describes no segment.
    names_zh_, descriptions_zh_ : list of str
        The same in Chinese, put together from the same words ("忠诚的大额消费者"); the
        English ``names_`` are the keys each customer's ``segment`` holds.
    """

    def __init__(
        self,
        *,
        features: Sequence[str] | None = None,
        category_col: str = "top_category",
        k_min: int = 3,
        k_max: int = 8,
        sample_size: int = 5000,
        threshold: float = 0.5,
        log_transform: bool = True,
        random_state: int = 0,
        n_threads: int = 1,
    ):
        self.features = features
        self.category_col = category_col
        self.k_min = k_min
        self.k_max = k_max
        self.sample_size = sample_size
        self.threshold = threshold
        self.log_transform = log_transform
        self.random_state = random_state
        self.n_threads = n_threads

    # ------------------------------------------------------------------ helpers
    def _candidate_features(self, df: pd.DataFrame) -> list[str]:
        if self.features is not None:
            return [c for c in self.features if c in df.columns]
        out = []
        for col in df.columns:
            if col == self.category_col or col == CUSTOMER_ID or str(col).endswith("_id"):
                continue
            if pd.api.types.is_bool_dtype(df[col]) or (
                pd.api.types.is_numeric_dtype(df[col])
                and not pd.api.types.is_complex_dtype(df[col])
            ):
                out.append(col)
        return out

    def _raw(self, df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
        block = df.loc[:, list(cols)]
        try:
            arr = np.array(block.astype(np.float64).to_numpy(), dtype=np.float64, copy=True)
        except (TypeError, ValueError):
            bad = [
                c
                for c in cols
                if not pd.api.types.is_numeric_dtype(df[c])
                and not pd.api.types.is_bool_dtype(df[c])
            ]
            raise InputError(
                f"not numeric: feature {noun_for(len(bad), 'column')} {', '.join(map(str, bad))}"
            ) from None
        arr[~np.isfinite(arr)] = np.nan
        return arr

    def _transform(self, raw: np.ndarray) -> np.ndarray:
        x = np.where(np.isnan(raw), self.fill_, raw)
        if self.log_mask_.any():
            x[:, self.log_mask_] = np.log1p(np.maximum(x[:, self.log_mask_], 0.0))
        return (x - self.mean_) / self.scale_

    # ------------------------------------------------------------------ fit
    def fit(self, features_df: pd.DataFrame, y: Any = None) -> ClusterSegmenter:
        """Choose k, cluster, and name the clusters.

        Parameters
        ----------
        features_df : DataFrame
            One row per customer.

        Returns
        -------
        self
        """
        with threadpool_limits(limits=self.n_threads):
            return self._fit(features_df)

    def _fit(self, features_df: pd.DataFrame) -> ClusterSegmenter:
        if not isinstance(features_df, pd.DataFrame):
            raise InputError("ClusterSegmenter.fit expects a DataFrame of customer features")
        if not 2 <= self.k_min <= self.k_max:
            raise InputError(
                f"need 2 <= k_min <= k_max, got k_min={self.k_min}, k_max={self.k_max}"
            )
        cols = self._candidate_features(features_df)
        if not cols:
            raise InputError("no numeric feature columns to cluster on")
        raw = self._raw(features_df, cols)
        n = raw.shape[0]
        if n < 2:
            raise NotEnoughDataError(
                f"{counted(n, 'customer')}: at least 2 are needed to form segments"
            )
        all_nan = np.all(np.isnan(raw), axis=0)
        fill = np.where(all_nan, 0.0, np.nanmedian(np.where(all_nan, 0.0, raw), axis=0))
        filled = np.where(np.isnan(raw), fill, raw)
        keep = ~all_nan & (np.nanstd(filled, axis=0) > 0)
        if not keep.any():
            raise NotEnoughDataError("every feature is constant or missing; nothing to cluster on")
        cols = [c for c, k in zip(cols, keep, strict=False) if k]
        raw, filled, fill = raw[:, keep], filled[:, keep], fill[keep]
        # skewed (non-negative, skewness above SKEW_LIMIT): log-scaled where log_transform
        # says, and described by medians whatever it says (segment_names.typical_centres)
        skewed = skewed_columns(filled)
        log_mask = skewed if self.log_transform else np.zeros(len(cols), dtype=bool)
        self.fill_ = fill
        self.log_mask_ = log_mask
        x = filled.copy()
        x[:, log_mask] = np.log1p(x[:, log_mask])
        self.mean_ = x.mean(axis=0)
        self.scale_ = x.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        z = (x - self.mean_) / self.scale_

        rng = np.random.default_rng(self.random_state)
        if n > self.sample_size:
            sample_idx = np.sort(rng.choice(n, size=self.sample_size, replace=False))
        else:
            sample_idx = np.arange(n)
        zs = z[sample_idx]
        n_distinct = len(np.unique(np.round(zs, 12), axis=0))
        k_hi = min(self.k_max, n_distinct - 1)
        k_lo = max(2, min(self.k_min, k_hi))
        if k_hi < k_lo:
            raise NotEnoughDataError(
                f"clustering needs more than 2 distinct customers, got {n_distinct}"
            )
        scores: dict[int, float] = {}
        centres: dict[int, np.ndarray] = {}
        for k in range(k_lo, k_hi + 1):
            km = KMeans(n_clusters=k, n_init=4, random_state=self.random_state).fit(zs)
            if len(np.unique(km.labels_)) < 2:
                continue
            scores[k] = float(silhouette_score(zs, km.labels_))
            centres[k] = km.cluster_centers_
        if not scores:
            raise NotEnoughDataError("k-means found no usable split of the customers")
        best_k = max(scores, key=lambda k: (round(scores[k], 6), -k))
        final = KMeans(
            n_clusters=best_k, init=centres[best_k], n_init=1, random_state=self.random_state
        ).fit(z)
        labels = final.labels_
        sizes = np.bincount(labels, minlength=best_k)
        order = np.argsort(-sizes, kind="stable")  # cluster 0 = largest
        remap = np.empty(best_k, dtype=np.int64)
        remap[order] = np.arange(best_k)
        labels = remap[labels]
        self.kmeans_ = final
        self.label_map_ = remap

        self.features_ = cols
        self.log_features_ = [c for c, m in zip(cols, log_mask, strict=False) if m]
        self.fill_values_ = {c: float(v) for c, v in zip(cols, fill, strict=False)}
        self.k_ = int(best_k)
        self.silhouette_ = scores
        self.sizes_ = sizes[order]
        centre_z = final.cluster_centers_[order]
        self.centers_z_ = pd.DataFrame(centre_z, columns=cols)
        self.centers_z_.index.name = "cluster"
        raw_means = pd.DataFrame(filled, columns=cols).groupby(labels).mean()
        self.centers_ = raw_means.reindex(range(best_k))
        self.centers_.index.name = "cluster"
        self.overall_means_ = pd.Series(filled.mean(axis=0), index=cols)
        self.skewed_features_ = [c for c, m in zip(cols, skewed, strict=False) if m]
        self.typical_, self.overall_typical_ = typical_centres(
            pd.DataFrame(filled, columns=cols), labels, best_k, self.skewed_features_
        )
        cats = None
        if self.category_col in features_df.columns:
            cats = features_df[self.category_col].astype("object").to_numpy()
        self.no_orders_ = no_orders(features_df, labels, best_k)
        self.ordered_once_ = ordered_once(features_df, labels, best_k)
        self.returners_ = returners(features_df, labels, best_k, self.no_orders_)
        self.promotions_seen_ = promotions_seen(features_df)
        self.not_bought_ = not_bought(
            features_df, labels, best_k, self.no_orders_, self.threshold, self.log_transform
        )
        said = describe(self, labels, cats, n)
        self.names_, self.descriptions_ = said["en"]
        self.names_zh_, self.descriptions_zh_ = said["zh"]
        return self

    # ------------------------------------------------------------------ predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "k_"):
            raise NotFittedError("ClusterSegmenter is not fitted; call fit() first")

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Cluster number (0..k-1, 0 = largest in the fitted data) of every row."""
        self._check_fitted()
        missing = [c for c in self.features_ if c not in df.columns]
        if missing:
            raise InputError(
                f"customer table lacks feature {noun_for(len(missing), 'column')}: "
                f"{', '.join(map(str, missing))}"
            )
        if not len(df):
            return np.empty(0, dtype=int)
        z = self._transform(self._raw(df, self.features_))
        with threadpool_limits(limits=self.n_threads):
            return self.label_map_[self.kmeans_.predict(z)]

    def predict_names(self, df: pd.DataFrame) -> pd.Series:
        """Cluster name of every row, as a Series indexed like ``df``."""
        labels = self.predict(df)
        return pd.Series(
            np.asarray(self.names_, dtype=object)[labels], index=df.index, name="segment"
        )

    def summary(self) -> pd.DataFrame:
        """One row per cluster: size, name, description (each also in Chinese: ``name_zh``,
        ``description_zh``) and raw feature means."""
        self._check_fitted()
        out = self.centers_.copy()
        out.insert(0, "description_zh", self.descriptions_zh_)
        out.insert(0, "name_zh", self.names_zh_)
        out.insert(0, "description", self.descriptions_)
        out.insert(0, "name", self.names_)
        out.insert(0, "size", self.sizes_)
        return out

"""The statistics behind :class:`~promopilot.recommend.hybrid.HybridRecommender`'s candidate
features: customer and product counts and times from one interactions table (``_Stats``,
with the product's interactions in a time window), each customer's best, mean and spread of a
component's scores (``_row_stats``) and the sizes of the candidate lists the ranker learns on
(``_group_sizes``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class _Stats:
    """Customer and product statistics from one interactions table (times in days)."""

    def __init__(self, data: pd.DataFrame, customers: pd.Index, products: pd.Index) -> None:
        rows = customers.get_indexer(data["customer_id"])
        cols = products.get_indexer(data["product_id"])
        ok = (rows >= 0) & (cols >= 0)
        rows, cols = rows[ok], cols[ok]
        n_c, n_p = len(customers), len(products)
        self.item_count = np.bincount(cols, minlength=n_p).astype(np.float64)
        self.user_count = np.bincount(rows, minlength=n_c).astype(np.float64)
        self.item_share = self.item_count / max(self.item_count.sum(), 1.0)
        if "last_seen" in data:
            t = pd.to_datetime(data["last_seen"])
            days = ((t - t.max()).dt.total_seconds() / 86400.0).to_numpy()[ok]
        else:
            days = np.zeros(len(rows))
        self.has_time = bool(np.ptp(days) > 0) if len(days) else False

        def mean(index, n, count):
            return np.bincount(index, weights=days, minlength=n) / np.maximum(count, 1)

        self.item_mean = mean(cols, n_p, self.item_count)
        self.user_mean = mean(rows, n_c, self.user_count)
        self.item_first = np.full(n_p, np.nan)
        self.user_last = np.full(n_c, np.nan)
        if len(days):
            np.fmin.at(self.item_first, cols, days)
            np.fmax.at(self.user_last, rows, days)
        self.user_first = np.full(n_c, np.nan)
        if len(days):
            np.fmin.at(self.user_first, rows, days)
        self.item_first = np.nan_to_num(self.item_first, nan=0.0)
        self.user_last = np.nan_to_num(self.user_last, nan=0.0)
        self.user_first = np.nan_to_num(self.user_first, nan=0.0)
        # each product's interaction times, sorted, as one key array: product * span + day
        self.span = float(np.ptp(days) + 10.0) if len(days) else 10.0
        self.keys = np.sort(cols * self.span + (days - days.min() if len(days) else days))
        self.day0 = float(days.min()) if len(days) else 0.0
        self.n_recent = {d: float((days >= -d).sum()) for d in (7.0, 30.0)}

    def window_total(self, days: float) -> float:
        """All interactions in the last `days` days."""
        return float(self.n_recent.get(days, 0.0))

    def window_count(self, cols: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """How many interactions product `cols` had between days `start` and `end`."""
        base = cols * self.span - self.day0
        lo = np.searchsorted(self.keys, base + np.clip(start, self.day0, None), "left")
        hi = np.searchsorted(self.keys, base + np.clip(end, self.day0, None), "right")
        return (hi - lo).astype(np.float64)


def _row_stats(full: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Each row's best, mean and standard deviation over its finite scores; NaN for a row
    without any (a customer who has had every product), without numpy's all-NaN warnings."""
    finite = np.isfinite(full)
    some = finite.any(axis=1)
    best, mean, std = (np.full(len(full), np.nan, dtype=full.dtype) for _ in range(3))
    if some.any():
        valid = np.where(finite[some], full[some], np.nan)
        best[some] = np.nanmax(valid, axis=1)
        mean[some], std[some] = np.nanmean(valid, axis=1), np.nanstd(valid, axis=1)
    return best, (mean, std)


def _group_sizes(users: np.ndarray) -> np.ndarray:
    """Sizes of the runs of equal customer ids (candidate lists are contiguous)."""
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    return np.diff(np.r_[starts, len(users)])

"""Clusters that have not bought, or mostly not (:class:`~promopilot.profile.segmenter.
ClusterSegmenter`): which they are, and the figures that describe them in place of the zero
spend and orders their name says."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.shares import whole_percent
from promopilot.profile import segment_lang
from promopilot.profile.segment_names import (
    MOSTLY_NO_ORDERS_BROWSING_NOUN,
    MOSTLY_NO_ORDERS_NOUN,
    MOSTLY_NO_ORDERS_NOUNS,
    NO_ORDERS_BROWSING_NOUN,
    NO_ORDERS_NOUN,
    counted_orders,
    fmt_feature,
    fmt_money,
    material,
    skewed_columns,
)

# a cluster is named for not buying when at least this share of it has no order
NO_ORDERS_SHARE = 0.9
# ... and for most of it not buying ("customers most of whom have not bought") when at least
# this share, but under NO_ORDERS_SHARE, has no order: a majority, so the name stays true
MOSTLY_NO_ORDERS_SHARE = 0.5


def no_orders(features_df: pd.DataFrame, labels: np.ndarray, k: int) -> list[str | None]:
    """Per cluster: the noun for a cluster in which (almost) nobody has ordered (at least
    :data:`NO_ORDERS_SHARE` of the known ``frequency``, else ``monetary``, is 0: a few
    one-off buyers do not make 274 non-buyers "one-time buyers"), or most have not (at least
    :data:`MOSTLY_NO_ORDERS_SHARE`: "customers most of whom have not bought"), "browsers ..."
    when they browse; else None."""
    column = next((c for c in ("frequency", "monetary") if c in features_df.columns), None)
    if column is None:
        return [None] * k
    orders = pd.to_numeric(features_df[column], errors="coerce").to_numpy(dtype=float)
    browse = (
        pd.to_numeric(features_df["browse_intensity"], errors="coerce").to_numpy(dtype=float)
        if "browse_intensity" in features_df.columns
        else np.zeros(len(labels))
    )
    out: list[str | None] = []
    for c in range(k):
        known = orders[labels == c]
        known = known[~np.isnan(known)]
        share = (known == 0).mean() if len(known) else 0.0
        browsing = np.nansum(browse[labels == c]) > 0
        if share >= NO_ORDERS_SHARE:
            out.append(NO_ORDERS_BROWSING_NOUN if browsing else NO_ORDERS_NOUN)
        elif share >= MOSTLY_NO_ORDERS_SHARE:
            out.append(MOSTLY_NO_ORDERS_BROWSING_NOUN if browsing else MOSTLY_NO_ORDERS_NOUN)
        else:
            out.append(None)
    return out


# what a cluster of customers who have not bought is described by (its name says they have
# not, so their zero spend and orders tell nothing): when they came and were last seen, what
# they browsed and carted, the returns (credits) they have without a purchase
NOT_BOUGHT_FEATURES: dict[str, str] = {
    "tenure_days": "days since first seen",
    "days_since_last_event": "days since last seen",
    "views": "product views",
    "browse_intensity": "views per day",
    "carts": "add-to-cart events",
    "n_returns": "return lines",
}
# zero for a cluster of non-buyers, this says nothing: left out then
NOT_BOUGHT_IF_ANY = frozenset({"carts", "n_returns"})


def skewed(values: np.ndarray) -> bool:
    """Whether the known `values` are non-negative with skewness above
    :data:`~promopilot.profile.segment_names.SKEW_LIMIT`: the segmenter's test."""
    x = values[np.isfinite(values)]
    return len(x) >= 2 and bool(skewed_columns(x))


def standardized_gap(values: np.ndarray, mine: np.ndarray, log_transform: bool = True) -> float:
    """How far the mean of `values` over `mine` is from everyone's, in standard deviations of
    the feature as the segments cluster on it (``log1p`` of a :func:`skewed` feature where
    `log_transform`, as :class:`~promopilot.profile.segmenter.ClusterSegmenter` with the
    same setting): the rule by which the other segments' figures are named, so a
    figure named for a cluster that has not bought sets it apart as much. NaN where the
    feature is constant or the cluster has no known value."""
    known = np.isfinite(values)
    x = values[known]
    if len(x) < 2 or not (mine & known).any():
        return np.nan
    sd = x.std()
    if sd == 0:
        return np.nan
    if log_transform and skewed(x):
        x = np.log1p(x)
        sd = x.std()
    return float((x[mine[known]].mean() - x.mean()) / sd)


def not_bought(
    features_df: pd.DataFrame,
    labels: np.ndarray,
    k: int,
    no_orders: list[str | None],
    threshold: float = 0.5,
    log_transform: bool = True,
) -> list[dict | None]:
    """Per cluster named in `no_orders`: ``ordered`` (its customers who did order, the few a
    cluster may hold) and ``figures``, a list of (column, label, the cluster's mean,
    everyone's mean) of :data:`NOT_BOUGHT_FEATURES` the table has (``browse_intensity`` only
    without ``views``) on which the cluster is at least `threshold` standard deviations from
    everyone (:func:`standardized_gap`: the segmenter's rule for any segment's figures; days
    since first seen 410 vs 388 overall told the demo's non-buyers from nobody); ``carts``
    and ``n_returns`` only where the cluster has some; else None. A
    cluster most of whom have not bought (:data:`MOSTLY_NO_ORDERS_NOUNS`) also has ``mostly``
    (True), ``ordered_share`` and the ``orders`` and ``spend`` (``monetary``) of those who
    ordered: what its minority of buyers did, their medians where either feature is
    :func:`skewed` across all customers (``medians``), else their means."""
    orders = numbers(features_df, "frequency")
    spend = numbers(features_df, "monetary")
    if "frequency" not in features_df.columns:  # who ordered, as no_orders tells it
        orders = np.where(np.isnan(spend), np.nan, (spend > 0).astype(float))
    columns = [c for c in NOT_BOUGHT_FEATURES if c in features_df.columns]
    if "views" in columns and "browse_intensity" in columns:
        columns.remove("browse_intensity")
    out: list[dict | None] = []
    for c in range(k):
        if not no_orders[c]:
            out.append(None)
            continue
        mine = labels == c
        figures, compared = [], 0
        for column in columns:
            values = numbers(features_df, column)
            label = NOT_BOUGHT_FEATURES[column]
            centre = known_mean
            if skewed(values):  # compared by medians, as the other segments' figures
                centre, label = known_median, f"median {label}"
            mean, overall = centre(values[mine]), centre(values)
            if not (np.isfinite(mean) and np.isfinite(overall)):
                continue
            if mean == 0 and (column in NOT_BOUGHT_IF_ANY or overall == 0):
                continue
            compared += 1
            gap = standardized_gap(values, mine, log_transform)
            if not (abs(gap) >= threshold and material(mean, overall, gap)):
                continue
            figures.append((column, label, mean, overall))
        bought = mine & (orders > 0)
        info = {"ordered": int(bought.sum()), "figures": figures, "compared": compared}
        if no_orders[c] in MOSTLY_NO_ORDERS_NOUNS:
            known = mine & ~np.isnan(orders)
            info["mostly"] = True
            info["ordered_share"] = bought.sum() / max(int(known.sum()), 1)
            # what its buyers did: medians where the feature is skewed, as elsewhere
            info["medians"] = skewed(spend) or ("frequency" in features_df and skewed(orders))
            centre = known_median if info["medians"] else known_mean
            info["orders"] = centre(orders[bought]) if "frequency" in features_df else np.nan
            info["spend"] = centre(spend[bought])
        out.append(info)
    return out


def not_bought_sentence(info: dict, lang: str = "en") -> str:
    """What tells a cluster of :func:`not_bought` apart, in place of its zero spend and orders:
    " Compared with all customers: days since first seen 254 vs 330 overall (lower); ...", or
    " Otherwise close to the average customer." where no figure sets it apart; in `lang`
    ("en", "zh": "与全部客户相比：距首次出现天数 254（整体 330，偏低）。")."""
    zh = lang == "zh"
    text = ""
    medians = bool(info.get("medians"))
    if info.get("mostly"):  # most have not: what the others bought, and how many they are
        ordered = f"{info['ordered']:,}"
        text += (
            f"其中 {ordered} 位（{whole_percent(info['ordered_share'])}）下过单"
            if zh
            else f" {ordered} of them ({whole_percent(info['ordered_share'])}) ordered"
        )
        orders = counted_orders(info["orders"], medians, lang)
        spend = fmt_money(info["spend"])
        has_orders, has_spend = np.isfinite(info["orders"]), np.isfinite(info["spend"])
        if zh:  # "，订单数中位数 1 单，净消费中位数 150。", "，平均每人 1.5 单、净消费 30.00。"
            centre = "中位数" if medians else ""
            each = [f"订单数{centre} {orders}" if medians else orders] if has_orders else []
            each += [f"净消费{centre} {spend}"] if has_spend else []
            if medians:
                text += "".join(f"，{e}" for e in each) + "。"
            else:
                text += ("，平均每人 " + "、".join(each) if each else "") + "。"
        else:
            each = [orders if has_orders else "", f"a net spend of {spend}" if has_spend else ""]
            each = [e for e in each if e]
            if each and medians:  # "with a median of 1 order and a net spend of 150"
                text += ", with a median of " + " and ".join(each) + "."
            else:
                text += ", " + " and ".join(each) + " each on average." if each else "."
    elif info["ordered"]:
        text += (
            f"其中 {info['ordered']:,} 位下过单。"
            if zh
            else f" {info['ordered']:,} of them ordered."
        )
    if info["figures"]:
        parts = []
        for column, label, mean, overall in info["figures"]:
            m = median(label)
            if zh:
                label = segment_lang.label(column, not_bought=True)
                label = segment_lang.median_label(label, lang) if m else label
            value, everyone = fmt_feature(column, mean, m), fmt_feature(column, overall, m)
            parts.append(segment_lang.part(label, value, everyone, mean > overall, lang))
        text += segment_lang.compared(parts, lang)
    elif info.get("compared"):
        text += "其余方面接近平均客户。" if zh else " Otherwise close to the average customer."
    return text


def median(label: str) -> bool:
    """Whether a figure of :func:`not_bought` (by its `label`) is a median."""
    return label.startswith("median ")


def numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def known_mean(values: np.ndarray) -> float:
    known = values[np.isfinite(values)]
    return float(known.mean()) if len(known) else np.nan


def known_median(values: np.ndarray) -> float:
    known = values[np.isfinite(values)]
    return float(np.median(known)) if len(known) else np.nan

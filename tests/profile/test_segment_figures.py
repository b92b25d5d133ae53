"""Figures in segment names and descriptions that an owner can trust: skewed features compared
by their medians, one figure said once, "loyal" only where it is earned, and the figures of
customers who have not bought scaled as the segmenter is set to scale them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.profile.segment_names import fmt_feature
from promopilot.profile.segments import ClusterSegmenter
from tests.profile.test_segment_words import _with_non_buyers


def _cluster_of(seg: ClusterSegmenter, df: pd.DataFrame, rows: np.ndarray) -> int:
    return int(np.bincount(seg.predict(df)[rows]).argmax())


def test_a_skewed_feature_is_compared_by_its_median_not_by_a_mean_outliers_pull_up():
    """UCI Online Retail: "price level 1.05 vs 2.28 overall" called customers paying about
    the usual price "budget", against a mean a few customers paying far more pulled up. A
    skewed feature is compared by medians, in names and descriptions alike."""
    rng = np.random.default_rng(0)
    n = np.array([200, 200, 25])
    g = np.repeat([0, 1, 2], n)
    price = np.select([g == 2], [rng.uniform(15, 25, len(g))], rng.uniform(0.95, 1.05, len(g)))
    spend = np.select(
        [g == 0, g == 1], [rng.uniform(20, 40, len(g)), rng.uniform(400, 600, len(g))]
    )
    spend = np.where(g == 2, rng.uniform(150, 250, len(g)), spend)
    df = pd.DataFrame({"monetary": spend, "price_level": price})
    seg = ClusterSegmenter(k_min=3, k_max=3, threshold=0.1).fit(df)
    usual = [_cluster_of(seg, df, g == 0), _cluster_of(seg, df, g == 1)]
    for c in usual:
        assert "budget" not in seg.names_[c], seg.names_
        assert "price level" not in seg.descriptions_[c], seg.descriptions_[c]
    assert "price_level" in seg.skewed_features_
    dear = _cluster_of(seg, df, g == 2)
    assert "premium" in seg.names_[dear], seg.names_
    figures = [fmt_feature("price_level", np.median(p)) for p in (price[g == 2], price)]
    assert (
        f"median price level {figures[0]} vs {figures[1]} overall" in (seg.descriptions_[dear])
    ), seg.descriptions_[dear]


def _one_and_two_orders() -> tuple[pd.DataFrame, np.ndarray]:
    """Hillstrom-like: one order each (small or large) and a group of two orders each."""
    rng = np.random.default_rng(1)
    g = np.repeat([0, 1, 2], [300, 200, 100])
    orders = np.where(g == 2, 2, 1)
    aov = np.select([g == 0, g == 1], [rng.uniform(20, 40, len(g)), rng.uniform(150, 250, len(g))])
    aov = np.where(g == 2, rng.uniform(150, 250, len(g)), aov)
    df = pd.DataFrame(
        {
            "recency_days": rng.uniform(10, 300, len(g)),
            "frequency": orders,
            "monetary": orders * aov,
            "avg_order_value": aov,
        }
    )
    return df, g


def test_total_spend_and_order_value_are_not_said_twice_when_everyone_ordered_once():
    """Hillstrom's low-spending group read "total spend 29.99 vs ... ; average order value
    29.99 vs ...": everyone there ordered once, so the two are one figure, said once."""
    df, g = _one_and_two_orders()
    seg = ClusterSegmenter(k_min=3, k_max=3).fit(df)
    small = _cluster_of(seg, df, g == 0)
    text = seg.descriptions_[small]
    said = [label for label in ("total spend", "average order value") if label in text]
    assert len(said) == 1, text


def test_two_orders_against_one_is_repeat_buying_not_loyalty():
    """Hillstrom's "loyal big spenders" had 2 orders against 1 overall: "loyal" (and
    "regulars") only where the group's typical customer ordered at least 3 times."""
    df, g = _one_and_two_orders()
    seg = ClusterSegmenter(k_min=3, k_max=3).fit(df)
    two = _cluster_of(seg, df, g == 2)
    assert "repeat" in seg.names_[two], seg.names_
    assert not any("loyal" in name or "regulars" in name for name in seg.names_), seg.names_
    df.loc[g == 2, "frequency"] = 6
    df["monetary"] = df["frequency"] * df["avg_order_value"]
    seg = ClusterSegmenter(k_min=3, k_max=3).fit(df)
    name = seg.names_[_cluster_of(seg, df, g == 2)]
    assert "loyal" in name or "regulars" in name, seg.names_


def test_figures_of_customers_who_have_not_bought_follow_the_segmenters_log_setting():
    """A segmenter set not to log-scale (log_transform=False) still had the figures of its
    non-buyers picked on the log scale: here their few product views, a fraction of a
    standard deviation below everyone's on the raw scale (a few buyers view thousands),
    were named as setting them apart."""
    df = _with_non_buyers(120, seed=5)
    rng = np.random.default_rng(2)
    buyer = df["frequency"] > 0
    df["views"] = np.where(buyer, rng.uniform(15, 25, len(df)), rng.uniform(2, 4, len(df)))
    df.loc[df.index[buyer][:6], "views"] = 3000.0
    features = ["recency_days", "frequency", "monetary", "discount_sensitivity"]
    rows = np.asarray(df.index >= 300)
    logged = ClusterSegmenter(features=features, random_state=0).fit(df)
    assert "product views" in logged.descriptions_[_cluster_of(logged, df, rows)]
    raw = ClusterSegmenter(features=features, random_state=0, log_transform=False).fit(df)
    mine = _cluster_of(raw, df, rows)
    assert "have not bought" in raw.names_[mine], raw.names_
    assert "product views" not in raw.descriptions_[mine], raw.descriptions_[mine]

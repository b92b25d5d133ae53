"""Medians of counts in segment descriptions: a median of an even number of customers' whole
counts fell between two ("median product views 8.5"), which an owner reads as odd; it is
written as the two whole counts it lies between ("8–9"), a whole median as it is, a mean
with its decimal."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from promopilot.profile.segment_describe import describe
from promopilot.profile.segment_names import counted_orders, fmt_feature
from promopilot.profile.segment_not_bought import not_bought_sentence


def test_a_median_of_counts_is_whole_or_the_two_counts_it_lies_between():
    assert fmt_feature("views", 8.5, median=True) == "8–9"
    assert fmt_feature("views", 9.0, median=True) == "9"
    assert fmt_feature("views", 1_280.5, median=True) == "1,280–1,281"
    assert fmt_feature("views", 8.5) == "8.5"  # a mean keeps its decimal
    assert fmt_feature("views", 8.25, median=True) == "8.2"  # not a median of whole counts
    assert fmt_feature("days_since_last_event", 14.5, median=True) == "14"  # days: whole
    assert fmt_feature("monetary", 30.5, median=True) == "30.50"  # money keeps its cents
    assert counted_orders(1.5, median=True) == "1–2 orders"
    assert counted_orders(1.0, median=True) == "1 order"
    assert counted_orders(1.5) == "1.5 orders"


def test_the_not_bought_figures_write_a_median_view_count_whole():
    """The demo's browsers who have not bought read "median product views 8.5 vs 3 overall"."""
    info = {
        "ordered": 0,
        "compared": 1,
        "figures": [
            ("views", "median product views", 8.5, 3.0),
            ("carts", "add-to-cart events", 2.5, 0.4),  # a mean: as it is
        ],
    }
    text = not_bought_sentence(info)
    assert "median product views 8–9 vs 3 overall (higher)" in text, text
    assert "add-to-cart events 2.5 vs 0.4 overall (higher)" in text, text
    mostly = {
        "ordered": 30,
        "ordered_share": 0.3,
        "mostly": True,
        "medians": True,
        "orders": 1.5,
        "spend": 30.0,
        "figures": [],
        "compared": 0,
    }
    assert "with a median of 1–2 orders and a net spend of 30.00." in not_bought_sentence(mostly)


def test_a_segments_median_orders_are_whole_in_its_description():
    """A segment compared by its median orders (skewed) wrote "median orders 2.5 vs 1"."""
    cols = ["frequency", "monetary"]
    centers = pd.DataFrame({"frequency": [2.5, 1.0], "monetary": [100.0, 100.0]})
    seg = SimpleNamespace(
        k_=2,
        features_=cols,
        centers_=centers,
        centers_z_=pd.DataFrame({"frequency": [2.0, -0.5], "monetary": [0.0, 0.0]}),
        overall_means_=pd.Series({"frequency": 1.0, "monetary": 100.0}),
        typical_=centers,
        overall_typical_=pd.Series({"frequency": 1.0, "monetary": 100.0}),
        skewed_features_=["frequency"],
        sizes_=np.array([20, 80]),
        no_orders_=[None, None],
        threshold=0.5,
    )
    names, descriptions = describe(seg, np.repeat([0, 1], [20, 80]), None, 100)["en"]
    assert names[0] == "repeat buyers"
    assert "median orders 2–3 vs 1 overall (higher)" in descriptions[0], descriptions[0]


def test_a_small_segments_share_is_not_written_0_percent():
    # 3 of 1,000 customers read "(0%)", as if the segment were empty
    from promopilot.profile import segment_lang

    assert segment_lang.size(3, 0.003, "en") == "3 customers (0.3%)."
    assert segment_lang.size(3, 0.003, "zh") == "3 位客户（0.3%）。"
    assert segment_lang.size(120, 0.12, "en") == "120 customers (12%)."

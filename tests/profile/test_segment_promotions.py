"""Segments of a shop where nobody bought on a promotion: discount sensitivity is then a guess
from prices paid, and names no segment."""

from __future__ import annotations

import numpy as np

from promopilot.profile.segmenter import ClusterSegmenter
from tests.profile.test_segments import _planted


def test_no_segment_is_named_for_discounts_where_nobody_used_one():
    """UCI Online Retail has no discount, coupon or sale in 396,681 order lines, yet 31% of its
    customers were "budget bargain hunters" and 28% "at-risk full-price buyers": discount
    sensitivity was the default blend's guess from low prices paid. Where no order used a
    discount or coupon and there are no sale periods, no name or description says it; where
    any customer did, the words stay."""
    df, _ = _planted(100, seed=1)
    nothing = df.assign(coupon_share=0.0, discount_share=0.0, sale_order_lift=np.nan)
    seg = ClusterSegmenter(random_state=0).fit(nothing)
    said = " ".join(seg.names_ + seg.descriptions_)
    for word in ("bargain", "full-price", "deal-seeking", "discount", "on sale"):
        assert word not in said, said
    said = " ".join(seg.names_zh_ + seg.descriptions_zh_)
    assert "折扣" not in said and "打折" not in said, said
    assert seg.promotions_seen_ is False
    assert "beauty" in " ".join(seg.names_)  # the cluster is still told apart
    used = nothing.assign(coupon_share=np.where(nothing.index == 250, 0.5, 0.0))
    seg = ClusterSegmenter(random_state=0).fit(used)
    assert seg.promotions_seen_ is True
    assert any("bargain hunters" in name for name in seg.names_), seg.names_
    sales = nothing.assign(sale_order_lift=np.where(nothing.index % 2, 0.0, 1.5))
    assert ClusterSegmenter(random_state=0).fit(sales).promotions_seen_ is True
    assert ClusterSegmenter(random_state=0).fit(df).promotions_seen_ is None

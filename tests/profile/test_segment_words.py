"""Words of the data-driven segments as a shop owner reads them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from promopilot.profile.segments import ClusterSegmenter
from tests.profile.test_segments import _planted

NOT_BOUGHT = "have not bought"


def _with_non_buyers(n: int, seed: int, ordered: int = 0) -> pd.DataFrame:
    """The planted buyers and `n` customers without an order (`ordered` of them ordered
    once, 30.00), who browse more than the buyers."""
    df, _ = _planted(100, seed=seed)
    rng = np.random.default_rng(seed)
    browsers = pd.DataFrame(
        {
            "customer_id": np.arange(len(df), len(df) + n),
            "recency_days": rng.uniform(100, 400, n),
            "frequency": 0,
            "monetary": 0.0,
            "avg_order_value": np.nan,
            "discount_sensitivity": 0.5,
            "top_category": "home",
        }
    )
    df = pd.concat([df, browsers], ignore_index=True)
    df["browse_intensity"] = np.where(df["frequency"] == 0, 0.2, 0.1)
    some = df.index[df["frequency"] == 0][:ordered]
    df.loc[some, ["frequency", "monetary", "avg_order_value"]] = [1, 30.0, 30.0]
    return df


def test_a_mean_count_is_written_as_a_count():
    """ "30 of them (25%) ordered, 1.00 orders and a net spend of 30.0 each on average" and
    "orders 5.18 vs 3.11 overall" (the demo) wrote counts with two decimals and money with
    one: a mean number of orders keeps one decimal at most, none where it is whole ("1
    order"), money keeps its cents."""
    df = _with_non_buyers(120, seed=5, ordered=30)
    seg = ClusterSegmenter(random_state=0).fit(df)
    labels = seg.predict(df)
    mine = np.bincount(labels[df.index >= 300]).argmax()
    assert seg.names_[mine] == "browsers most of whom have not bought"
    assert (
        "30 of them (25%) ordered, 1 order and a net spend of 30.00 each on average."
        in seg.descriptions_[mine]
    ), seg.descriptions_[mine]
    buyers = [d for d in seg.descriptions_ if "orders " in d and NOT_BOUGHT not in d]
    assert buyers, seg.descriptions_
    for text in seg.descriptions_:
        for value in re.findall(r"\borders ([\d,.]+) vs ([\d,.]+) overall", text):
            for number in value:
                assert not re.fullmatch(r"[\d,]+\.(\d\d|0)", number), text

"""Segment words and figures that compared means of skewed features after the rest had moved
to medians: "one-time" or "occasional", days with a decimal, the buyers among non-buyers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.profile.segment_names import OCCASIONAL, VOCAB, fmt_feature, words
from promopilot.profile.segment_not_bought import (
    MOSTLY_NO_ORDERS_BROWSING_NOUN,
    not_bought,
    not_bought_sentence,
)

ONE_TIME = VOCAB["frequency"]["low"]


def test_one_time_or_occasional_is_decided_by_the_typical_customer_not_the_mean():
    """A group of few orders was "occasional buyers" on its mean (1.5 or more) though its
    median customer ordered once; it is decided on the centre its description compares (the
    median of skewed orders), the mean only where no other centre is known."""
    assert words("frequency", "low", mean=1.6, typical=1.0) == ONE_TIME
    assert words("frequency", "low", mean=1.4, typical=2.0) == OCCASIONAL
    assert words("frequency", "low", mean=1.2, typical=1.5) == OCCASIONAL
    assert words("frequency", "low", mean=1.6) == OCCASIONAL  # no other centre known
    assert words("frequency", "low", mean=1.2) == ONE_TIME


def test_days_are_written_whole_means_and_medians_alike():
    """ "median days since last seen 139 vs 15.1 overall" (the demo): a median of an even
    count of days ends in .5 and a mean anywhere; days are written whole. Other counts keep
    their decimal ("8.5" product views)."""
    assert fmt_feature("days_since_last_event", 15.1) == "15"
    assert fmt_feature("recency_days", 51.4) == "51"
    assert fmt_feature("tenure_days", 1_234.6) == "1,235"
    assert fmt_feature("interpurchase_days", 0.04) == "0"
    assert fmt_feature("views", 8.5) == "8.5"
    assert fmt_feature("frequency", 1.5) == "1.5"
    info = {
        "ordered": 0,
        "figures": [("days_since_last_event", "median days since last seen", 139.0, 15.1)],
    }
    assert "median days since last seen 139 vs 15 overall (higher)." in not_bought_sentence(info)


def _mostly_non_buyers() -> tuple[pd.DataFrame, np.ndarray]:
    """200 buyers (cluster 0) and 100 customers (cluster 1) of whom 30 ordered: 24 once for
    30.00, 6 ten times for 900 (mean 2.8 orders and 204, median 1 order and 30.00)."""
    rng = np.random.default_rng(3)
    orders = np.r_[rng.poisson(3, 200) + 1, np.zeros(70), np.ones(24), np.full(6, 10.0)]
    spend = np.r_[orders[:200] * rng.uniform(20, 80, 200), np.zeros(70), np.full(24, 30.0)]
    spend = np.r_[spend, np.full(6, 900.0)]
    frame = pd.DataFrame(
        {"frequency": orders, "monetary": spend, "browse_intensity": rng.uniform(0, 1, 300)}
    )
    return frame, np.r_[np.zeros(200, dtype=int), np.ones(100, dtype=int)]


def test_the_buyers_among_mostly_non_buyers_are_described_by_their_median():
    """ "485 of them (24%) ordered, 1.5 orders and a net spend of 285 each on average" (the
    demo): means of skewed orders and spend, pulled by a few who bought much. They are the
    medians, said to be ("with a median of 1 order and a net spend of 30.00")."""
    frame, labels = _mostly_non_buyers()
    nouns = [None, MOSTLY_NO_ORDERS_BROWSING_NOUN]
    info = not_bought(frame, labels, 2, nouns)[1]
    assert info["medians"] and info["orders"] == 1 and info["spend"] == 30.0
    text = not_bought_sentence(info)
    assert "30 of them (30%) ordered, with a median of 1 order and a net spend of 30.00." in text
    assert "on average" not in text and "2.8" not in text and "204" not in text
    # orders and spend not skewed (everyone ordered about as much): means, as before
    even = pd.DataFrame(
        {
            "frequency": np.r_[np.full(150, 2.0), np.full(90, 1.0), np.full(60, 0.0)],
            "monetary": np.r_[np.full(150, 60.0), np.full(90, 40.0), np.full(60, 0.0)],
        }
    )
    labels = np.r_[np.zeros(200, dtype=int), np.ones(100, dtype=int)]
    info = not_bought(even, labels, 2, [None, MOSTLY_NO_ORDERS_BROWSING_NOUN])[1]
    assert not info["medians"]
    assert "ordered, 1 order and a net spend of 40.00 each on average." in (
        not_bought_sentence(info)
    )

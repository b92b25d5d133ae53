"""Each Qini coefficient of `promopilot uplift` comes with a bootstrap interval: wide on a few
dozen customers, narrow on thousands, around the coefficient itself."""

from __future__ import annotations

import numpy as np

from promopilot.offers.evaluate import qini_interval
from promopilot.uplift.metrics import qini_auc_score


def _customers(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    treated = (rng.random(n) < 0.5).astype(int)
    trait = rng.random(n)  # the persuadable have a high trait; the model knows it
    bought = (rng.random(n) < 0.05 + 0.2 * treated * trait).astype(int)
    return bought, trait + rng.normal(0, 0.3, n), treated


def test_the_interval_holds_the_qini_and_narrows_with_more_customers():
    widths = []
    for n in (120, 12_000):
        y, u, t = _customers(n)
        low, high = qini_interval(y, u, t, confidence=0.9)
        assert low <= qini_auc_score(y, u, t) <= high
        widths.append(high - low)
    assert widths[0] > 4 * widths[1]


def test_the_interval_is_seeded_and_keeps_both_groups():
    y, u, t = _customers(300, seed=1)
    assert qini_interval(y, u, t, confidence=0.9) == qini_interval(y, u, t, confidence=0.9)
    narrow = qini_interval(y, u, t, confidence=0.5)
    wide = qini_interval(y, u, t, confidence=0.95)
    assert wide[0] <= narrow[0] <= narrow[1] <= wide[1]


def test_a_model_that_knows_nothing_has_an_interval_around_zero():
    rng = np.random.default_rng(2)
    n = 4_000
    t = (rng.random(n) < 0.5).astype(int)
    y = (rng.random(n) < 0.1).astype(int)
    low, high = qini_interval(y, rng.random(n), t, confidence=0.9)
    assert low < 0 < high


def test_every_held_out_score_has_an_interval_from_the_same_resamples():
    from promopilot.offers.evaluate import held_out_scores, score_intervals

    y, u, t = _customers(2_000, seed=3)
    scorers = held_out_scores(0.3)
    assert list(scorers) == ["qini", "auuc", "uplift_at_30"]
    intervals = score_intervals(y, u, t, scorers, confidence=0.9)
    for name, scorer in scorers.items():
        low, high = intervals[name]
        assert low <= scorer(y, u, t) <= high and low < high
    # the Qini's interval is the one qini_interval gives: the same resamples
    assert intervals["qini"] == qini_interval(y, u, t, confidence=0.9)
    # the model finds the persuadable: the top 30% gain, and the interval says so
    assert intervals["uplift_at_30"][0] > 0


def test_a_score_no_resample_defines_has_no_interval():
    from promopilot.offers.evaluate import score_intervals

    y, u, t = _customers(200, seed=4)
    intervals = score_intervals(
        y, u, t, {"never": lambda *_: float("nan")}, confidence=0.9, n_boot=20
    )
    assert all(np.isnan(intervals["never"]))

"""Helpers of the data layer's named queries."""

from __future__ import annotations

import pandas as pd
import pytest

from promopilot.data.queries import settled


def test_settled_rounds_only_floats_so_parallel_sums_agree():
    # two orders of adding the same numbers: equal once settled, ints and text untouched
    a = pd.DataFrame({"x": [0.1 + 0.2, 1e6 / 3], "n": [1, 2], "s": ["a", "b"]})
    b = pd.DataFrame({"x": [0.3, 1e6 / 3 + 1e-10], "n": [1, 2], "s": ["a", "b"]})
    assert not a["x"].equals(b["x"])
    pd.testing.assert_frame_equal(settled(a), settled(b))
    assert settled(a)["x"].iloc[1] == pytest.approx(1e6 / 3, abs=1e-9)

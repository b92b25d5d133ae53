"""The plan file's propensities are written to 6 significant digits (offers.finish.significant),
in one vectorised pass that gives what Python's own rounding to 6 significant digits gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from promopilot.offers.finish import significant

# values under 1e-290 are kept as they are (10**d would overflow): none is a plan's figure
FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) >= 1e-290
)


@given(st.lists(FINITE, min_size=1, max_size=50))
def test_significant_digits_are_those_python_writes(values):
    got = significant(pd.Series(values), 6).to_numpy()
    expected = np.array([float(f"{v:.6g}") for v in values])
    assert np.array_equal(got, expected) or np.allclose(got, expected, rtol=1e-15, atol=0)


def test_noise_zero_and_missing():
    got = significant(pd.Series([0.8674999999999999, 0.0, np.nan, 1234567.891]), 6)
    assert got.iloc[0] == 0.8675 and repr(float(got.iloc[0])) == "0.8675"
    assert got.iloc[1] == 0.0 and np.isnan(got.iloc[2]) and got.iloc[3] == 1234570.0

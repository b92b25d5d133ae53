"""Weeks and months a chart draws that the data cover only in part: the first, where the data
begin after its first day, and the last, where they end before its last day. Their sums are
lower than a whole period's for that reason alone, so the charts draw them pale and say so."""

from __future__ import annotations

import pandas as pd

PALE = 0.4  # opacity of a period the data cover only in part


def partial_periods(frame: pd.DataFrame, period: str, length: pd.DateOffset) -> list[bool]:
    """Per row of `frame` (sorted by `period`, the period's first day, with the ``first_day``
    and ``last_day`` that hold data): whether the data cover it only in part. Only the first
    and the last can be: a period between them has data on either side."""
    flags = [False] * len(frame)
    if not len(frame):
        return flags
    starts = pd.to_datetime(frame[period])
    if pd.to_datetime(frame["first_day"].iloc[0]) > starts.iloc[0]:
        flags[0] = True
    if pd.to_datetime(frame["last_day"].iloc[-1]) < starts.iloc[-1] + length - pd.Timedelta(days=1):
        flags[-1] = True
    return flags


def partial_note(frame: pd.DataFrame, flags: list[bool], template: str) -> str:
    """`template` with ``{periods}``: each partial period as the days it has data, ``first ..
    last``; empty where every period is whole."""
    spans = [
        f"{pd.Timestamp(row.first_day):%Y-%m-%d} .. {pd.Timestamp(row.last_day):%Y-%m-%d}"
        for row, partial in zip(frame.itertuples(), flags, strict=True)
        if partial
    ]
    return template.format(periods=", ".join(spans)) if spans else ""

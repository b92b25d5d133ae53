"""Named SQL queries of the data layer, one module per area (ingest, features, campaigns,
delivery, ...): functions that take a :class:`~promopilot.data.store.Store` and plain Python
values and return pandas frames or numbers."""

from __future__ import annotations

import pandas as pd

DECIMALS = 9


def settled(frame: pd.DataFrame, decimals: int = DECIMALS) -> pd.DataFrame:
    """`frame` with its float columns rounded to `decimals` places: the last bits of a
    parallel sum or average follow the order DuckDB's threads finished in, and the same data
    must give the same features, models and plan on every run."""
    floats = frame.select_dtypes("float").columns
    if len(floats):
        frame[floats] = frame[floats].round(decimals)
    return frame

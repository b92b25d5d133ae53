"""RFM segments: quintile scores and the marketing-standard grid of segment names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.words import noun_for
from promopilot.exceptions import InputError

# --------------------------------------------------------------------------- RFM

RFM_SEGMENTS = (
    "Champions",
    "Loyal",
    "Potential loyalist",
    "New",
    "At risk",
    "Can't lose",
    "Hibernating",
    "Lost",
)
NO_PURCHASES = "No purchases"
"""Segment of customers without any purchase (frequency 0) nor return; they get no R/F/M
scores."""
RETURNS_ONLY = "Returns only"
"""Segment of customers without any purchase but with returns or credits (frequency 0,
``n_returns`` above 0: UCI Online Retail's customers whose only lines are credit notes, of
purchases made before its data begin). Their net revenue is below 0, which "No purchases"
did not explain (UCI: -315.49 per customer); no R/F/M scores either."""

_GRID_ROWS = {  # R score -> names for F score 1..5
    5: ("New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"),
    4: ("New", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"),
    3: ("Hibernating", "Hibernating", "Potential loyalist", "Loyal", "Loyal"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"),
    1: ("Lost", "Lost", "At risk", "At risk", "Can't lose"),
}
RF_GRID: dict[tuple[int, int], str] = {
    (rs, fs): name for rs, names in _GRID_ROWS.items() for fs, name in enumerate(names, start=1)
}
"""(R score, F score) -> segment name.

The widely used 5x5 recency/frequency grid, with its eleven cells merged into eight names::

            F=1          F=2                 F=3                 F=4        F=5
    R=5     New          Potential loyalist  Potential loyalist  Champions  Champions
    R=4     New          Potential loyalist  Potential loyalist  Loyal      Loyal
    R=3     Hibernating  Hibernating         Potential loyalist  Loyal      Loyal
    R=2     Hibernating  Hibernating         At risk             At risk    Can't lose
    R=1     Lost         Lost                At risk             At risk    Can't lose

(The eleven-cell original calls R=4,F=1 "Promising", R=3,F=1-2 "About to sleep" and
R=3,F=3 "Need attention"; they are folded into New, Hibernating and Potential loyalist.)
"""


def _quintile_score(values: np.ndarray, *, higher_is_better: bool) -> np.ndarray:
    """Scores 1..5: ``1 + floor(5 * share of customers strictly worse)``.

    Tied customers share a score -- the one of the lowest place their tie occupies, so a
    score is only earned by beating other customers (e.g. when most customers bought exactly
    once, all one-time buyers get F = 1).
    """
    n = values.shape[0]
    key = values if higher_is_better else -values
    worse = pd.Series(key).rank(method="min").to_numpy() - 1.0  # customers strictly worse
    return (1 + np.floor(5.0 * worse / n)).clip(1, 5).astype(np.int64)


def rfm_scores(
    df: pd.DataFrame,
    *,
    recency_col: str = "recency_days",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
    returns_col: str = "n_returns",
) -> pd.DataFrame:
    """R, F and M quintile scores (1..5) and the RFM segment name of every customer.

    Parameters
    ----------
    df : DataFrame
        One row per customer with ``recency_days`` (days since last purchase), ``frequency``
        (number of purchases, 0 for none) and ``monetary`` (spend).
    recency_col, frequency_col, monetary_col : str
        Column names, if different.
    returns_col : str
        Returns (lines or orders) per customer, where the table has them: customers without a
        purchase but with a return are :data:`RETURNS_ONLY`.

    Returns
    -------
    DataFrame indexed like ``df`` with ``r_score``, ``f_score``, ``m_score`` (nullable ints,
    missing for customers without purchases) and ``rfm_segment``.

    Notes
    -----
    Scores are computed among the customers with at least one purchase: recency scores 5 for
    the most recent fifth, frequency and monetary score 5 for the highest fifth (ties: see
    :func:`_quintile_score`). Customers with ``frequency == 0`` are :data:`NO_PURCHASES`, or
    :data:`RETURNS_ONLY` where they returned something (``returns_col``).
    The segment uses only (R, F) via :data:`RF_GRID`; M is returned for ranking within a
    segment.
    """
    missing = [c for c in (recency_col, frequency_col, monetary_col) if c not in df.columns]
    if missing:
        raise InputError(
            f"customer table lacks {noun_for(len(missing), 'column')} for RFM: {', '.join(missing)}"
        )
    freq = pd.to_numeric(df[frequency_col], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(freq).any():
        raise InputError(f"column {frequency_col} has missing or non-numeric values")
    if (freq < 0).any():
        raise InputError(f"column {frequency_col} must be >= 0")
    rec = pd.to_numeric(df[recency_col], errors="coerce").to_numpy(dtype=np.float64)
    mon = pd.to_numeric(df[monetary_col], errors="coerce").to_numpy(dtype=np.float64)
    buyers = freq > 0
    if np.isnan(rec[buyers]).any():
        raise InputError(f"column {recency_col} is missing for customers with purchases")
    if np.isnan(mon[buyers]).any():
        raise InputError(f"column {monetary_col} is missing for customers with purchases")
    n = len(df)
    r_score = np.zeros(n, dtype=np.int64)
    f_score = np.zeros(n, dtype=np.int64)
    m_score = np.zeros(n, dtype=np.int64)
    segment = np.full(n, NO_PURCHASES, dtype=object)
    if returns_col in df.columns:  # credited, never bought: their net revenue is below 0
        returned = pd.to_numeric(df[returns_col], errors="coerce").fillna(0).to_numpy() > 0
        segment[~buyers & returned] = RETURNS_ONLY
    if buyers.any():
        r_score[buyers] = _quintile_score(rec[buyers], higher_is_better=False)
        f_score[buyers] = _quintile_score(freq[buyers], higher_is_better=True)
        m_score[buyers] = _quintile_score(mon[buyers], higher_is_better=True)
        lookup = np.empty((6, 6), dtype=object)
        for (rs, fs), name in RF_GRID.items():
            lookup[rs, fs] = name
        segment[buyers] = lookup[r_score[buyers], f_score[buyers]]
    out = pd.DataFrame(
        {
            "r_score": pd.array(np.where(buyers, r_score, 0), dtype="Int64"),
            "f_score": pd.array(np.where(buyers, f_score, 0), dtype="Int64"),
            "m_score": pd.array(np.where(buyers, m_score, 0), dtype="Int64"),
            "rfm_segment": segment,
        },
        index=df.index,
    )
    for col in ("r_score", "f_score", "m_score"):
        out.loc[~buyers, col] = pd.NA
    return out


def rfm_segments(
    df: pd.DataFrame,
    *,
    recency_col: str = "recency_days",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
    returns_col: str = "n_returns",
) -> pd.Series:
    """Classic RFM segment name of every customer (see :func:`rfm_scores` and :data:`RF_GRID`).

    Returns
    -------
    Series named ``rfm_segment`` indexed like ``df``; values are :data:`RFM_SEGMENTS`,
    :data:`NO_PURCHASES` or :data:`RETURNS_ONLY`.
    """
    return rfm_scores(
        df,
        recency_col=recency_col,
        frequency_col=frequency_col,
        monetary_col=monetary_col,
        returns_col=returns_col,
    )["rfm_segment"]

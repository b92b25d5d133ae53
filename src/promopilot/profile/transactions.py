"""Per-customer frequency / recency / T / monetary value from a transaction table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from promopilot.data.words import noun_for
from promopilot.exceptions import InputError


def _as_day(ts: Any, tz: Any, name: str) -> np.datetime64:
    """Calendar day of ``ts`` as a naive datetime64, read in time zone ``tz`` when it has one."""
    try:
        out = pd.Timestamp(ts)
    except (TypeError, ValueError):
        raise InputError(f"{name} is not a date: {ts!r}") from None
    if out.tzinfo is not None:
        out = out.tz_convert(tz).tz_localize(None) if tz is not None else out.tz_convert(None)
    return out.floor("D").to_datetime64()


def summary_from_transactions(
    df: pd.DataFrame,
    customer_col: str,
    time_col: str,
    value_col: str | None,
    *,
    as_of: Any,
    time_unit_days: float = 1.0,
    calibration_end: Any = None,
) -> pd.DataFrame:
    """Per-customer frequency / recency / T / monetary value from a transaction table.

    Definitions follow Fader & Hardie (and the ``lifetimes`` package):

    * a purchase occasion is a calendar day; all transactions of a customer on one day are one
      occasion, with their values summed;
    * ``frequency`` = number of occasions after the first (repeat purchases);
    * ``recency`` = days from first to last occasion, divided by ``time_unit_days``;
    * ``T`` = days from first occasion to the end of the period, divided by ``time_unit_days``;
    * ``monetary_value`` = mean value of the repeat occasions (the first one is excluded;
      0 when there are none).

    The period ends at ``calibration_end`` when given, else at ``as_of`` (day inclusive).
    Transactions after ``as_of`` are ignored; customers whose first purchase is after the end
    of the period are left out.

    Parameters
    ----------
    df : DataFrame
        One row per transaction (or order line).
    customer_col, time_col : str
        Customer id and timestamp columns.
    value_col : str or None
        Transaction value column; None gives ``monetary_value`` = 0.
    as_of : date-like
        Last day of the observation.
    time_unit_days : float, default 1
        7 gives recency/T in weeks.
    calibration_end : date-like, optional
        End of the calibration period. The result then also has ``frequency_holdout``
        (occasions in ``(calibration_end, as_of]``), ``monetary_value_holdout`` (their mean
        value, 0 when none) and ``duration_holdout`` (length of that window in time units).

    Returns
    -------
    DataFrame indexed by customer id (sorted) with columns ``frequency`` (int), ``recency``,
    ``T``, ``monetary_value`` and, with ``calibration_end``, the holdout columns.
    """
    needed = [customer_col, time_col] + ([value_col] if value_col is not None else [])
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(
            f"transactions table lacks {noun_for(len(missing), 'column')}: {', '.join(missing)}"
        )
    if time_unit_days <= 0:
        raise InputError(f"time_unit_days must be > 0, got {time_unit_days}")
    try:
        times = pd.to_datetime(df[time_col])
    except (TypeError, ValueError):
        raise InputError(f"column {time_col} does not hold dates") from None
    if times.isna().any():
        raise InputError(f"column {time_col} has missing timestamps")
    tz = times.dt.tz
    if tz is not None:  # calendar days are the shop's local days
        times = times.dt.tz_localize(None)
    as_of_day = _as_day(as_of, tz, "as_of")
    end_day = (
        as_of_day if calibration_end is None else _as_day(calibration_end, tz, "calibration_end")
    )
    if end_day > as_of_day:
        raise InputError("calibration_end must not be after as_of")
    if value_col is not None:
        values = pd.to_numeric(df[value_col], errors="coerce")
        if values.isna().any():
            raise InputError(f"column {value_col} has missing or non-numeric values")
        values = values.to_numpy(dtype=np.float64)
    else:
        values = np.zeros(len(df))
    tx = pd.DataFrame(
        {"c": df[customer_col].to_numpy(), "d": times.dt.floor("D").to_numpy(), "v": values}
    )
    tx = tx[tx["d"].to_numpy() <= as_of_day]
    daily = tx.groupby(["c", "d"], sort=True, observed=True)["v"].sum().reset_index()

    calib = daily[daily["d"].to_numpy() <= end_day]
    g = calib.groupby("c", sort=True, observed=True)
    first = g["d"].min()
    last = g["d"].max()
    n_occ = g["d"].size().to_numpy()
    total = g["v"].sum().to_numpy()
    first_value = g["v"].first().to_numpy()  # rows are sorted by day within customer
    frequency = (n_occ - 1).astype(np.int64)
    one_day = np.timedelta64(1, "D")
    first_d = first.to_numpy()
    recency = (last.to_numpy() - first_d) / one_day / time_unit_days
    age = (end_day - first_d) / one_day / time_unit_days
    monetary = np.where(frequency > 0, (total - first_value) / np.maximum(frequency, 1), 0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": recency.astype(np.float64),
            "T": age.astype(np.float64),
            "monetary_value": monetary.astype(np.float64),
        },
        index=first.index,
    )
    out.index.name = customer_col
    if calibration_end is not None:
        hold = daily[daily["d"].to_numpy() > end_day]
        hg = hold.groupby("c", sort=True, observed=True)["v"]
        out["frequency_holdout"] = hg.size().reindex(out.index, fill_value=0).astype(np.int64)
        out["monetary_value_holdout"] = (
            hg.mean().reindex(out.index, fill_value=0.0).astype(np.float64)
        )
        out["duration_holdout"] = float((as_of_day - end_day) / one_day) / time_unit_days
    return out

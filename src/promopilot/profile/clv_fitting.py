"""Shared pieces of the CLV model fits: input checks, row compression, the optimizer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from promopilot.exceptions import InputError, NotEnoughDataError

_LOG_BOUND = 18.0  # log-parameters are kept in [-18, 18] (1.5e-8 .. 6.6e7)
_WARM_START_ROWS = 50_000  # above this many distinct rows, starting points come from a subsample

ArrayLike = Sequence[float] | np.ndarray | pd.Series | float


# --------------------------------------------------------------------------- helpers


def _vector(name: str, values: Any, *, allow_scalar: bool = False) -> np.ndarray:
    """Return ``values`` as a float64 array, refusing NaN/inf with a message naming it."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0 and not allow_scalar:
        arr = arr.reshape(1)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} contains missing or infinite values")
    return arr


def _check_rfm(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _vector("frequency", frequency)
    tx = _vector("recency", recency)
    big_t = _vector("T", T)
    try:
        x, tx, big_t = np.broadcast_arrays(x, tx, big_t)
    except ValueError:
        raise InputError("frequency, recency and T must have the same length") from None
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise InputError("frequency must hold non-negative whole numbers (repeat purchases)")
    if np.any(tx < 0):
        raise InputError("recency must be >= 0")
    if np.any(tx > big_t * (1 + 1e-9) + 1e-9):
        raise InputError("recency must not exceed T (a purchase after the end of the period)")
    if np.any((x == 0) & (tx != 0)):
        raise InputError("recency must be 0 for customers with frequency 0")
    return x, tx, big_t


def _compress(
    *columns: np.ndarray, weights: np.ndarray | None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Collapse identical rows of ``columns`` into unique rows with summed weights."""
    n = columns[0].shape[0]
    w = np.ones(n) if weights is None else weights
    codes = []
    uniques = []
    for col in columns:
        u, inv = np.unique(col, return_inverse=True)
        uniques.append(u)
        codes.append(inv.astype(np.int64))
    sizes = [len(u) for u in uniques]
    if math.prod(sizes) < 2**62:
        key = codes[0]
        for code, size in zip(codes[1:], sizes[1:], strict=False):
            key = key * size + code
        ukey, inv = np.unique(key, return_inverse=True)
        out_codes = []
        rest = ukey
        for size in reversed(sizes[1:]):
            out_codes.append(rest % size)
            rest = rest // size
        out_codes.append(rest)
        out_codes.reverse()
    else:  # pragma: no cover - only for astronomically many distinct values
        stacked = np.stack(codes, axis=1)
        urows, inv = np.unique(stacked, axis=0, return_inverse=True)
        out_codes = [urows[:, j] for j in range(urows.shape[1])]
    counts = np.bincount(inv.ravel(), weights=w)
    return [u[c] for u, c in zip(uniques, out_codes, strict=False)], counts


def _check_weights(weights: Any, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = _vector("weights", weights)
    if w.shape != (n,):
        raise InputError(f"weights must have one value per customer ({n}), got shape {w.shape}")
    if np.any(w < 0):
        raise InputError("weights must be >= 0")
    if w.sum() <= 0:
        raise InputError("weights must not all be zero")
    return w


_POLISH_EVALUATIONS_PER_PARAMETER = 200
"""The Nelder-Mead polish's budget: scipy's default (``maxfev = 200 * n``)."""


def _minimize(fun, starts: list[np.ndarray], bounds) -> optimize.OptimizeResult:
    """L-BFGS-B (analytic gradient) from several starts; Nelder-Mead polish if it did not converge.

    ``fun(theta)`` returns ``(value, gradient)``; the value is a per-customer mean, so a
    relative tolerance of 1e-12 is about the rounding noise of the sum.

    L-BFGS-B fails (an abnormal line search) mostly where the likelihood keeps rising towards
    a degenerate limit, e.g. BG/NBD's ``a, b -> inf`` at a fixed ``a / (a + b)`` (everyone
    drops out with the same probability). Out there the value is a difference of terms near
    ``1e7`` and carries rounding noise near ``1e-8``: the polish's simplex shrinks to a point
    within ``xatol`` in a few hundred evaluations, but its values never agree within
    ``fatol``. Its budget is therefore scipy's default, 200 evaluations per parameter, not an
    iteration cap: with ``maxiter=4000`` alone (and so no evaluation cap), it ran out the
    4000 iterations, about 23,000 evaluations (5 s for 300 customers), to return the point
    it had reached after 800.

    The result's ``n_evaluations`` counts the likelihood evaluations of all runs.
    """
    n_evaluations = 0

    def counted(theta: np.ndarray):
        nonlocal n_evaluations
        n_evaluations += 1
        return fun(theta)

    best = None
    for start in starts:
        try:
            res = optimize.minimize(
                counted,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-8},
            )
        except (FloatingPointError, ValueError):  # pragma: no cover - defensive
            continue
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise NotEnoughDataError("the likelihood could not be evaluated at any starting point")
    if not best.success:
        polished = optimize.minimize(
            lambda th: counted(th)[0],
            best.x,
            method="Nelder-Mead",
            bounds=bounds,
            options={
                "maxfev": _POLISH_EVALUATIONS_PER_PARAMETER * len(best.x),
                "xatol": 1e-8,
                "fatol": 1e-13,
            },
        )
        if np.isfinite(polished.fun) and polished.fun <= best.fun:
            best = polished
    best.n_evaluations = n_evaluations
    return best

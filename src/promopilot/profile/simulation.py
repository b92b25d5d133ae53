"""Customers drawn from a BG/NBD model, for tests, benchmarks and synthetic shops."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.profile.clv_fitting import ArrayLike


def simulate_bgnbd(
    n: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: ArrayLike,
    holdout: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Draw customers from a BG/NBD model (for tests, benchmarks and synthetic shops).

    Parameters
    ----------
    n : int
        Number of customers.
    r, alpha, a, b : float
        Model parameters.
    T : float or array-like of shape (n,)
        Observation length of each customer (time since first purchase).
    holdout : float, default 0
        Length of a future window after ``T``; adds ``frequency_holdout``.
    random_state : int or Generator, optional

    Returns
    -------
    DataFrame with ``frequency``, ``recency``, ``T``, ``alive`` (still active at ``T``) and,
    when ``holdout > 0``, ``frequency_holdout``.
    """
    rng = np.random.default_rng(random_state)
    big_t = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
    lam = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    # dropout happens right after the K-th repeat purchase
    k = rng.geometric(np.clip(p, 1e-12, 1.0))
    arrivals = rng.poisson(lam * big_t)
    x = np.minimum(arrivals, k)
    # the x-th of `arrivals` uniform arrival times in (0, T]
    has = x > 0
    tx = np.zeros(n)
    tx[has] = big_t[has] * rng.beta(x[has], arrivals[has] - x[has] + 1)
    alive = arrivals < k
    out = pd.DataFrame({"frequency": x.astype(np.int64), "recency": tx, "T": big_t, "alive": alive})
    if holdout > 0:
        future = np.where(alive, np.minimum(rng.poisson(lam * holdout), k - x), 0)
        out["frequency_holdout"] = future.astype(np.int64)
    return out

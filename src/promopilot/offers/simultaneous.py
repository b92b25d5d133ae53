"""Intervals for several candidate policies at once, so that choosing the best of them does
not let noise through.

The self-check values each candidate policy on the same logged campaign and targets with the
one whose lower bound is highest, when that bound is above zero. With a plain normal bound per
candidate (z = 1.645 at 90%), the best of four passes on pure noise more often than one in
twenty. The bounds here hold for all candidates together: the critical value is the
``0.5 + confidence / 2`` quantile of ``max_k Z_k``, ``Z ~ N(0, R)``, where ``R`` is the
correlation of the candidates' per-exposure doubly robust values (their means' correlation).
Candidates that send nearly the same offers move together and cost little; four independent
ones cost as much as Bonferroni (z = 2.24 at 90%); one alone gets the plain z.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from promopilot.campaigns.ope import OutcomeModel

DRAWS = 20_000


def simultaneous_z(
    values: np.ndarray, confidence: float, *, draws: int = DRAWS, random_state: int = 0
) -> float:
    """One-sided critical value for the means of the columns of `values` (rows x candidates)
    at once (see the module docstring); columns without spread do not count."""
    plain = float(ndtri(0.5 + confidence / 2))
    values = np.asarray(values, dtype=float)
    live = values[:, values.std(axis=0) > 0]
    if live.shape[1] <= 1 or live.shape[0] < 3:
        return plain
    corr = np.corrcoef(live, rowvar=False)
    eigen, vectors = np.linalg.eigh(corr)
    root = vectors * np.sqrt(np.clip(eigen, 0.0, None))
    z = np.random.default_rng(random_state).standard_normal((draws, live.shape[1])) @ root.T
    return max(plain, float(np.quantile(z.max(axis=1), 0.5 + confidence / 2)))


def candidate_intervals(
    frame: pd.DataFrame,
    arms: dict[str, np.ndarray],
    *,
    features: tuple[str, ...],
    confidence: float,
    random_state: int = 0,
) -> tuple[pd.DataFrame, float]:
    """Doubly robust incremental profit per exposure of each candidate (`arms`: its arm per
    row of `frame`, see :func:`promopilot.offers.selfcheck.dr_frame`; the outcome model reads
    the `features` columns), with bounds that hold for all candidates together: a frame
    (``policy``, ``estimate``, ``low``, ``high``, ``std_error``) and the critical value used."""
    model = OutcomeModel(frame, features, "profit", random_state=random_state)
    names = list(arms)
    values = np.column_stack([model.dr_values(arms[name]) for name in names])
    z = simultaneous_z(values, confidence, random_state=random_state)
    n = len(values)
    estimate = values.mean(axis=0)
    se = values.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(names), np.nan)
    table = pd.DataFrame(
        {
            "policy": names,
            "estimate": estimate,
            "low": estimate - z * se,
            "high": estimate + z * se,
            "std_error": se,
        }
    )
    return table, z

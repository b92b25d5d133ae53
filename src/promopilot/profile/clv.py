"""Customer-lifetime-value models: BG/NBD purchase counts, Gamma-Gamma spend, discounted CLV.

The models follow the "buy till you die" literature:

* BG/NBD -- Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative
  to the Pareto/NBD model", Marketing Science 24(2). While active, a customer buys at a
  Poisson rate ``lambda ~ Gamma(r, alpha)``; after every *repeat* purchase they drop out with
  probability ``p ~ Beta(a, b)``.
* Gamma-Gamma -- Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
  base analysis", and Fader & Hardie (2013), "The Gamma-Gamma model of monetary value". The
  value of one transaction is ``Gamma(p, nu)``, with ``nu ~ Gamma(q, gamma)`` across customers.

Inputs use the usual summary per customer (see :func:`summary_from_transactions`):

``frequency``
    number of repeat purchase occasions (distinct purchase days after the first one);
``recency``
    age of the customer at their last purchase (time from first to last purchase);
``T``
    age of the customer at the end of the observation period (time from first purchase);
``monetary_value``
    mean value of the repeat purchase occasions (0 when ``frequency`` is 0).

Time is in an arbitrary unit (days, weeks) that must be the same for fitting and prediction.
The models live in :mod:`~promopilot.profile.bgnbd` and
:mod:`~promopilot.profile.gamma_gamma`, the summary in :mod:`~promopilot.profile.transactions`,
the simulation in :mod:`~promopilot.profile.simulation`; this module computes the discounted CLV
and gathers their public names. Only numpy and scipy are used; the fits are plain maximum
likelihood over log-parameters with analytic gradients, so one million customers fit in a few
seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from promopilot.exceptions import InputError
from promopilot.profile.bgnbd import BetaGeoModel, _alive_expectation, _p_alive
from promopilot.profile.clv_fitting import ArrayLike, _check_rfm, _compress
from promopilot.profile.gamma_gamma import GammaGammaModel
from promopilot.profile.simulation import simulate_bgnbd
from promopilot.profile.transactions import summary_from_transactions

__all__ = [
    "DAYS_PER_MONTH",
    "BetaGeoModel",
    "GammaGammaModel",
    "customer_lifetime_value",
    "simulate_bgnbd",
    "summary_from_transactions",
]

DAYS_PER_MONTH = 365.25 / 12
"""Length of the month used to discount CLV (30.44 days)."""


def customer_lifetime_value(
    bg: BetaGeoModel,
    gg: GammaGammaModel,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon_days: float = 365.0,
    time_unit_days: float = 1.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> np.ndarray:
    """Discounted expected value of each customer's purchases over the next ``horizon_days``.

    The horizon is cut into months of :data:`DAYS_PER_MONTH` days (the last one possibly
    shorter). Purchases expected in month ``i`` (BG/NBD, conditional on the history) are valued
    at the Gamma-Gamma expected transaction value times ``margin`` and discounted by
    ``(1 + discount_rate) ** -(end of month i in months)``, as in Fader, Hardie & Lee (2005).

    Parameters
    ----------
    bg, gg : fitted :class:`BetaGeoModel` and :class:`GammaGammaModel`
    frequency, recency, T, monetary_value : array-like of shape (n,)
        Summary per customer, in the time unit ``bg`` was fitted in.
    horizon_days : float, default 365
        Length of the future window in days.
    time_unit_days : float, default 1
        Length of the model's time unit in days (7 when recency/T are in weeks).
    discount_rate : float, default 0.01
        Discount rate per month (0.01 ~ 12.7% a year).
    margin : float, default 1.0
        Share of revenue kept as profit; 1.0 gives CLV in revenue.

    Returns
    -------
    numpy.ndarray of shape (n,)
    """
    if horizon_days < 0:
        raise InputError(f"horizon_days must be >= 0, got {horizon_days}")
    if time_unit_days <= 0:
        raise InputError(f"time_unit_days must be > 0, got {time_unit_days}")
    if discount_rate <= -1:
        raise InputError(f"discount_rate must be > -1, got {discount_rate}")
    x, tx, big_t = _check_rfm(frequency, recency, T)
    bg._check_fitted()
    value = gg.expected_average_value(x, monetary_value) * margin
    params = (bg.r_, bg.alpha_, bg.a_, bg.b_)
    p_alive = _p_alive(x, tx, big_t, *params)
    # the purchase curve of an active customer depends on (x, T) only: evaluate it once per pair
    (xu, tu), _ = _compress(x, big_t, weights=None)
    pair_index = pd.MultiIndex.from_arrays([xu, tu]).get_indexer(
        pd.MultiIndex.from_arrays([x, big_t])
    )
    n_steps = max(math.ceil(horizon_days / DAYS_PER_MONTH - 1e-9), 0)
    total = np.zeros_like(xu)
    previous = np.zeros_like(xu)
    for i in range(1, n_steps + 1):
        end_days = min(i * DAYS_PER_MONTH, horizon_days)
        cum = _alive_expectation(end_days / time_unit_days, xu, tu, *params)
        total += (cum - previous) * (1.0 + discount_rate) ** (-end_days / DAYS_PER_MONTH)
        previous = cum
    return total[pair_index] * p_alive * value

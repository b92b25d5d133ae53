"""The Gamma-Gamma model of the mean value of a customer's repeat transactions.

Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
and Fader & Hardie (2013), "The Gamma-Gamma model of monetary value". The value of one
transaction is ``Gamma(p, nu)``, with ``nu ~ Gamma(q, gamma)`` across customers.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special
from sklearn.base import BaseEstimator

from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.profile.clv_fitting import (
    _LOG_BOUND,
    _WARM_START_ROWS,
    ArrayLike,
    _check_weights,
    _minimize,
    _vector,
)


def _gamma_gamma_nll(xs: np.ndarray, ms: np.ndarray, ws: np.ndarray):
    """Mean negative log-likelihood of the Gamma-Gamma model and its gradient in log-parameters.

    The mean ``m`` of ``x`` repeat values has density
    ``Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q * x^(px) * m^(px-1) / (gamma + x m)^(px+q)``.
    """
    log_m = np.log(ms)
    log_x = np.log(xs)
    xm = xs * ms
    w_total = float(ws.sum())
    # the gamma functions of p * x are taken on x's few distinct values (repeat purchases)
    # and gathered: the same numbers as row by row, at a fraction of the cost
    xu, xi = np.unique(xs, return_inverse=True)

    def nll(theta: np.ndarray):
        p, q, g = np.exp(theta)
        px = p * xs
        pu = p * xu
        log_gxm = np.log(g + xm)
        rows = (
            special.gammaln(pu + q)[xi]
            - special.gammaln(pu)[xi]
            - special.gammaln(q)
            + q * math.log(g)
            + (px - 1.0) * log_m
            + px * log_x
            - (px + q) * log_gxm
        )
        ll = float(ws @ rows)
        dig_pxq = special.digamma(pu + q)[xi]
        d_p = float(ws @ (xs * (dig_pxq - special.digamma(pu)[xi] + log_m + log_x - log_gxm)))
        d_q = float(ws @ (dig_pxq - special.digamma(q) + math.log(g) - log_gxm))
        d_g = float(ws @ (q / g - (px + q) / (g + xm)))
        grad = -np.array([d_p * p, d_q * q, d_g * g]) / w_total
        return -ll / w_total, grad

    return nll


class GammaGammaModel(BaseEstimator):
    """Gamma-Gamma model of the mean value of a customer's repeat transactions.

    Parameters
    ----------
    min_customers : int, default 5
        ``fit`` raises :class:`~promopilot.exceptions.NotEnoughDataError` with fewer repeat
        customers (frequency > 0, monetary value > 0) than this.

    Attributes
    ----------
    p_, q_, gamma_ : float
        Transaction value ``~ Gamma(shape=p, rate=nu)``, ``nu ~ Gamma(shape=q, rate=gamma)``.
    log_likelihood_ : float
        Log-likelihood of the observed mean values at the fitted parameters.
    n_customers_ : float
        Customers used (frequency > 0 and monetary value > 0, weighted).
    n_evaluations_ : int
        Likelihood evaluations the fit made (all starts, the subsample's included).

    Notes
    -----
    The model assumes spend per transaction is independent of purchase frequency; check the
    correlation of ``frequency`` and ``monetary_value`` on the repeat customers before relying
    on it. Customers with repeat purchases whose mean value is exactly 0 are left out of the
    fit; negative mean values (net returns) are refused.
    """

    def __init__(self, *, min_customers: int = 5):
        self.min_customers = min_customers

    def fit(
        self, frequency: ArrayLike, monetary_value: ArrayLike, *, weights: ArrayLike | None = None
    ) -> GammaGammaModel:
        """Fit on the customers with ``frequency > 0``; others are ignored.

        Parameters
        ----------
        frequency : array-like of shape (n,)
            Number of repeat purchase occasions.
        monetary_value : array-like of shape (n,)
            Mean value of those repeat purchase occasions.
        weights : array-like of shape (n,), optional

        Returns
        -------
        self
        """
        x = _vector("frequency", frequency)
        m = _vector("monetary_value", monetary_value)
        if x.shape != m.shape:
            raise InputError("frequency and monetary_value must have the same length")
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise InputError("frequency must hold non-negative whole numbers (repeat purchases)")
        w = _check_weights(weights, x.shape[0])
        w = np.ones_like(x) if w is None else w
        repeat = x > 0
        if np.any(repeat & (m < 0)):
            raise InputError("monetary_value must be >= 0 for customers with repeat purchases")
        use = repeat & (m > 0) & (w > 0)
        xs, ms, ws = x[use], m[use], w[use]
        n = float(ws.sum())
        if n < self.min_customers:
            raise NotEnoughDataError(
                f"Gamma-Gamma needs at least {self.min_customers} customers with a repeat purchase "
                f"of positive value, got {n:g}"
            )
        w_total = n
        mean_m = float(ws @ ms) / n
        starts = [
            np.log([1.0, 1.0, 1.0]),
            np.log([2.0, 3.0, max(mean_m, 1e-3)]),
            np.log([5.0, 5.0, max(mean_m, 1e-3) * 2.0]),
        ]
        bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 3
        n_evaluations = 0
        with np.errstate(over="ignore", under="ignore"):
            if xs.shape[0] > _WARM_START_ROWS:
                # multi-start on a weighted subsample, then one run on all rows from its optimum
                rng = np.random.default_rng(0)
                pick = rng.choice(xs.shape[0], size=_WARM_START_ROWS, p=ws / w_total)
                sub_w = np.bincount(pick, minlength=xs.shape[0]).astype(np.float64)
                keep = sub_w > 0
                sub_nll = _gamma_gamma_nll(xs[keep], ms[keep], sub_w[keep])
                warm = _minimize(sub_nll, starts, bounds)
                starts, n_evaluations = [warm.x], warm.n_evaluations
            res = _minimize(_gamma_gamma_nll(xs, ms, ws), starts, bounds)
        p, q, g = (float(v) for v in np.exp(res.x))
        if q <= 1.0:
            raise NotEnoughDataError(
                f"Gamma-Gamma fit gives q = {q:.3g} <= 1: spend is too heavy-tailed for a finite "
                "expected value; use the observed mean spend instead"
            )
        self.p_, self.q_, self.gamma_ = p, q, g
        self.log_likelihood_ = float(-res.fun * w_total)
        self.n_customers_ = n
        self.converged_ = bool(res.success)
        self.n_evaluations_ = n_evaluations + res.n_evaluations
        return self

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> GammaGammaModel:
        """A model with given parameters (e.g. stored from an earlier fit or a paper)."""
        values = np.array([p, q, gamma], dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.any(values <= 0) or q <= 1:
            raise InputError("Gamma-Gamma parameters must be positive, with q > 1")
        model = cls()
        model.p_, model.q_, model.gamma_ = (float(v) for v in values)
        return model

    def _check_fitted(self) -> None:
        if not hasattr(self, "p_"):
            raise NotFittedError("GammaGammaModel is not fitted; call fit() first")

    @property
    def params_(self) -> dict[str, float]:
        """Fitted parameters as a dict ``{"p", "q", "gamma"}``."""
        self._check_fitted()
        return {"p": self.p_, "q": self.q_, "gamma": self.gamma_}

    def expected_average_value(self, frequency: ArrayLike, monetary_value: ArrayLike) -> np.ndarray:
        """Expected mean transaction value given the history (posterior mean).

        ``p * (gamma + x * m) / (p * x + q - 1)``; for ``frequency == 0`` this is the
        population mean ``p * gamma / (q - 1)`` (the observed value is ignored).
        """
        self._check_fitted()
        x = _vector("frequency", frequency)
        m = _vector("monetary_value", monetary_value)
        try:
            x, m = np.broadcast_arrays(x, m)
        except ValueError:
            raise InputError("frequency and monetary_value must have the same length") from None
        if np.any(x < 0):
            raise InputError("frequency must be >= 0")
        m = np.where(x > 0, m, 0.0)
        p, q, g = self.p_, self.q_, self.gamma_
        return p * (g + x * m) / (p * x + q - 1.0)

    def population_mean_value(self) -> float:
        """Mean transaction value of a customer with no history, ``p * gamma / (q - 1)``."""
        self._check_fitted()
        return self.p_ * self.gamma_ / (self.q_ - 1.0)

"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee, 2005).

While active, a customer buys at a Poisson rate ``lambda ~ Gamma(r, alpha)``; after every
*repeat* purchase they drop out with probability ``p ~ Beta(a, b)``. See
:mod:`promopilot.profile.clv` for the inputs (frequency, recency, T).
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
    _check_rfm,
    _check_weights,
    _compress,
    _minimize,
    _vector,
)


class _BGNBDData:
    """Compressed (x, t_x, T) rows with index arrays into their unique values.

    Terms that depend on one column only (gammaln/betaln of x, logs of alpha + T) are
    computed on that column's unique values and gathered, which keeps one likelihood
    evaluation cheap even for a million distinct rows.
    """

    def __init__(self, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray, w: np.ndarray):
        self.w = w
        self.w_total = float(w.sum())
        self.x = x
        self.xu, self.xi = np.unique(x, return_inverse=True)
        self.tu, self.ti = np.unique(tx, return_inverse=True)
        self.Tu, self.Ti = np.unique(big_t, return_inverse=True)
        self.has_repeat_u = self.xu > 0
        self.has_repeat = x > 0

    def neg_loglik(self, theta: np.ndarray, grad: bool = True):
        r, alpha, a, b = np.exp(theta)
        xu = self.xu
        rep_u = self.has_repeat_u
        # per unique x
        g_x = special.gammaln(r + xu) - special.gammaln(r)
        beta_a = special.betaln(a, b + xu)
        with np.errstate(invalid="ignore", divide="ignore"):
            beta_b = np.where(
                rep_u, special.betaln(a + 1.0, np.where(rep_u, b + xu - 1.0, 1.0)), -np.inf
            )
        log_at = np.log(alpha + self.Tu)
        log_atx = np.log(alpha + self.tu)
        rx = r + self.x
        term_a = beta_a[self.xi] - rx * log_at[self.Ti]
        term_b = beta_b[self.xi] - rx * log_atx[self.ti]
        lse = np.logaddexp(term_a, term_b)
        ll_rows = g_x[self.xi] + lse
        w = self.w
        ll = float(w @ ll_rows) + self.w_total * (r * math.log(alpha) - special.betaln(a, b))
        value = -ll / self.w_total
        if not grad:
            return value
        p_a = np.exp(term_a - lse)
        p_b = 1.0 - p_a
        ab = a + b
        dig_ab = special.digamma(ab)
        dig_abx = special.digamma(ab + xu)
        with np.errstate(invalid="ignore", divide="ignore"):
            dig_bx1 = np.where(rep_u, special.digamma(np.where(rep_u, b + xu - 1.0, 1.0)), 0.0)
        # d/dr
        d_r_rows = (special.digamma(r + xu) - special.digamma(r))[self.xi] - (
            p_a * log_at[self.Ti] + p_b * log_atx[self.ti]
        )
        d_r = float(w @ d_r_rows) + self.w_total * math.log(alpha)
        # d/dalpha
        d_alpha_rows = -rx * (p_a / (alpha + self.Tu)[self.Ti] + p_b / (alpha + self.tu)[self.ti])
        d_alpha = float(w @ d_alpha_rows) + self.w_total * r / alpha
        # d/da, d/db
        da_a = (special.digamma(a) - dig_abx)[self.xi]
        da_b = (special.digamma(a + 1.0) - dig_abx)[self.xi]
        d_a = float(w @ (p_a * da_a + p_b * da_b)) - self.w_total * (special.digamma(a) - dig_ab)
        db_a = (special.digamma(b + xu) - dig_abx)[self.xi]
        db_b = (dig_bx1 - dig_abx)[self.xi]
        d_b = float(
            w @ (p_a * db_a + np.where(self.has_repeat, p_b * db_b, 0.0))
        ) - self.w_total * (special.digamma(b) - dig_ab)
        gradient = -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]) / self.w_total
        return value, gradient


def _bgnbd_loglik_rows(x, tx, big_t, r, alpha, a, b) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (used for checks and ``score``)."""
    rx = r + x
    term_a = special.betaln(a, b + x) - rx * np.log(alpha + big_t)
    rep = x > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        term_b = np.where(
            rep,
            special.betaln(a + 1.0, np.where(rep, b + x - 1.0, 1.0)) - rx * np.log(alpha + tx),
            -np.inf,
        )
    return (
        special.gammaln(rx)
        - special.gammaln(r)
        + r * np.log(alpha)
        - special.betaln(a, b)
        + np.logaddexp(term_a, term_b)
    )


class BetaGeoModel(BaseEstimator):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee, 2005).

    Parameters
    ----------
    min_repeat_customers : int, default 5
        ``fit`` raises :class:`~promopilot.exceptions.NotEnoughDataError` when fewer customers
        (by weight) than this made a repeat purchase: the purchase rate and dropout cannot be
        told apart without them.

    Attributes
    ----------
    r_, alpha_, a_, b_ : float
        Fitted parameters: purchase rate ``lambda ~ Gamma(shape=r, rate=alpha)``, dropout
        probability ``p ~ Beta(a, b)``. ``alpha_`` is in the time unit of ``T``.
    log_likelihood_ : float
        Total log-likelihood at the fitted parameters (weighted).
    n_customers_ : float
        Number of customers fitted (sum of weights).
    n_unique_rows_ : int
        Distinct ``(frequency, recency, T)`` rows the likelihood was evaluated on.
    converged_ : bool
        Whether the optimizer reported convergence.
    n_evaluations_ : int
        Likelihood evaluations the fit made (all starts, the subsample's included).

    Examples
    --------
    With ``summary`` from :func:`summary_from_transactions` (note ``summary["T"]``, not the
    transpose ``summary.T``)::

        bg = BetaGeoModel().fit(summary["frequency"], summary["recency"], summary["T"])
        bg.expected_purchases(52, summary["frequency"], summary["recency"], summary["T"])
    """

    def __init__(self, *, min_repeat_customers: int = 5):
        self.min_repeat_customers = min_repeat_customers

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        *,
        weights: ArrayLike | None = None,
    ) -> BetaGeoModel:
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like of shape (n,)
            Per-customer summary (see module docstring). Identical rows are compressed, so
            a million customers cost about as much as their distinct rows.
        weights : array-like of shape (n,), optional
            Number of customers each row stands for (e.g. a pre-aggregated table).

        Returns
        -------
        self
        """
        x, tx, big_t = _check_rfm(frequency, recency, T)
        w = _check_weights(weights, x.shape[0])
        if x.shape[0] == 0:
            raise NotEnoughDataError("BG/NBD needs at least one customer")
        (xc, txc, tc), wc = _compress(x, tx, big_t, weights=w)
        keep = wc > 0
        xc, txc, tc, wc = xc[keep], txc[keep], tc[keep], wc[keep]
        n_repeat = float(wc[xc > 0].sum())
        if n_repeat < self.min_repeat_customers:
            raise NotEnoughDataError(
                f"BG/NBD needs at least {self.min_repeat_customers} customers with a repeat "
                f"purchase, got {n_repeat:g}; use a longer history or a simpler figure"
            )
        if np.all(tc <= 0):
            raise NotEnoughDataError("BG/NBD needs customers observed for some time (all T are 0)")
        data = _BGNBDData(xc, txc, tc, wc)
        mean_x = float(wc @ xc) / data.w_total
        mean_t = max(float(wc @ tc) / data.w_total, 1e-6)
        # crude moment start: E[x] ~ (r / alpha) * T while active
        alpha0 = max(mean_t / max(mean_x, 1e-3), 1e-6)
        starts = [
            np.log([1.0, alpha0, 1.0, 1.0]),
            np.log([0.3, alpha0 * 0.3, 0.8, 2.5]),
            np.log([3.0, alpha0 * 3.0, 2.0, 6.0]),
        ]
        bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 4
        n_evaluations = 0
        with np.errstate(over="ignore", under="ignore"):
            if xc.shape[0] > _WARM_START_ROWS:
                # multi-start on a weighted subsample, then one run on all rows from its optimum
                rng = np.random.default_rng(0)
                pick = rng.choice(xc.shape[0], size=_WARM_START_ROWS, p=wc / data.w_total)
                sub_w = np.bincount(pick, minlength=xc.shape[0]).astype(np.float64)
                keep_sub = sub_w > 0
                sub = _BGNBDData(xc[keep_sub], txc[keep_sub], tc[keep_sub], sub_w[keep_sub])
                warm = _minimize(sub.neg_loglik, starts, bounds)
                starts, n_evaluations = [warm.x], warm.n_evaluations
            res = _minimize(data.neg_loglik, starts, bounds)
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in np.exp(res.x))
        self.log_likelihood_ = float(-res.fun * data.w_total)
        self.n_customers_ = data.w_total
        self.n_repeat_customers_ = n_repeat
        self.n_unique_rows_ = int(xc.shape[0])
        self.converged_ = bool(res.success)
        self.n_evaluations_ = n_evaluations + res.n_evaluations
        return self

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> BetaGeoModel:
        """A model with given parameters (e.g. stored from an earlier fit or a paper)."""
        values = np.array([r, alpha, a, b], dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise InputError("BG/NBD parameters r, alpha, a, b must be positive numbers")
        model = cls()
        model.r_, model.alpha_, model.a_, model.b_ = (float(v) for v in values)
        return model

    def _check_fitted(self) -> None:
        if not hasattr(self, "r_"):
            raise NotFittedError("BetaGeoModel is not fitted; call fit() first")

    @property
    def params_(self) -> dict[str, float]:
        """Fitted parameters as a dict ``{"r", "alpha", "a", "b"}``."""
        self._check_fitted()
        return {"r": self.r_, "alpha": self.alpha_, "a": self.a_, "b": self.b_}

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
        """Per-customer log-likelihood under the fitted parameters."""
        self._check_fitted()
        x, tx, big_t = _check_rfm(frequency, recency, T)
        return _bgnbd_loglik_rows(x, tx, big_t, self.r_, self.alpha_, self.a_, self.b_)

    # ------------------------------------------------------------------ prediction
    def probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> np.ndarray:
        """P(customer still active at ``T`` | history) (FHL 2005, eq. 11).

        Customers without repeat purchases are alive with probability 1 under BG/NBD
        (dropout only happens right after a repeat purchase).
        """
        self._check_fitted()
        x, tx, big_t = _check_rfm(frequency, recency, T)
        return _p_alive(x, tx, big_t, self.r_, self.alpha_, self.a_, self.b_)

    def expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> np.ndarray:
        """Expected number of purchases in ``(T, T + t]`` given the history (FHL 2005, eq. 10).

        Parameters
        ----------
        t : float or array-like
            Length of the future window, in the fitting time unit; broadcast against the
            customer arrays (a column ``t[:, None]`` gives one row per horizon).
        frequency, recency, T : array-like of shape (n,)

        Returns
        -------
        numpy.ndarray
        """
        self._check_fitted()
        x, tx, big_t = _check_rfm(frequency, recency, T)
        t_arr = _vector("t", t, allow_scalar=True)
        if np.any(t_arr < 0):
            raise InputError("t must be >= 0")
        return _conditional_expectation(t_arr, x, tx, big_t, self.r_, self.alpha_, self.a_, self.b_)

    def expected_purchases_new(self, t: ArrayLike) -> np.ndarray | float:
        """Expected number of repeat purchases in ``(0, t]`` for a newly acquired customer
        (eq. 9)."""
        self._check_fitted()
        t_arr = _vector("t", t, allow_scalar=True)
        if np.any(t_arr < 0):
            raise InputError("t must be >= 0")
        zero = np.zeros(1)
        out = _conditional_expectation(
            t_arr, zero, zero, zero, self.r_, self.alpha_, self.a_, self.b_
        )
        if t_arr.ndim == 0:
            return float(np.asarray(out).ravel()[0])
        return out.reshape(t_arr.shape) if out.size == t_arr.size else out


def _p_alive(x, tx, big_t, r, alpha, a, b) -> np.ndarray:
    """P(active at T | x, t_x, T)
    = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    rep = x > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds_dead = np.where(
            rep,
            math.log(a)
            - np.log(np.where(rep, b + x - 1.0, 1.0))
            + (r + x) * (np.log(alpha + big_t) - np.log(alpha + tx)),
            -np.inf,
        )
    return special.expit(-log_odds_dead)


def _conditional_expectation(t, x, tx, big_t, r, alpha, a, b) -> np.ndarray:
    """E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) * E[Y(t) | alive at T, x, T]."""
    return _alive_expectation(t, x, big_t, r, alpha, a, b) * _p_alive(x, tx, big_t, r, alpha, a, b)


def _alive_expectation(t, x, big_t, r, alpha, a, b) -> np.ndarray:
    """E[Y(t) | alive at T, x, T] (FHL 2005, eq. 10 without its P(alive) factor), vectorized.

    Equal to ``(a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))**(r+x) * 2F1(r+x, b+x; a+b+x-1; z)]``
    with ``z = t / (alpha+T+t)``. The hypergeometric term is evaluated through Euler's
    transformation as ``(1-z)**(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z)``: the parameters then no
    longer grow with ``x``, which avoids the overflow of the direct form for heavy buyers and
    long horizons. The removable singularities at ``a = 1`` and ``a + b + x = 1`` are
    interpolated across.
    """
    h = 1e-4
    if abs(a - 1.0) < h:  # 0/0 at a = 1: interpolate between a = 1 -/+ 2h (error O(h^2))
        lo = _alive_expectation(t, x, big_t, r, alpha, 1.0 - 2 * h, b)
        hi = _alive_expectation(t, x, big_t, r, alpha, 1.0 + 2 * h, b)
        return lo + (hi - lo) * (a - 1.0 + 2 * h) / (4 * h)
    c = a + b + x - 1.0
    if np.any(np.abs(c) < h):  # x = 0 and a + b = 1: pole of 2F1 cancelled by the factor c
        b_lo, b_hi = 1.0 - a - 2 * h, 1.0 - a + 2 * h
        lo = _alive_expectation(t, x, big_t, r, alpha, a, b_lo)
        hi = _alive_expectation(t, x, big_t, r, alpha, a, b_hi)
        return lo + (hi - lo) * (b - b_lo) / (b_hi - b_lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_1mz = np.log(alpha + big_t) - np.log(alpha + big_t + t)
        z = -np.expm1(log_1mz)
        f = special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        # 1 - (1-z)**(a-1) * f, written to keep precision when the product is close to 1
        num = -np.expm1((a - 1.0) * log_1mz) - np.exp((a - 1.0) * log_1mz) * (f - 1.0)
        out = (c / (a - 1.0)) * num
    t_b, x_b, T_b = np.broadcast_arrays(t, x, big_t)
    out = np.where(t_b == 0, 0.0, out)
    # E[Y(t) | alive] lies in [0, E[lambda | x, T] * t]; outside it (or NaN), hyp2f1 lost
    # its accuracy (it does for z near 1 with large parameters): use the quadrature there.
    upper = (r + x_b) / (alpha + T_b) * t_b
    bad = ~np.isfinite(out) | (out < -1e-9 * (1.0 + upper)) | (out > upper * (1 + 1e-6) + 1e-12)
    if np.any(bad):
        out = np.where(bad, _expectation_by_quadrature(t_b, x_b, T_b, r, alpha, a, b, bad), out)
    return out


_QUAD_NODES = 96


def _expectation_by_quadrature(t, x, big_t, r, alpha, a, b, mask) -> np.ndarray:
    """E[Y(t) | alive at T, x, T] by quadrature over the dropout probability, for ``mask``.

    Given alive at T, the posterior is ``lambda ~ Gamma(r + x, alpha + T)`` and
    ``p ~ Beta(a, b + x)``, and ``E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p``.
    Integrating lambda out leaves ``E_p[g(p)]`` with
    ``g(p) = (1 - (1 + p t / (alpha + T))**-(r + x)) / p``, smooth and bounded by
    ``(r + x) t / (alpha + T)``. The expectation is taken in the Beta's quantile scale,
    ``int_0^1 g(F^-1(u)) du``, by Gauss-Legendre nodes: finite for any parameters (no
    hypergeometric function, no overflow, no warnings). One set of quantiles per distinct x.
    """
    out = np.zeros(t.shape)
    xs, ts, Ts = x[mask], t[mask], big_t[mask]
    vals = np.zeros(xs.shape)
    nodes, weights = np.polynomial.legendre.leggauss(_QUAD_NODES)
    u = (nodes + 1.0) / 2.0
    weights = weights / 2.0
    for xv in np.unique(xs):
        sel = xs == xv
        p = special.betaincinv(a, b + xv, u)[None, :]
        s = ts[sel][:, None] / (alpha + Ts[sel][:, None])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            g = np.where(p > 0, -np.expm1(-(r + xv) * np.log1p(p * s)) / p, (r + xv) * s)
        vals[sel] = g @ weights
    out[mask] = vals
    return out

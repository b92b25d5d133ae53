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
Only numpy and scipy are used; the fits are plain maximum likelihood over log-parameters
with analytic gradients, so one million customers fit in a few seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from sklearn.base import BaseEstimator

from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "customer_lifetime_value",
    "summary_from_transactions",
    "DAYS_PER_MONTH",
    "simulate_bgnbd",
]

DAYS_PER_MONTH = 365.25 / 12
"""Length of the month used to discount CLV (30.44 days)."""

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


def _compress(*columns: np.ndarray, weights: np.ndarray | None) -> tuple[list[np.ndarray], np.ndarray]:
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
        for code, size in zip(codes[1:], sizes[1:]):
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
    return [u[c] for u, c in zip(uniques, out_codes)], counts


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


# --------------------------------------------------------------------------- BG/NBD


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
            beta_b = np.where(rep_u, special.betaln(a + 1.0, np.where(rep_u, b + xu - 1.0, 1.0)), -np.inf)
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
        d_b = float(w @ (p_a * db_a + np.where(self.has_repeat, p_b * db_b, 0.0))) - self.w_total * (
            special.digamma(b) - dig_ab
        )
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


def _minimize(fun, starts: list[np.ndarray], bounds) -> optimize.OptimizeResult:
    """L-BFGS-B (analytic gradient) from several starts; Nelder-Mead polish if it did not converge.

    ``fun(theta)`` returns ``(value, gradient)``; the value is a per-customer mean, so a
    relative tolerance of 1e-12 is about the rounding noise of the sum.
    """
    best = None
    for start in starts:
        try:
            res = optimize.minimize(
                fun, start, jac=True, method="L-BFGS-B", bounds=bounds,
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
            lambda th: fun(th)[0], best.x, method="Nelder-Mead", bounds=bounds,
            options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-13},
        )
        if np.isfinite(polished.fun) and polished.fun <= best.fun:
            best = polished
    return best


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
    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, weights: ArrayLike | None = None) -> "BetaGeoModel":
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
        with np.errstate(over="ignore", under="ignore"):
            if xc.shape[0] > _WARM_START_ROWS:
                # multi-start on a weighted subsample, then one run on all rows from its optimum
                rng = np.random.default_rng(0)
                pick = rng.choice(xc.shape[0], size=_WARM_START_ROWS, p=wc / data.w_total)
                sub_w = np.bincount(pick, minlength=xc.shape[0]).astype(np.float64)
                keep_sub = sub_w > 0
                sub = _BGNBDData(xc[keep_sub], txc[keep_sub], tc[keep_sub], sub_w[keep_sub])
                starts = [_minimize(sub.neg_loglik, starts, bounds).x]
            res = _minimize(data.neg_loglik, starts, bounds)
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in np.exp(res.x))
        self.log_likelihood_ = float(-res.fun * data.w_total)
        self.n_customers_ = data.w_total
        self.n_repeat_customers_ = n_repeat
        self.n_unique_rows_ = int(xc.shape[0])
        self.converged_ = bool(res.success)
        return self

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> "BetaGeoModel":
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
    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
        """P(customer still active at ``T`` | history) (FHL 2005, eq. 11).

        Customers without repeat purchases are alive with probability 1 under BG/NBD
        (dropout only happens right after a repeat purchase).
        """
        self._check_fitted()
        x, tx, big_t = _check_rfm(frequency, recency, T)
        return _p_alive(x, tx, big_t, self.r_, self.alpha_, self.a_, self.b_)

    def expected_purchases(self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
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
        """Expected number of repeat purchases in ``(0, t]`` for a newly acquired customer (eq. 9)."""
        self._check_fitted()
        t_arr = _vector("t", t, allow_scalar=True)
        if np.any(t_arr < 0):
            raise InputError("t must be >= 0")
        zero = np.zeros(1)
        out = _conditional_expectation(t_arr, zero, zero, zero, self.r_, self.alpha_, self.a_, self.b_)
        if t_arr.ndim == 0:
            return float(np.asarray(out).ravel()[0])
        return out.reshape(t_arr.shape) if out.size == t_arr.size else out


def _p_alive(x, tx, big_t, r, alpha, a, b) -> np.ndarray:
    """P(active at T | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha+T)/(alpha+t_x))^(r+x))."""
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
    out = np.where(t == 0, 0.0, out)
    if not np.all(np.isfinite(out)):  # pragma: no cover - scipy's hyp2f1 failed somewhere
        bad = ~np.isfinite(out)
        out = np.where(bad, _expectation_by_quadrature(t, x, big_t, r, alpha, a, b, bad), out)
    return out


def _expectation_by_quadrature(t, x, big_t, r, alpha, a, b, mask) -> np.ndarray:  # pragma: no cover
    """Fallback for the rare points where ``hyp2f1`` returns nan/inf.

    Uses Euler's integral for 2F1(A, B; C; z) with B = a - 1, C = a + b + x - 1, valid when
    C > B > 0; other points stay NaN.
    """
    from scipy import integrate

    t_b, x_b, T_b = np.broadcast_arrays(t, x, big_t)
    out = np.full(t_b.shape, np.nan)
    for idx in zip(*np.nonzero(mask)):
        xi, ti, Ti = x_b[idx], t_b[idx], T_b[idx]
        c = a + b + xi - 1.0
        bb = a - 1.0
        if not (c > bb > 0):
            continue
        z = ti / (alpha + Ti + ti)
        aa = a + b - 1.0 - r
        integrand = lambda u: u ** (bb - 1) * (1 - u) ** (c - bb - 1) * (1 - z * u) ** (-aa)  # noqa: E731
        val, _ = integrate.quad(integrand, 0.0, 1.0, limit=200)
        f = val / special.beta(bb, c - bb)
        out[idx] = c / (a - 1.0) * (1.0 - (1 - z) ** (a - 1.0) * f)
    return out


# --------------------------------------------------------------------------- Gamma-Gamma


def _gamma_gamma_nll(xs: np.ndarray, ms: np.ndarray, ws: np.ndarray):
    """Mean negative log-likelihood of the Gamma-Gamma model and its gradient in log-parameters.

    The mean ``m`` of ``x`` repeat values has density
    ``Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q * x^(px) * m^(px-1) / (gamma + x m)^(px+q)``.
    """
    log_m = np.log(ms)
    log_x = np.log(xs)
    xm = xs * ms
    w_total = float(ws.sum())

    def nll(theta: np.ndarray):
        p, q, g = np.exp(theta)
        px = p * xs
        log_gxm = np.log(g + xm)
        rows = (
            special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
            + q * math.log(g) + (px - 1.0) * log_m + px * log_x - (px + q) * log_gxm
        )
        ll = float(ws @ rows)
        dig_pxq = special.digamma(px + q)
        d_p = float(ws @ (xs * (dig_pxq - special.digamma(px) + log_m + log_x - log_gxm)))
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

    Notes
    -----
    The model assumes spend per transaction is independent of purchase frequency; check the
    correlation of ``frequency`` and ``monetary_value`` on the repeat customers before relying
    on it. Customers with repeat purchases whose mean value is exactly 0 are left out of the
    fit; negative mean values (net returns) are refused.
    """

    def __init__(self, *, min_customers: int = 5):
        self.min_customers = min_customers

    def fit(self, frequency: ArrayLike, monetary_value: ArrayLike, *, weights: ArrayLike | None = None) -> "GammaGammaModel":
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
        with np.errstate(over="ignore", under="ignore"):
            if xs.shape[0] > _WARM_START_ROWS:
                # multi-start on a weighted subsample, then one run on all rows from its optimum
                rng = np.random.default_rng(0)
                pick = rng.choice(xs.shape[0], size=_WARM_START_ROWS, p=ws / w_total)
                sub_w = np.bincount(pick, minlength=xs.shape[0]).astype(np.float64)
                keep = sub_w > 0
                sub_nll = _gamma_gamma_nll(xs[keep], ms[keep], sub_w[keep])
                starts = [_minimize(sub_nll, starts, bounds).x]
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
        return self

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> "GammaGammaModel":
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


# --------------------------------------------------------------------------- CLV


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
    pair_index = pd.MultiIndex.from_arrays([xu, tu]).get_indexer(pd.MultiIndex.from_arrays([x, big_t]))
    n_steps = max(int(math.ceil(horizon_days / DAYS_PER_MONTH - 1e-9)), 0)
    total = np.zeros_like(xu)
    previous = np.zeros_like(xu)
    for i in range(1, n_steps + 1):
        end_days = min(i * DAYS_PER_MONTH, horizon_days)
        cum = _alive_expectation(end_days / time_unit_days, xu, tu, *params)
        total += (cum - previous) * (1.0 + discount_rate) ** (-end_days / DAYS_PER_MONTH)
        previous = cum
    return total[pair_index] * p_alive * value


# --------------------------------------------------------------------------- summary


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
        raise InputError(f"transactions table lacks column(s): {', '.join(missing)}")
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
    end_day = as_of_day if calibration_end is None else _as_day(calibration_end, tz, "calibration_end")
    if end_day > as_of_day:
        raise InputError("calibration_end must not be after as_of")
    if value_col is not None:
        values = pd.to_numeric(df[value_col], errors="coerce")
        if values.isna().any():
            raise InputError(f"column {value_col} has missing or non-numeric values")
        values = values.to_numpy(dtype=np.float64)
    else:
        values = np.zeros(len(df))
    tx = pd.DataFrame({"c": df[customer_col].to_numpy(), "d": times.dt.floor("D").to_numpy(), "v": values})
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
        out["monetary_value_holdout"] = hg.mean().reindex(out.index, fill_value=0.0).astype(np.float64)
        out["duration_holdout"] = float((as_of_day - end_day) / one_day) / time_unit_days
    return out


# --------------------------------------------------------------------------- simulation


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

"""Differences in means with honest intervals: Welch, CUPED and inverse-propensity weights.

Every arm mean is a Hajek (self-normalized inverse-propensity) mean ``sum(w z) / sum(w)`` with
``w = 1 / propensity``; with equal propensities it is the plain mean and everything below is
exactly Welch's unequal-variance t interval. Its variance is the linearized (sandwich) one,
``sum(w^2 (z - m)^2) / sum(w)^2`` times ``n / (n - 1)``, which for equal weights is ``s^2 / n``.

CUPED: ``z = y - theta' (x - mean x)``, with ``theta`` the least-squares slope of the outcome on
pre-period covariates estimated on all customers of the campaign pooled (every arm). Under
randomization the covariates have the same mean in every arm, so the adjustment removes noise
but no signal; intervals treat ``theta`` as known (its estimation error is O(1/n)).

Arms are disjoint sets of independently assigned customers, so arm means are uncorrelated and
the variance of a difference (or of any linear combination) is the sum of the terms.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

POWER = 0.80


@dataclass(frozen=True)
class ArmMean:
    """A (weighted, possibly CUPED-adjusted) mean and its sampling variance."""

    mean: float
    variance: float  # of the mean
    n: int
    n_effective: float  # (sum w)^2 / sum w^2


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    p_value: float
    std_error: float
    df: float

    def as_dict(self, *, p_value: bool = True) -> dict:
        out = {k: _clean(v) for k, v in asdict(self).items()}
        if not p_value:
            out.pop("p_value")
        return out


def _clean(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def pooled_unit_variance(z: np.ndarray) -> float:
    """The per-customer variance of `z` over a whole campaign (every arm): the floor of
    :func:`arm_mean` for an arm whose own outcomes do not vary."""
    z = np.asarray(z, dtype=float)
    return float(np.var(z, ddof=1)) if len(z) > 1 else 0.0


def buyer_unit_variance(
    values: np.ndarray, converted: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """The per-customer variance of an arm that the spread of all the campaign's buyers implies
    for it: an outcome is bought times the value of what was bought, ``y = B V``, so
    ``var(y) = p E[V^2] - (p E[V])^2``, with the moments of V from `values` (every buyer of the
    campaign, whatever arm) and ``p`` the arm's own purchase rate (`converted`, weighted like
    its mean) pulled toward a half by one buyer and one non-buyer of average weight.

    Read from an arm of a few buyers alone, the variance is smallest exactly when they bought
    little or none bought at all: in an A/A study on real shops (``bench/aa_coverage.py``,
    docs/measurement.md) the 90% revenue intervals of CDNOW campaigns whose control group held
    0-2 buyers contained zero 0.69 of the time. 0 with fewer than two buyers in the whole
    campaign (no spread to borrow)."""
    values = np.asarray(values, dtype=float)
    converted = np.asarray(converted, dtype=float)
    if len(values) < 2 or len(converted) == 0:
        return 0.0
    w = np.ones(len(converted)) if weights is None else np.asarray(weights, dtype=float)
    p = float(((w * converted).sum() + w.mean()) / (w.sum() + 2 * w.mean()))
    with np.errstate(over="ignore", invalid="ignore"):  # absurd outcomes: no floor, no crash
        spread = float(p * np.mean(values**2) - (p * np.mean(values)) ** 2)
    return spread if np.isfinite(spread) and spread > 0 else 0.0


def arm_mean(
    z: np.ndarray, weights: np.ndarray | None = None, floor: float = 0.0, least: float = 0.0
) -> ArmMean:
    """Hajek mean of `z` with its linearized variance (plain mean and s^2/n without weights).

    An arm whose outcomes are all the same (40 customers, none of whom bought) has no spread
    of its own, and its interval would come from the other arm alone; there the per-customer
    variance `floor` (:func:`pooled_unit_variance`: the campaign's) stands in for its own.
    `least` is a per-customer variance the arm's is never below (:func:`buyer_unit_variance`)."""
    z = np.asarray(z, dtype=float)
    n = len(z)
    if n == 0:
        return ArmMean(np.nan, np.nan, 0, 0.0)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    mean = float((w * z).sum() / total)
    if n < 2:
        return ArmMean(mean, np.nan, n, 1.0)
    variance = float((w**2 * (z - mean) ** 2).sum() / total**2 * n / (n - 1))
    n_effective = float(total**2 / (w**2).sum())
    if variance == 0.0 and floor > 0:
        variance = floor / n_effective
    variance = max(variance, least / n_effective)
    return ArmMean(mean, variance, n, n_effective)


def cuped_theta(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Least-squares slopes of `y` on the columns of `x` (with an intercept), on pooled data.
    Constant or empty covariates get slope 0."""
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    y = np.asarray(y, dtype=float)
    if len(y) < 3:
        return np.zeros(x.shape[1])
    xc = x - x.mean(axis=0)
    keep = xc.std(axis=0) > 0
    theta = np.zeros(x.shape[1])
    if keep.any():
        theta[keep] = np.linalg.lstsq(xc[:, keep], y - y.mean(), rcond=None)[0]
    return theta


def adjust(y: np.ndarray, x: np.ndarray | None, theta: np.ndarray | None) -> np.ndarray:
    """The CUPED outcome ``y - theta' (x - mean x)`` (or `y` itself without covariates)."""
    if x is None or theta is None:
        return np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float).reshape(len(y), -1)
    return np.asarray(y, dtype=float) - (x - x.mean(axis=0)) @ theta


def combine(terms: list[tuple[float, ArmMean]], confidence: float) -> Interval:
    """Interval of ``sum(c * mean)`` over independent arm means, Welch-Satterthwaite df."""
    estimate = float(sum(c * a.mean for c, a in terms))
    parts = [c**2 * a.variance for c, a in terms]
    if not np.isfinite(sum(parts)) or not np.isfinite(estimate):
        return Interval(estimate, np.nan, np.nan, np.nan, np.nan, np.nan)
    dof = [max(a.n_effective - 1, 1.0) for _, a in terms]
    return _interval(estimate, parts, dof, confidence)


def difference(arm: ArmMean, control: ArmMean, confidence: float) -> Interval:
    """Arm minus control."""
    return combine([(1.0, arm), (-1.0, control)], confidence)


def needed_per_group(
    unit_variance_arm: float,
    unit_variance_control: float,
    effect: float,
    *,
    confidence: float,
    power: float = POWER,
) -> float | None:
    """Customers needed in each of arm and control to detect `effect` with a two-sided test
    at `confidence` with `power`: ``(z_a + z_b)^2 (s1^2 + s2^2) / effect^2``."""
    from scipy.special import ndtri

    if not effect or not np.isfinite(effect):
        return None
    z = ndtri(0.5 + confidence / 2) + ndtri(power)
    with np.errstate(over="ignore", invalid="ignore"):
        spread = unit_variance_arm + unit_variance_control
        needed = np.ceil(z**2 * spread / np.float64(effect) ** 2)
    return float(needed) if np.isfinite(needed) else None


def minimum_detectable(
    arm: ArmMean, control: ArmMean, *, confidence: float, power: float = POWER
) -> float:
    """The smallest true difference this comparison detects with `power`."""
    from scipy.special import ndtri

    z = ndtri(0.5 + confidence / 2) + ndtri(power)
    return float(z * np.sqrt(arm.variance + control.variance))


def unit_variance(a: ArmMean) -> float:
    """Per-customer variance behind a mean (variance of the mean x effective size)."""
    return a.variance * a.n_effective


def campaign_total(
    y: np.ndarray,
    z: np.ndarray,
    arm: np.ndarray,
    weights: np.ndarray,
    *,
    control: str,
    confidence: float,
    converted: np.ndarray | None = None,
) -> Interval:
    """The whole campaign's incremental total against sending nothing to anyone in it:
    ``sum(y) - N * m0``, with ``m0`` the Hajek mean of the (CUPED) outcome `z` of the customers
    who got nothing: what everyone would have earned without the campaign. With equal
    propensities this is ``sum over arms of n_arm x (arm mean - control mean)``.

    Variance: the outcome noise of the customers sent something (within-arm variance, an upper
    bound for it) plus the linearized variance of the control part, whose customers enter both
    ``sum(y)`` and ``m0``. With `converted` (true for a customer who bought) the control part is
    at least what the spread of all the campaign's buyers implies for it
    (:func:`control_part_floor`)."""
    y, z, w = (np.asarray(v, dtype=float) for v in (y, z, weights))
    is_control = arm == control
    n, n0 = len(y), int(is_control.sum())
    if n0 < 2:
        return Interval(np.nan, np.nan, np.nan, np.nan, np.nan, np.nan)
    w0, z0, y0 = w[is_control], z[is_control], y[is_control]
    m0 = float((w0 * z0).sum() / w0.sum())
    estimate = float(y.sum() - n * m0)
    influence = y0 - n * w0 * (z0 - m0) / w0.sum()
    parts = [float(n0 * influence.var(ddof=1))]
    if converted is not None:
        floor = control_part_floor(y, w, is_control, np.asarray(converted, dtype=bool))
        parts[0] = max(parts[0], floor)
    dof = [n0 - 1.0]
    for a in np.unique(arm[~is_control]):
        ya = y[arm == a]
        if len(ya) > 1:
            parts.append(float(len(ya) * ya.var(ddof=1)))
            dof.append(len(ya) - 1.0)
    return _interval(estimate, parts, dof, confidence)


def control_part_floor(
    y: np.ndarray, w: np.ndarray, is_control: np.ndarray, converted: np.ndarray
) -> float:
    """The variance of the control part of :func:`campaign_total` (``sum(y0) - N m0``) that
    the spread of all the campaign's buyers implies: its floor.

    A customer who got nothing enters as ``(1 - a) y`` plus constants, ``a = N w / sum w0``: a
    plan's held-out control customer stands for about ten targets. Their profit is bought
    times the profit of what they bought, ``y = B V``, so ``var(y) = p E[V^2] - (p E[V])^2``,
    with the moments of V from every buyer of the campaign (sent an offer or not) and ``p`` the
    purchase rate of those who got nothing, weighted like the variance (``(1 - a)^2``) and
    pulled toward a half by two buyers and two non-buyers of average weight. A plan's hundred
    held-out customers hold a few buyers: read from them alone, the variance is smallest
    exactly when none of them bought much and the estimate is too high, and a held-out group
    without a buyer gave an interval as if its baseline were known (docs/measurement.md)."""
    n = len(y)
    w0 = w[is_control]
    a = n * w0 / w0.sum()
    k = (1 - a) ** 2
    values = y[converted]
    if len(values) < 2 or not k.sum() > 0:
        return 0.0
    p = float(((k * converted[is_control]).sum() + 2 * k.mean()) / (k.sum() + 4 * k.mean()))
    with np.errstate(over="ignore", invalid="ignore"):  # absurd outcomes: no floor, no crash
        spread = p * np.mean(values**2) - (p * np.mean(values)) ** 2
        floor = k.sum() * max(float(spread), 0.0)
    return float(floor) if np.isfinite(floor) else 0.0


def _interval(estimate: float, parts: list[float], dof: list[float], confidence: float) -> Interval:
    from scipy.special import stdtr, stdtrit

    with np.errstate(over="ignore", invalid="ignore"):  # absurd outcomes: inf, not a crash
        part = np.asarray(parts, dtype=float)
        variance = float(part.sum())
        se = float(np.sqrt(variance))
        denominator = float((part**2 / np.asarray(dof, dtype=float)).sum())
        df = float(np.float64(variance) ** 2 / denominator) if denominator > 0 else np.inf
    if not (np.isfinite(estimate) and np.isfinite(se)):  # not measurable
        return Interval(estimate, np.nan, np.nan, np.nan, se, df)
    if se == 0:
        return Interval(estimate, estimate, estimate, 1.0 if estimate == 0 else 0.0, 0.0, df)
    q = float(stdtrit(df, 0.5 + confidence / 2))
    p_value = float(2 * stdtr(df, -abs(estimate) / se))
    return Interval(estimate, estimate - q * se, estimate + q * se, p_value, se, df)

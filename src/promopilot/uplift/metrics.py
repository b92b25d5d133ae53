"""Uplift metrics, with scikit-uplift's definitions (``sklift.metrics``), as pure functions.

``treatment`` is 1 for treated and 0 for control; ``uplift`` is the predicted effect; customers
are ranked by it, best first.
"""

from __future__ import annotations

import numpy as np


# No np.isin nor np.r_ here: their dispatch was a fifth of a bootstrap's 200 resamples x 3
# scores (score_intervals: 0.30 s -> 0.25 s for 1,100 customers, 0.94 s -> 0.74 s for 13,000).
def _arrays(y_true, uplift, treatment):
    y = np.asarray(y_true, dtype=float)
    u = np.asarray(uplift, dtype=float)
    t = np.asarray(treatment, dtype=float)
    if not (len(y) == len(u) == len(t)):
        raise ValueError("y_true, uplift and treatment must have the same length")
    if not ((t == 0) | (t == 1)).all():
        raise ValueError("treatment must be 0 (control) or 1 (treated)")
    return y, u, t


def _cumulative(y_true, uplift, treatment):
    y, u, t = _arrays(y_true, uplift, treatment)
    order = np.argsort(u, kind="mergesort")[::-1]
    y, u, t = y[order], u[order], t[order]
    distinct = np.where(np.diff(u))[0]
    idx = np.concatenate([distinct, [u.size - 1]])
    num_trmnt = np.cumsum(t)[idx]
    y_trmnt = np.cumsum(y * t)[idx]
    num_all = idx + 1.0
    num_ctrl = num_all - num_trmnt
    y_ctrl = np.cumsum(y * (1 - t))[idx]
    return num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl


def _start_at_zero(x, values):
    if x.size == 0 or values[0] != 0 or x[0] != 0:
        x, values = np.concatenate([[0], x]), np.concatenate([[0], values])
    return x, values


def qini_curve(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray]:
    """Incremental responders among the top-n customers: ``y_t - y_c · n_t / n_c``."""
    num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl = _cumulative(y_true, uplift, treatment)
    ratio = np.divide(num_trmnt, num_ctrl, out=np.zeros_like(num_trmnt), where=num_ctrl != 0)
    return _start_at_zero(num_all, y_trmnt - y_ctrl * ratio)


def uplift_curve(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray]:
    """``(rate_t − rate_c) · n`` among the top-n customers."""
    num_all, num_trmnt, num_ctrl, y_trmnt, y_ctrl = _cumulative(y_true, uplift, treatment)
    rate_t = np.divide(y_trmnt, num_trmnt, out=np.zeros_like(y_trmnt), where=num_trmnt != 0)
    rate_c = np.divide(y_ctrl, num_ctrl, out=np.zeros_like(y_ctrl), where=num_ctrl != 0)
    return _start_at_zero(num_all, (rate_t - rate_c) * num_all)


def perfect_qini_curve(y_true, treatment, negative_effect: bool = True):
    y, _, t = _arrays(y_true, np.zeros(len(y_true)), treatment)
    if negative_effect:
        return qini_curve(y, y * t - y * (1 - t), t)
    lift = y[t == 1].sum() - (t == 1).sum() * y[t == 0].sum() / max((t == 0).sum(), 1)
    return np.array([0.0, lift, len(y)]), np.array([0.0, lift, lift])


def perfect_uplift_curve(y_true, treatment):
    y, _, t = _arrays(y_true, np.zeros(len(y_true)), treatment)
    control_responders = np.sum((y == 1) & (t == 0))
    treated_nonresponders = np.sum((y == 0) & (t == 1))
    summand = y if control_responders > treated_nonresponders else t
    return uplift_curve(y, 2 * (y == t) + summand, t)


def _area(x: np.ndarray, y: np.ndarray) -> float:
    """The trapezoid area under a curve whose x only rises or only falls, as
    ``sklearn.metrics.auc`` computes it, without its input checks on every call (a bootstrap
    scores a curve hundreds of times)."""
    dx = np.diff(x)
    if np.all(dx >= 0):
        return float(np.trapezoid(y, x))
    if np.all(dx <= 0):
        return -float(np.trapezoid(y, x))
    raise ValueError(f"x is neither increasing nor decreasing : {x}.")


def _normalized_area(actual, perfect) -> float:
    x_a, y_a = actual
    x_p, y_p = perfect
    baseline = _area(np.array([0, x_p[-1]]), np.array([0, y_p[-1]]))
    best = _area(x_p, y_p) - baseline
    if best == 0:
        return 0.0
    return float((_area(x_a, y_a) - baseline) / best)


def qini_auc_score(y_true, uplift, treatment, negative_effect: bool = True) -> float:
    """The Qini coefficient: area between the model's Qini curve and random targeting,
    divided by the same area for the perfect model (1 = perfect, 0 = random)."""
    return _normalized_area(
        qini_curve(y_true, uplift, treatment),
        perfect_qini_curve(y_true, treatment, negative_effect),
    )


def uplift_auc_score(y_true, uplift, treatment) -> float:
    """Area under the uplift curve (AUUC), normalized like the Qini coefficient."""
    return _normalized_area(
        uplift_curve(y_true, uplift, treatment), perfect_uplift_curve(y_true, treatment)
    )


def uplift_at_k(
    y_true,
    uplift,
    treatment,
    *,
    strategy: str = "overall",
    k: float = 0.3,
    undefined: float | None = None,
) -> float:
    """Treated minus control response rate among the top ``k`` share ranked by uplift.

    ``overall``: the top k of everyone; ``by_group``: the top k of each group separately.
    When the top k holds no treated or no control customer the figure is not defined: an
    error, or `undefined` (e.g. NaN) where a table reports it beside other scores."""
    y, u, t = _arrays(y_true, uplift, treatment)
    if not 0 < k <= 1:
        raise ValueError(f"k must be a share in (0, 1], got {k}")
    order = np.argsort(u, kind="mergesort")[::-1]
    y, t = y[order], t[order]
    if strategy == "overall":
        n = int(len(y) * k)
        top_y, top_t = y[:n], t[:n]
        treated, control = top_y[top_t == 1], top_y[top_t == 0]
    elif strategy == "by_group":
        treated = y[t == 1][: int((t == 1).sum() * k)]
        control = y[t == 0][: int((t == 0).sum() * k)]
    else:
        raise ValueError(f"strategy must be 'overall' or 'by_group', got {strategy!r}")
    if len(treated) == 0 or len(control) == 0:
        if undefined is not None:
            return float(undefined)
        raise ValueError("the top k holds no treated or no control customers")
    return float(treated.mean() - control.mean())


def per_arm_scores(
    y, uplift: np.ndarray, treatment, arms: list, control, *, k: float = 0.3
) -> list[dict]:
    """Qini, AUUC and uplift@k of each arm's uplift column against the control group."""
    y = np.asarray(y)
    treatment = np.asarray(treatment, dtype=object)
    rows = []
    for j, arm in enumerate(arms):
        mask = (treatment == arm) | (treatment == control)
        t = (treatment[mask] == arm).astype(int)
        if t.sum() == 0 or t.sum() == len(t):
            continue
        rows.append(
            {
                "arm": arm,
                "n_treated": int(t.sum()),
                "n_control": int(len(t) - t.sum()),
                "qini": qini_auc_score(y[mask], uplift[mask, j], t),
                "auuc": uplift_auc_score(y[mask], uplift[mask, j], t),
                "uplift_at_k": uplift_at_k(y[mask], uplift[mask, j], t, k=k, undefined=np.nan),
            }
        )
    return rows

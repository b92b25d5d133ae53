"""The statistics of a measured campaign, on an outcomes frame (one row per exposure):
:func:`estimate_lift` gives each offer's conversion, revenue and profit lift over control with
CUPED-adjusted intervals, the whole campaign's incremental profit with its verdict, the sample
size that would have been needed (``_power``) and the same per segment (:func:`per_segment`).
:mod:`promopilot.campaigns.measure` reads the frame from the store and calls it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns import lift as stats
from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.lift_words import GAIN, LOSS, MIN_ARM_CUSTOMERS, UNCLEAR, summary
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import InputError, NotEnoughDataError

# report name -> outcome column
METRICS = {
    "conversion": "converted",
    "revenue_per_customer": "revenue",
    "profit_per_customer": "profit",
}
COVARIATES = ("pre_revenue", "pre_orders")
MIN_PER_ARM = 2
FEW_BUYERS = 10  # an arm with fewer: its variance at least what the campaign's buyers imply
SEGMENT_TOO_FEW = "too few customers in control or sent to measure"  # a segment's note


def estimate_lift(
    frame: pd.DataFrame,
    *,
    confidence: float = 0.95,
    covariates: tuple[str, ...] | None = COVARIATES,
    with_segments: bool = True,
    min_arm_customers: int = MIN_ARM_CUSTOMERS,
) -> dict:
    """Lift of each arm over control from an outcomes frame.

    `frame` has one row per customer with ``arm`` (``control`` for no offer), ``propensity``,
    ``converted``, ``revenue``, ``profit`` and the `covariates` (pre-period; ``None`` or ``()``
    turns CUPED off). An offer fewer than `min_arm_customers` got is not measured on its
    own (listed in ``too_few``; it counts in the whole campaign). Returns the measurement dict
    of :func:`measure_campaign` without the campaign id.
    """
    if not 0.5 < confidence < 1:
        raise InputError(f"confidence must be in (0.5, 1), got {confidence}")
    missing = {"arm", "propensity", *METRICS.values(), *(covariates or ())} - set(frame.columns)
    if missing:
        raise InputError(
            f"outcomes frame lacks {noun_for(len(missing), 'column')} {', '.join(sorted(missing))}"
        )
    arm = frame["arm"].to_numpy(dtype=object)
    is_control = arm == CONTROL
    fewest = max(MIN_PER_ARM, min_arm_customers)  # the control group's floor too
    if is_control.sum() < fewest:
        raise NotEnoughDataError(
            f"the campaign has {counted(int(is_control.sum()), 'control customer')}: without a "
            f"control group of at least {fewest} customers its lift cannot be measured"
        )
    w = 1.0 / frame["propensity"].to_numpy(dtype=float)
    x = frame[list(covariates)].to_numpy(dtype=float) if covariates else None
    sizes = pd.Series(arm[~is_control]).value_counts()
    offers = sorted(str(a) for a in sizes.index[sizes >= fewest])
    too_few = [
        {"offer_id": str(a), "customers": int(n)} for a, n in sorted(sizes[sizes < fewest].items())
    ]
    adjusted, control, means, raw = {}, {}, {}, {}
    bought = frame["converted"].to_numpy(dtype=float) > 0
    rows_of = {a: arm == a for a in [CONTROL, *offers]}  # each arm's rows, once
    few = {a for a, rows in rows_of.items() if bought[rows].sum() < FEW_BUYERS}
    for name, column in METRICS.items():
        y = frame[column].to_numpy(dtype=float)
        theta = stats.cuped_theta(y, x) if x is not None else None
        z = stats.adjust(y, x, theta)
        z_floor, y_floor = stats.pooled_unit_variance(z), stats.pooled_unit_variance(y)
        # an arm (or control) of fewer than FEW_BUYERS buyers: its variance at least what the
        # spread of all the campaign's buyers implies (lift.buyer_unit_variance), for CUPED
        # scaled by the share of the campaign's variance the adjustment leaves
        kept = min(z_floor / y_floor, 1.0) if y_floor > 0 else 0.0
        buyers = y[bought]
        least = {
            a: stats.buyer_unit_variance(buyers, bought[rows], w[rows]) if a in few else 0.0
            for a, rows in rows_of.items()
        }
        adjusted[name] = {
            a: stats.arm_mean(z[rows_of[a]], w[rows_of[a]], floor=z_floor, least=kept * least[a])
            for a in offers
        }
        control[name] = stats.arm_mean(
            z[is_control], w[is_control], floor=z_floor, least=kept * least[CONTROL]
        )
        raw[name] = {
            a: stats.arm_mean(y[rows], w[rows], floor=y_floor, least=least[a])
            for a, rows in rows_of.items()
        }
        means[name] = {a: raw[name][a].mean for a in raw[name]}
    arms = []
    for a in offers:
        n = int((arm == a).sum())
        entry = {
            "offer_id": a,
            "customers": n,
            **{name: _num(means[name][a]) for name in METRICS},
            "lift": {},
            "lift_unadjusted": {},
        }
        for name in METRICS:
            entry["lift"][name] = stats.difference(
                adjusted[name][a], control[name], confidence
            ).as_dict()
            entry["lift_unadjusted"][name] = stats.difference(
                raw[name][a], raw[name][CONTROL], confidence
            ).as_dict()
        arms.append(entry)
    y_profit = frame["profit"].to_numpy(dtype=float)
    z_profit = stats.adjust(y_profit, x, stats.cuped_theta(y_profit, x) if x is not None else None)
    total = stats.campaign_total(
        y_profit,
        z_profit,
        arm,
        w,
        control=CONTROL,
        confidence=confidence,
        converted=frame["converted"].to_numpy(dtype=float) > 0,
    )
    verdict = GAIN if total.low > 0 else LOSS if total.high < 0 else UNCLEAR
    sent = ~is_control
    result = {
        "confidence": confidence,
        "control": {
            "customers": int(is_control.sum()),
            **{name: _num(means[name][CONTROL]) for name in METRICS},
        },
        "arms": arms,
        "too_few": too_few,
        "incremental_profit": {
            k: v
            for k, v in total.as_dict().items()
            if k in ("estimate", "low", "high", "std_error")
        },
        "verdict": verdict,
        "buyers": int(frame["converted"].to_numpy(dtype=float).sum()),
        "power": _power(frame, sent, is_control, w, x, confidence, total.estimate),
        "method": {
            "weights": (
                "inverse propensity (Hajek)"
                if np.ptp(w) > 1e-9 * w.max()
                else "equal (uniform randomization)"
            ),
            "cuped_covariates": list(covariates or ()),
            "min_arm_customers": fewest,
            "interval": (
                "Welch t (Satterthwaite df), linearized variance; an arm with fewer than "
                f"{FEW_BUYERS} buyers at least what the campaign's buyers' spread implies"
            ),
        },
    }
    result["summary"] = summary(result)
    if with_segments and "segment" in frame.columns:
        result["segments"] = per_segment(
            frame,
            confidence=confidence,
            covariates=covariates,
            min_arm_customers=fewest,
        )
    return result


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _power(
    frame: pd.DataFrame,
    sent: np.ndarray,
    is_control: np.ndarray,
    w: np.ndarray,
    x: np.ndarray | None,
    confidence: float,
    total: float,
) -> dict:
    """All sent customers against control on profit: the effect this campaign could detect,
    and the customers per group needed to detect the effect it estimated (the incremental
    profit per customer sent an offer) with 80% power."""
    y = frame["profit"].to_numpy(dtype=float)
    z = stats.adjust(y, x, stats.cuped_theta(y, x) if x is not None else None)
    treated, control = (
        stats.arm_mean(z[sent], w[sent]),
        stats.arm_mean(z[is_control], w[is_control]),
    )
    estimate = total / max(int(sent.sum()), 1)
    needed = stats.needed_per_group(
        stats.unit_variance(treated), stats.unit_variance(control), estimate, confidence=confidence
    )
    return {
        "power": stats.POWER,
        "profit_lift_per_customer": _num(estimate),
        "minimum_detectable_profit_lift": _num(
            stats.minimum_detectable(treated, control, confidence=confidence)
        ),
        "needed_customers_per_group": needed,
        "sent_customers": int(sent.sum()),
        "control_customers": int(is_control.sum()),
    }


def _segment_sizes(everyone: int, control: int) -> dict:
    """A segment's customers, each count named for what it counts: those sent an offer (as the
    lift table's whole-campaign row counts them), its part of the control group, and both."""
    return {
        "sent_customers": everyone - control,
        "control_customers": control,
        "all_customers": everyone,
    }


def per_segment(
    frame: pd.DataFrame,
    *,
    confidence: float,
    covariates: tuple[str, ...] | None = COVARIATES,
    column: str = "segment",
    min_arm_customers: int = MIN_ARM_CUSTOMERS,
) -> list[dict]:
    """:func:`estimate_lift` within each segment that has a control group (CUPED slopes are
    estimated within the segment)."""
    out = []
    for name, part in frame.groupby(column, sort=True):
        n_control = int((part["arm"] == CONTROL).sum())
        if n_control < min_arm_customers or (part["arm"] != CONTROL).sum() < min_arm_customers:
            out.append(
                {
                    "segment": str(name),
                    **_segment_sizes(len(part), n_control),
                    "arms": [],
                    "note": SEGMENT_TOO_FEW,
                }
            )
            continue
        result = estimate_lift(
            part,
            confidence=confidence,
            covariates=covariates,
            with_segments=False,
            min_arm_customers=min_arm_customers,
        )
        out.append(
            {
                "segment": str(name),
                **_segment_sizes(len(part), n_control),
                "arms": [
                    {k: arm[k] for k in ("offer_id", "customers", "lift")} for arm in result["arms"]
                ],
                "incremental_profit": result["incremental_profit"],
                "verdict": result["verdict"],
            }
        )
    return out

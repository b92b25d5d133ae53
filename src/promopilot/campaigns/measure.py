"""Measure a logged campaign against its control group: conversion, revenue and profit lift
per offer with honest intervals, the campaign's incremental profit, a verdict in plain words,
the sample size that would have been needed, and the same per segment.

:func:`estimate_lift` works on an outcomes frame (one row per exposure) and holds all the
statistics; :func:`measure_campaign` reads the frame from the store and calls it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns import lift as stats
from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.lift_words import GAIN, LOSS, MIN_ARM_CUSTOMERS, UNCLEAR, summary
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.config import load_settings
from promopilot.data.currency import shop_currency
from promopilot.data.queries import measure as queries
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError

# report name -> outcome column
METRICS = {
    "conversion": "converted",
    "revenue_per_customer": "revenue",
    "profit_per_customer": "profit",
}
COVARIATES = ("pre_revenue", "pre_orders")
MIN_PER_ARM = 2
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
        raise InputError(f"outcomes frame lacks column(s) {', '.join(sorted(missing))}")
    arm = frame["arm"].to_numpy(dtype=object)
    is_control = arm == CONTROL
    fewest = max(MIN_PER_ARM, min_arm_customers)  # the control group's floor too
    if is_control.sum() < fewest:
        raise NotEnoughDataError(
            f"the campaign has {int(is_control.sum())} control customer(s): without a control "
            f"group of at least {fewest} customers its lift cannot be measured"
        )
    w = 1.0 / frame["propensity"].to_numpy(dtype=float)
    x = frame[list(covariates)].to_numpy(dtype=float) if covariates else None
    sizes = pd.Series(arm[~is_control]).value_counts()
    offers = sorted(str(a) for a in sizes.index[sizes >= fewest])
    too_few = [
        {"offer_id": str(a), "customers": int(n)} for a, n in sorted(sizes[sizes < fewest].items())
    ]
    adjusted, control, means, raw = {}, {}, {}, {}
    for name, column in METRICS.items():
        y = frame[column].to_numpy(dtype=float)
        theta = stats.cuped_theta(y, x) if x is not None else None
        z = stats.adjust(y, x, theta)
        z_floor, y_floor = stats.pooled_unit_variance(z), stats.pooled_unit_variance(y)
        adjusted[name] = {
            a: stats.arm_mean(z[arm == a], w[arm == a], floor=z_floor) for a in offers
        }
        control[name] = stats.arm_mean(z[is_control], w[is_control], floor=z_floor)
        raw[name] = {
            a: stats.arm_mean(y[arm == a], w[arm == a], floor=y_floor) for a in [CONTROL, *offers]
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
            "interval": "Welch t (Satterthwaite df), linearized variance",
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
                    "customers": len(part),
                    "control_customers": n_control,
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
                "customers": len(part),
                "control_customers": n_control,
                "arms": [
                    {k: arm[k] for k in ("offer_id", "customers", "lift")} for arm in result["arms"]
                ],
                "incremental_profit": result["incremental_profit"],
                "verdict": result["verdict"],
            }
        )
    return out


PER_OFFER_METHOD = (
    "each offer's lift compares the customers the plan chose for it with the randomized "
    "control group held out from the plan's choices; exploration offers and the customers "
    "the plan left alone count in the whole campaign only"
)


def _chosen_and_held_out(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The rows of a logged plan that compare like with like: the customers the plan chose
    for an offer (group ``target``) and the control group held out from those choices. Against
    everyone who got nothing, the chosen customers differ by the choice itself (a plan picks
    the persuadable, not the average customer). None when the log has no such groups."""
    group = frame["group"].fillna("").to_numpy(dtype=object)
    target, control = group == "target", group == "control"
    if not control.any() or not target.any():
        return None
    chosen = frame[target | control].copy()
    chosen.attrs = frame.attrs
    return chosen


def measure_campaign(
    store: Store,
    campaign_id: str,
    *,
    window_days: int | None = None,
    confidence: float = 0.95,
    segments: pd.DataFrame | None = None,
    min_arm_customers: int = MIN_ARM_CUSTOMERS,
) -> dict:
    """Measure a logged campaign per offer against its control group.

    Parameters
    ----------
    store : the shop's store (campaigns, orders, products, offers).
    campaign_id : a campaign in the ``campaigns`` table.
    window_days : attribution window (default: the ``campaign_window_days`` setting).
    confidence : level of every interval.
    segments : optional ``customer_id, segment`` frame; default segments are new, one-order and
        repeat customers at send time.
    min_arm_customers : an offer fewer customers got is not measured on its own (it is
        listed in ``too_few`` and counts in the whole campaign's figure).

    Returns the issue's JSON structure plus ``summary`` (the verdict in words), ``power``,
    ``segments``, ``method``, ``lift_unadjusted`` per arm, ``redemptions`` where coupon
    codes were logged and ``currency`` where the shop's is known (money in the verdict is
    written with it).
    """
    frame = campaign_outcomes(store, campaign_id, window_days=window_days)
    return _measure(
        frame,
        campaign_id,
        confidence=confidence,
        segments=segments,
        min_arm_customers=min_arm_customers,
        currency=shop_currency(store),
    )


def measure_with_daily(
    store: Store, campaign_id: str, *, window_days: int | None = None, confidence: float = 0.95
) -> tuple[dict, pd.DataFrame]:
    """:func:`measure_campaign` and, for the report's chart, each measured offer's profit lift
    had the window ended on each of its days (:func:`daily_lift`)."""
    frame = campaign_outcomes(store, campaign_id, window_days=window_days)
    result = _measure(frame, campaign_id, confidence=confidence, currency=shop_currency(store))
    return result, daily_lift(store, frame, result, campaign_id)


def daily_lift(
    store: Store,
    frame: pd.DataFrame,
    result: dict,
    campaign_id: str,
    *,
    default_margin: float | None = None,
) -> pd.DataFrame:
    """Profit lift per customer of each offer of `result` (the measured ones only) had the
    window ended on each day: the same customers, control group, CUPED adjustment and
    intervals as the offer's row of the lift table, so the last day equals that row. Columns
    ``day`` (0 = the day sent), ``arm``, ``lift``, ``low``, ``high``."""
    columns = ["day", "arm", "lift", "low", "high"]
    measured = [a["offer_id"] for a in result["arms"]]
    if not measured:
        return pd.DataFrame(columns=columns)
    rows = _chosen_and_held_out(frame) if "per_offer_control" in result else frame
    days = int(frame.attrs["window_days"])
    margin = load_settings().default_margin if default_margin is None else default_margin
    daily = queries.daily_outcomes(store, campaign_id, days, margin)
    daily["profit"] = daily["revenue"] - daily["cost"]
    by_day = (
        daily.pivot_table(index="customer_id", columns="day", values="profit", aggfunc="sum")
        .reindex(columns=range(days), fill_value=0.0)
        .fillna(0.0)
        .cumsum(axis=1)
        .reindex(rows["customer_id"].to_numpy(), fill_value=0.0)
    )
    out = []
    fewest = result["method"]["min_arm_customers"]
    for day in range(days):
        part = rows.copy()
        if day < days - 1:  # the last day is the window's outcome itself
            part["profit"] = by_day[day].to_numpy() - rows["send_cost"].to_numpy()
        lifts = estimate_lift(
            part,
            confidence=result["confidence"],
            with_segments=False,
            min_arm_customers=fewest,
        )
        for arm in lifts["arms"]:
            if arm["offer_id"] in measured:
                e = arm["lift"]["profit_per_customer"]
                out.append((day, arm["offer_id"], e["estimate"], e["low"], e["high"]))
    return pd.DataFrame(out, columns=columns)


def _measure(
    frame: pd.DataFrame,
    campaign_id: str,
    *,
    confidence: float,
    segments: pd.DataFrame | None = None,
    min_arm_customers: int = MIN_ARM_CUSTOMERS,
    currency: str | None = None,
) -> dict:
    if segments is not None:
        labels = segments.set_index("customer_id")["segment"]
        frame["segment"] = labels.reindex(frame["customer_id"]).fillna("unknown").to_numpy()
    result = estimate_lift(frame, confidence=confidence, min_arm_customers=min_arm_customers)
    chosen = _chosen_and_held_out(frame)
    if chosen is not None:  # like for like: the plan chose who got each offer
        result["method"]["per_offer"] = PER_OFFER_METHOD
        held = int((chosen["arm"] == CONTROL).sum())
        result["held_out_customers"] = held
        if held >= result["method"]["min_arm_customers"]:
            per_offer = estimate_lift(
                chosen, confidence=confidence, min_arm_customers=min_arm_customers
            )
            result["arms"], result["too_few"] = per_offer["arms"], per_offer["too_few"]
            if "segments" in per_offer:
                result["segments"] = per_offer["segments"]
            result["per_offer_control"] = per_offer["control"]
        else:  # against everyone who got nothing they would be biased by the choice itself
            result["arms"], result["too_few"], result["segments"] = [], [], []
    if frame["coupon_code"].notna().any():
        redeemed = (frame if chosen is None else chosen).groupby("arm")["redeemed"].sum()
        for arm in result["arms"]:
            arm["redemptions"] = int(redeemed.get(arm["offer_id"], 0))
    if frame["group"].notna().any():
        result["groups"] = {str(k): int(v) for k, v in frame["group"].value_counts().items()}
    days = int(frame.attrs["window_days"])
    shared = frame.attrs.get("shared_codes") or {}
    if shared.get("customers"):  # a code used by someone it was not given to
        result["shared_codes"] = dict(shared)
    if frame.attrs.get("early_code_orders"):  # a code used before its send
        result["early_code_orders"] = int(frame.attrs["early_code_orders"])
    visitors = frame.attrs.get("visitors") or {}
    if visitors.get("customers"):  # answered outside the plan: counted apart, not measured
        result["visitors"] = dict(visitors)
    if frame.attrs.get("never_offered"):  # left out of a designed test: not measured
        result["never_offered"] = int(frame.attrs["never_offered"])
    other = frame.attrs.get("other_codes") or {}
    if other.get("customers"):  # the shop's own promotions in the window
        result["other_codes"] = dict(other)
    if frame.attrs.get("open_windows"):  # outcomes so far only: say so wherever the verdict is
        result["open_windows"] = {
            "customers": int(frame.attrs["open_windows"]),
            "of": len(frame),
            "window_days": days,
            "data_until": frame.attrs.get("data_until"),
        }
    result = {"campaign_id": campaign_id, "window_days": days, **result}
    if currency:  # the shop's currency code, where it is known (data.currency)
        result["currency"] = currency
    # the verdict once all is known: the plan's own control, the randomized control group, shared
    # codes, open windows and the campaign's name (when it has no outcomes yet)
    result["summary"] = summary(result)
    return result

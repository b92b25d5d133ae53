"""Measure a logged campaign against its control group: conversion, revenue and profit lift
per offer with honest intervals, the campaign's incremental profit, a verdict in plain words,
the sample size that would have been needed, and the same per segment.

:func:`estimate_lift` works on an outcomes frame (one row per exposure) and holds all the
statistics (in :mod:`promopilot.campaigns.estimate`, imported from here as before);
:func:`measure_campaign` reads the frame from the store and calls it.
"""

from __future__ import annotations

import pandas as pd

from promopilot.campaigns.estimate import (
    COVARIATES,
    METRICS,
    MIN_PER_ARM,
    SEGMENT_TOO_FEW,
    estimate_lift,
    per_segment,
)
from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.lift_words import MIN_ARM_CUSTOMERS, summary
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.config import load_settings
from promopilot.data.money_signs import money_currency
from promopilot.data.queries import measure as queries
from promopilot.data.store import Store

__all__ = [
    "COVARIATES",
    "METRICS",
    "MIN_ARM_CUSTOMERS",
    "MIN_PER_ARM",
    "PER_OFFER_METHOD",
    "SEGMENT_TOO_FEW",
    "daily_lift",
    "estimate_lift",
    "measure_campaign",
    "measure_with_daily",
    "per_segment",
]


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
        currency=money_currency(store),
    )


def measure_with_daily(
    store: Store, campaign_id: str, *, window_days: int | None = None, confidence: float = 0.95
) -> tuple[dict, pd.DataFrame]:
    """:func:`measure_campaign` and, for the report's chart, each measured offer's profit lift
    had the window ended on each of its days (:func:`daily_lift`)."""
    frame = campaign_outcomes(store, campaign_id, window_days=window_days)
    result = _measure(frame, campaign_id, confidence=confidence, currency=money_currency(store))
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
    if result["buyers"] == 0 and frame.attrs.get("no_outcomes"):  # what the data hold instead
        result["no_outcomes"] = frame.attrs["no_outcomes"]
    if past := frame.attrs.get("past_data"):  # a file's campaign: its window beyond the data
        result["window_past_data"] = {**past, "of": len(frame), "window_days": days}
    result = {"campaign_id": campaign_id, "window_days": days, **result}
    if currency:  # the shop's currency code, where it is known (data.currency)
        result["currency"] = currency
    # the verdict once all is known: the plan's own control, the randomized control group, shared
    # codes, open windows and the campaign's name (when it has no outcomes yet)
    result["summary"] = summary(result)
    return result

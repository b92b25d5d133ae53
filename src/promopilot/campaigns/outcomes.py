"""Each exposure of a campaign with its outcome: converted, revenue, profit, and the same
customer's spend in the pre-period (for CUPED).

Per customer of an arm (customers without an order count as zero): converted = at least one
order (not a return) in ``[sent_at, sent_at + window)``; revenue = sum of quantity x unit_price
- discount of those orders; profit = revenue - sum of quantity x cost (the default margin where
the cost is unknown) - the offer's send cost for customers who were sent a message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, window_open
from promopilot.campaigns.no_outcomes import no_outcome_facts
from promopilot.config import load_settings
from promopilot.data.queries import measure as queries
from promopilot.data.store import Store
from promopilot.data.words import counted
from promopilot.exceptions import InputError, NotEnoughDataError, UnknownIdError

SEGMENT_NEW = "new: no order before"
SEGMENT_ONE = "one order before"
SEGMENT_REPEAT = "repeat: 2+ orders before"


def resolve_window(window_days: int | None) -> int:
    """The attribution window: the given one, else the `campaign_window_days` setting."""
    days = load_settings().campaign_window_days if window_days is None else int(window_days)
    if days <= 0:
        raise InputError(f"window_days must be positive, got {days}")
    return days


def campaign_outcomes(
    store: Store,
    campaign_id: str | None,
    *,
    window_days: int | None = None,
    default_margin: float | None = None,
) -> pd.DataFrame:
    """One row per exposure: ``arm`` (offer id or ``control``), ``propensity`` (missing ones
    filled as uniform over the campaign's arms), ``converted``, ``revenue``, ``profit``,
    ``pre_revenue``, ``pre_orders``, ``segment`` and the raw columns of the log.

    ``campaign_id=None`` reads every logged campaign. Visitors `promopilot serve` answered
    outside the plan it served (group ``visitor``) are left out, and counted in
    ``attrs["visitors"]`` (``customers``, ``offered``: shown an exploration offer); so are the
    customers no offer could reach in a campaign that sent offers (group ``none``, propensity
    1: left out of a designed test before it was drawn), counted in ``attrs["never_offered"]``
    (:func:`~promopilot.data.queries.campaigns.never_offered`)."""
    days = resolve_window(window_days)
    margin = load_settings().default_margin if default_margin is None else default_margin
    frame = queries.exposure_outcomes(store, campaign_id, days, margin)
    if frame.empty:
        if campaign_id is None:
            raise UnknownIdError("the store has no logged campaigns")
        known = queries.campaign_list(store)["campaign_id"].tolist()
        hint = f" (known: {', '.join(map(str, known[:10]))})" if known else ""
        raise UnknownIdError(f"campaign {campaign_id!r} is not in the store{hint}")
    frame, visitors = _without_visitors(frame, campaign_id)
    # no offer could reach them (left out of a designed test): no control customers
    never = frame.pop("never_offered").to_numpy(dtype=bool)
    frame = frame[~never].reset_index(drop=True)
    if frame.empty:  # the only offers went to visitors answered outside the plan
        which = f"campaign {campaign_id!r}" if campaign_id is not None else "the store"
        raise NotEnoughDataError(
            f"{which} sent offers only to {counted(visitors['offered'], 'visitor')} answered "
            f"outside the plan it served; no offer could reach its "
            f"{counted(int(never.sum()), 'customer')} (given nothing for certain): nothing to "
            "measure"
        )
    frame["arm"] = np.where(frame["offer_id"] == "", CONTROL, frame["offer_id"])
    frame["propensity"] = _propensity(frame)
    frame["converted"] = frame["converted"].astype(int)
    frame["profit"] = frame["revenue"] - frame["cost"] - frame["send_cost"]
    frame["segment"] = buyer_segment(frame["orders_before"].to_numpy())
    frame.attrs["window_days"] = days
    frame.attrs["visitors"] = visitors
    frame.attrs["never_offered"] = int(never.sum())
    # only for what promopilot logged (send, serve): a past campaign handed over in a file is
    # history (the Hillstrom test dates its outcomes nominally, a week after the e-mail)
    logged = frame["group"].notna().to_numpy()
    frame.attrs.update(open_windows(store, frame.loc[logged, "sent_at"], days))
    frame.attrs["past_data"] = windows_past_data(store, frame.loc[~logged, "sent_at"], days)
    if campaign_id is not None:
        users = queries.shared_code_users(store, campaign_id, days)
        frame.attrs["shared_codes"] = {
            "customers": len(users),
            "sent_nothing": int((users["in_campaign"] & (users["offer_id"] == "")).sum()),
        }
        frame.attrs["early_code_orders"] = queries.early_code_orders(store, campaign_id)
        other = queries.other_codes(store, campaign_id, days)
        frame.attrs["other_codes"] = {
            "customers": int(other["total"].iloc[0]) if len(other) else 0,
            "codes": int(other["codes"].iloc[0]) if len(other) else 0,
            "top": {str(r.code): int(r.customers) for r in other.itertuples(index=False)},
        }
        if not frame["converted"].any():  # what the data hold instead, for the report's words
            frame.attrs["no_outcomes"] = no_outcome_facts(store, frame, campaign_id, days)
    return frame


def _without_visitors(frame: pd.DataFrame, campaign_id: str | None) -> tuple[pd.DataFrame, dict]:
    """`frame` without the visitors answered outside the plan, and how many there were. They
    are no part of the plan's campaign: counted among those who got nothing, customers the plan
    never chose (typically new, with another baseline) would move the campaign's figures."""
    visitor = (frame["group"] == queries.VISITOR_GROUP).to_numpy()
    counts = {
        "customers": int(visitor.sum()),
        "offered": int((frame.loc[visitor, "offer_id"] != "").sum()),
    }
    if not visitor.any():
        return frame, counts
    kept = frame[~visitor].reset_index(drop=True)
    if kept.empty:
        which = f"campaign {campaign_id!r}" if campaign_id is not None else "the store"
        raise NotEnoughDataError(
            f"{which} logged only {counted(counts['customers'], 'visitor')} answered outside the "
            "plan it served, none of the plan's own customers: nothing to measure yet"
        )
    return kept, counts


def open_windows(store: Store, sent_at: pd.Series, days: int) -> dict:
    """How many exposures' windows end more than a day after the store's latest order or event
    (``open_windows``), and that time in the shop's zone (``data_until``): their outcomes are
    only those known so far (a report run before the window is over, or before the later
    orders were ingested; :func:`~promopilot.campaigns.history.window_open`)."""
    _, until = store.date_range()  # the latest order or event
    if until is None or sent_at.empty:  # no order nor event at all: "no outcomes yet" says it
        return {"open_windows": 0, "data_until": None}
    n_open = int(window_open(sent_at, days, until).sum())
    return {"open_windows": n_open, "data_until": store.local_text(until)}


def windows_past_data(store: Store, sent_at: pd.Series, days: int) -> dict | None:
    """For a past campaign from a file (not logged by promopilot, so not "Not final"): where
    its windows run past the store's latest order or event, how many (``customers``), how
    many days after the latest send the data reach (``days``) and until when (``data_until``);
    None where every window is inside the data. The window is a setting the file cannot tell:
    Hillstrom's outcomes, "within two weeks" of the e-mail, are dated 7 days after it, so its
    14-day window holds 7 days of data."""
    _, until = store.date_range()
    if until is None or sent_at.empty:
        return None
    past = int(window_open(sent_at, days, until).sum())
    if not past:
        return None
    reach = (until - pd.to_datetime(sent_at).max()) / pd.Timedelta(days=1)
    return {
        "customers": past,
        "days": round(max(float(reach), 0.0), 1),
        "data_until": store.local_text(until),
    }


def _propensity(frame: pd.DataFrame) -> np.ndarray:
    n_arms = frame.groupby("campaign_id")["arm"].transform("nunique").to_numpy()
    p = frame["propensity"].astype(float).to_numpy()
    bad = np.isfinite(p) & ((p <= 0) | (p > 1))
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise InputError(
            f"campaigns: customer {row['customer_id']!r} of campaign {row['campaign_id']!r} has "
            f"propensity {row['propensity']}: expected a probability in (0, 1]"
        )
    return np.where(np.isfinite(p), p, 1.0 / n_arms)


def buyer_segment(orders_before: np.ndarray) -> np.ndarray:
    """A segment everyone has at send time: new, one order before, repeat buyer."""
    n = np.asarray(orders_before)
    return np.where(n == 0, SEGMENT_NEW, np.where(n == 1, SEGMENT_ONE, SEGMENT_REPEAT))


def daily_profit(
    store: Store, outcomes: pd.DataFrame, campaign_id: str, *, default_margin: float | None = None
) -> pd.DataFrame:
    """Cumulative profit per customer by day of the window, per arm (Hajek-weighted means, send
    costs on day 0): columns ``day``, ``arm``, ``profit_per_customer``, ``lift``."""
    days = int(outcomes.attrs.get("window_days") or resolve_window(None))
    margin = load_settings().default_margin if default_margin is None else default_margin
    daily = queries.daily_outcomes(store, campaign_id, days, margin)
    weights = 1.0 / outcomes.set_index("customer_id")["propensity"]
    arm = outcomes.set_index("customer_id")["arm"]
    daily["arm"] = arm.reindex(daily["customer_id"]).to_numpy()
    daily["w"] = weights.reindex(daily["customer_id"]).to_numpy()
    daily["profit"] = (daily["revenue"] - daily["cost"]) * daily["w"]
    totals = outcomes.assign(w=1.0 / outcomes["propensity"]).groupby("arm")["w"].sum()
    send = (outcomes["send_cost"] / outcomes["propensity"]).groupby(outcomes["arm"]).sum()
    grid = pd.MultiIndex.from_product([sorted(totals.index), range(days)], names=["arm", "day"])
    per_day = daily.groupby(["arm", "day"])["profit"].sum().reindex(grid, fill_value=0.0)
    cumulative = per_day.groupby(level="arm").cumsum()
    cumulative = cumulative.sub(send.reindex(cumulative.index.get_level_values("arm")).to_numpy())
    per_customer = cumulative / totals.reindex(cumulative.index.get_level_values("arm")).to_numpy()
    out = per_customer.rename("profit_per_customer").reset_index()
    if CONTROL in totals.index:
        control = out[out["arm"] == CONTROL].set_index("day")["profit_per_customer"]
        out["lift"] = out["profit_per_customer"] - control.reindex(out["day"]).to_numpy()
    else:
        out["lift"] = np.nan
    return out

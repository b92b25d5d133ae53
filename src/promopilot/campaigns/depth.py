"""Promotion depth: across every logged campaign, how response and profit change with how deep
the discount was, per segment, with intervals, so the owner sees where deeper discounts stop
paying.

Depth of an offer in a campaign: its nominal share off (``percent_off``: the value;
``amount_off``: value / min_spend, the largest share it can take; ``amount_off_every``, 每满:
value / step, the share of every full step; a cap, max_discount, is named beside it) and the
realized one: discount
money / gross value of the orders its customers placed in the window. Free shipping has no
depth: its cost is the shipping fee, which order lines do not record (their discount is 0, which
would read as a 0% depth); it is measured like any offer but kept off the depth scale, and the
verdict names it as free shipping. Each (campaign, offer, segment) is measured against that
campaign's own control group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.measure import MIN_ARM_CUSTOMERS, _chosen_and_held_out, estimate_lift
from promopilot.campaigns.outcomes import campaign_outcomes
from promopilot.data.currency import money
from promopilot.data.shares import whole_percent
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError

ALL = "all customers"
FREE_SHIPPING = "free_shipping"  # the offer kind without a depth (data.schema.OFFER_KINDS)
NO_DISCOUNT = "no discount"  # a depth of exactly 0: an offer that took nothing off (an e-mail)


def depth_words(depth: float) -> str:
    """A depth in the verdict's words: ``10%``, ``0.4%`` (a small realized depth, not "0%":
    :func:`~promopilot.data.shares.whole_percent`), or ``no discount`` where the offer took
    nothing off (Hillstrom's e-mails: no discount promised, none in their orders)."""
    return NO_DISCOUNT if depth == 0 else whole_percent(depth)


def nominal_depth(kind: pd.Series, value: pd.Series, min_spend: pd.Series) -> np.ndarray:
    """Share off the order an offer promises (NaN where it depends on the basket)."""
    kind = kind.fillna("").to_numpy()
    value = value.astype(float).to_numpy()
    spend = min_spend.astype(float).fillna(0).to_numpy()
    amount = np.divide(value, spend, out=np.full(len(value), np.nan), where=spend > 0)
    per_amount = np.isin(kind, ("amount_off", "amount_off_every"))  # 满减, 每满: of min_spend
    return np.where(kind == "percent_off", value, np.where(per_amount, amount, np.nan))


def depth_table(
    frame: pd.DataFrame, *, confidence: float = 0.95, by_segment: bool = True
) -> pd.DataFrame:
    """One row per (campaign, offer, segment): depth, customers, conversion and profit lift
    with intervals against the campaign's control. `frame`: outcomes of one or more campaigns."""
    rows = []
    for campaign, whole in frame.groupby("campaign_id", sort=True):
        if not whole["converted"].any():  # no outcomes yet (just sent): nothing to measure
            continue
        # as the campaign's own report measures it: a plan's chosen customers against the
        # control held out from its choices (none when that group is too small)
        part = whole
        if "group" in whole.columns:
            chosen = _chosen_and_held_out(whole)
            if chosen is not None:
                if (chosen["arm"] == CONTROL).sum() < MIN_ARM_CUSTOMERS:
                    continue
                part = chosen
        groups = [(ALL, part)]
        if by_segment and "segment" in part.columns:
            groups += list(part.groupby("segment", sort=True))
        offers = part[part["arm"] != CONTROL]
        gross = offers["revenue"] + offers["discount"]
        realized = offers["discount"].groupby(offers["arm"]).sum() / gross.groupby(
            offers["arm"]
        ).sum().replace(0, np.nan)
        first = offers.groupby("arm").first()
        nominal = pd.Series(
            nominal_depth(first["offer_kind"], first["offer_value"], first["offer_min_spend"]),
            index=first.index,
        )
        # the most one order got off (每满100减10，最高减50: 50), NaN without a cap
        cap = first.get("offer_max_discount", pd.Series(np.nan, index=first.index))
        for segment, rows_of in groups:
            try:
                result = estimate_lift(rows_of, confidence=confidence, with_segments=False)
            except NotEnoughDataError:
                continue
            for arm in result["arms"]:
                conv, profit = (arm["lift"]["conversion"], arm["lift"]["profit_per_customer"])
                rows.append(
                    {
                        "campaign_id": campaign,
                        "offer_id": arm["offer_id"],
                        "kind": first["offer_kind"].get(arm["offer_id"]),
                        "max_discount": cap.get(arm["offer_id"], np.nan),
                        "segment": segment,
                        "nominal_depth": nominal.get(arm["offer_id"], np.nan),
                        "realized_depth": realized.get(arm["offer_id"], np.nan),
                        "customers": arm["customers"],
                        "control_customers": result["control"]["customers"],
                        "conversion_lift": conv["estimate"],
                        "conversion_low": conv["low"],
                        "conversion_high": conv["high"],
                        "profit_lift": profit["estimate"],
                        "profit_low": profit["low"],
                        "profit_high": profit["high"],
                    }
                )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    depth = table["nominal_depth"].fillna(table["realized_depth"])
    table["depth"] = depth.where(table["kind"] != FREE_SHIPPING)
    return table.sort_values(
        ["segment", "depth", "campaign_id", "offer_id"], kind="stable"
    ).reset_index(drop=True)


def depth_finding(table: pd.DataFrame, segment: str = ALL, currency: str | None = None) -> dict:
    """The facts of one segment's verdict, its figures written once so that every language
    shows the same numbers: ``segment``; and where an offer with a known depth was measured, the
    most profitable ``depth`` with its ``offer_id``, ``campaign_id`` and ``profit_lift``,
    ``profit_low``, ``profit_high``, the deeper depths whose profit-lift interval is wholly below
    it (``stopped``, each once), whether any deeper depth was measured (``deeper``), whether it
    is the only depth measured (``only``: then it is not called the most profitable) and whether
    the best itself paid by its interval (``pays``: ``yes``, ``no`` or ``unclear``); where
    free shipping was measured, its most profitable row as ``free_shipping`` (``offer_id``,
    ``campaign_id`` and the profit figures): it has no depth, so it is named on its own. The
    profit figures are money as :func:`~promopilot.data.currency.money` writes it, in the
    shop's `currency` where it is known (``1.25 EUR``)."""
    rows = table[table["segment"] == segment]
    finding: dict = {"segment": segment}
    if "kind" in rows.columns:
        shipping = rows[rows["kind"] == FREE_SHIPPING]
        if not shipping.empty:
            finding["free_shipping"] = _profit_figures(
                shipping.loc[shipping["profit_lift"].idxmax()], currency
            )
    part = rows[rows["depth"].notna()]
    if part.empty:
        return finding
    best = part.loc[part["profit_lift"].idxmax()]
    deeper = part[part["depth"] > best["depth"]]
    worse = deeper[deeper["profit_high"] < best["profit_lift"]]
    return {
        **finding,
        "depth": depth_words(best["depth"]),
        **_profit_figures(best, currency),
        "stopped": list(dict.fromkeys(depth_words(d) for d in sorted(worse["depth"]))),
        "deeper": bool(len(deeper)),
        # one depth measured (Hillstrom's two e-mails, no discount each): nothing to call it
        # best against
        "only": bool(part["depth"].nunique() == 1),
        # the best of them need not pay: gain, loss or unclear by its own interval
        "pays": "yes" if best["profit_low"] > 0 else "no" if best["profit_high"] < 0 else "unclear",
    }


def _profit_figures(row: pd.Series, currency: str | None) -> dict[str, str]:
    return {
        "offer_id": str(row["offer_id"]),
        "campaign_id": str(row["campaign_id"]),
        **{k: money(row[k], currency) for k in ("profit_lift", "profit_low", "profit_high")},
    }


def verdict_text(finding: dict) -> str:
    """A :func:`depth_finding` in words (English; the report adds its Chinese)."""
    segment = finding["segment"]
    if "depth" not in finding:
        return f"{segment}: no offer with a known depth was measured." + _free_shipping_text(
            finding
        )
    measured = (
        f"({finding['offer_id']} in {finding['campaign_id']}: profit lift "
        f"{finding['profit_lift']} per customer, interval {finding['profit_low']} to "
        f"{finding['profit_high']})"
    )
    if finding.get("only"):
        text = (
            f"{segment}: only one depth was measured, {finding['depth']} {measured}; there is "
            "no other depth to compare it with."
        )
    else:
        text = f"{segment}: the most profitable depth was {finding['depth']} {measured}."
    pays = finding.get("pays")
    if pays == "unclear":
        text += " It was not shown to pay: its interval includes zero."
    elif pays == "no":
        text += " It lost money too: its interval is wholly below zero."
    if finding["stopped"]:
        text += (
            f" Deeper discounts ({', '.join(finding['stopped'])})"
            " had profit-lift intervals wholly below that: there, deeper stopped paying."
        )
    elif finding["deeper"]:
        text += " Deeper discounts were not clearly worse."
    return text + _free_shipping_text(finding)


def _free_shipping_text(finding: dict) -> str:
    shipping = finding.get("free_shipping")
    if not shipping:
        return ""
    return (
        f" Free shipping ({shipping['offer_id']} in {shipping['campaign_id']}; it costs the "
        f"shipping fee, not a share of the order, so it has no depth): profit lift "
        f"{shipping['profit_lift']} per customer, interval {shipping['profit_low']} to "
        f"{shipping['profit_high']}."
    )


def depth_verdict(table: pd.DataFrame, segment: str = ALL, currency: str | None = None) -> str:
    """Where deeper discounts stop paying, in words (for one segment), money in `currency`
    where it is known."""
    return verdict_text(depth_finding(table, segment, currency))


def promotion_depth(
    store: Store,
    *,
    window_days: int | None = None,
    confidence: float = 0.95,
    by_segment: bool = True,
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`depth_table` over every logged campaign with a control group, and the verdict per
    segment."""
    frame = campaign_outcomes(store, None, window_days=window_days)
    table = depth_table(frame, confidence=confidence, by_segment=by_segment)
    if table.empty:
        raise NotEnoughDataError(
            "no logged campaign has a control group and an offer: "
            "promotion depth cannot be measured"
        )
    return table, [depth_verdict(table, s) for s in table["segment"].unique()]

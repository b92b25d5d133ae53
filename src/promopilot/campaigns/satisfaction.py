"""Satisfaction after a campaign: do the customers an offer brought in return more and review
worse than the control group's buyers?

Per customer who bought in the window: the share of the items bought that were returned within
the review period, and the mean sentiment (lexicon, Chinese and English; -1..1) and rating of
the reviews they wrote on those products. Each arm's buyers are compared with the control's
buyers (Hajek-weighted Welch, as in :mod:`promopilot.campaigns.lift`). Buyers of an offer are a
selected group (the offer brings in extra buyers), so this describes who came, not a causal
effect of the offer on a given buyer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.campaigns import lift as stats
from promopilot.campaigns.history import CONTROL
from promopilot.campaigns.outcomes import resolve_window
from promopilot.data.queries import measure as queries
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError, UnknownIdError

REVIEW_DAYS = 60


def satisfaction_frame(
    store: Store,
    campaign_id: str,
    *,
    window_days: int | None = None,
    review_days: int = REVIEW_DAYS,
) -> pd.DataFrame:
    """One row per buyer of the campaign: arm, propensity, return share, sentiment, rating.
    Customers no offer could reach (group ``none``, nothing for certain, in a campaign that sent
    offers) are left out, counted in ``attrs["never_offered"]``, as the lift table leaves them.
    The return share is missing (NaN) for every buyer where the shop's orders hold no return
    line at all (``attrs["returns_recorded"]`` False): what came back is not known."""
    from promopilot.text.sentiment import LexiconSentiment

    days = resolve_window(window_days)
    frame = queries.after_campaign_satisfaction(store, campaign_id, days, review_days)
    if frame.empty:
        raise UnknownIdError(f"campaign {campaign_id!r} is not in the store")
    # no offer could reach them (left out of a designed test): no control customers, as in the
    # lift table (campaigns.outcomes)
    never = frame.pop("never_offered").to_numpy(dtype=bool)
    frame = frame[~never]
    group = frame["group"].fillna("").to_numpy(dtype=object)
    if (group == "target").any() and (group == "control").any():
        # as the lift table: the customers the plan chose against the control held out from
        # its choices (not everyone who got nothing, who differ by the choice itself)
        frame = frame[(group == "target") | (group == "control")]
    control_customers = int((frame["offer_id"] == "").sum())
    frame = frame[frame["items_bought"] > 0].copy()
    frame.attrs.update(
        window_days=days,
        review_days=review_days,
        control_customers=control_customers,
        never_offered=int(never.sum()),
    )
    frame["arm"] = np.where(frame["offer_id"] == "", CONTROL, frame["offer_id"])
    frame["propensity"] = frame["propensity"].fillna(1.0 / max(frame["arm"].nunique(), 1))
    frame["return_share"] = np.clip(frame["items_returned"] / frame["items_bought"], 0, 1)
    if not queries.records_returns(store):  # no return line anywhere: not known, not 0%
        frame["return_share"] = np.nan
        frame.attrs["returns_recorded"] = False
    if not queries.records_reviews(store):  # no review anywhere: sentiment and rating unknown
        frame.attrs["reviews_recorded"] = False
    texts = frame["texts"].dropna()
    sentiment = pd.Series(np.nan, index=frame.index)
    if len(texts):
        flat = texts.explode()
        scores = LexiconSentiment().fit().predict_score(flat.astype(str).tolist())
        sentiment = pd.Series(scores, index=flat.index).groupby(level=0).mean().reindex(frame.index)
    frame["sentiment"] = sentiment
    return frame.drop(columns=["texts"])


def compare_satisfaction(frame: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Per offer: buyers, return share, sentiment and rating, each minus the control buyers',
    with intervals (metrics with fewer than 2 values on a side are left empty)."""
    control = frame[frame["arm"] == CONTROL]
    if len(control) < 2:
        raise NotEnoughDataError(
            "fewer than 2 control customers bought: satisfaction cannot be compared"
        )
    rows = []
    for arm, part in frame[frame["arm"] != CONTROL].groupby("arm", sort=True):
        row = {"offer_id": arm, "buyers": len(part), "control_buyers": len(control)}
        if "control_customers" in frame.attrs:
            row["control_customers"] = frame.attrs["control_customers"]
        for metric in ("return_share", "sentiment", "rating"):
            a, c = part[part[metric].notna()], control[control[metric].notna()]
            row[f"{metric}_n"] = len(a)
            row[f"{metric}_offer"] = stats.arm_mean(a[metric], 1 / a["propensity"]).mean
            row[f"{metric}_control"] = stats.arm_mean(c[metric], 1 / c["propensity"]).mean
            if len(a) >= 2 and len(c) >= 2:
                diff = stats.difference(
                    stats.arm_mean(a[metric], 1 / a["propensity"]),
                    stats.arm_mean(c[metric], 1 / c["propensity"]),
                    confidence,
                )
                row.update(
                    {
                        f"{metric}_diff": diff.estimate,
                        f"{metric}_low": diff.low,
                        f"{metric}_high": diff.high,
                    }
                )
        rows.append(row)
    return pd.DataFrame(rows)


def campaign_satisfaction(
    store: Store,
    campaign_id: str,
    *,
    window_days: int | None = None,
    confidence: float = 0.95,
    review_days: int = REVIEW_DAYS,
) -> pd.DataFrame:
    """Return share, review sentiment and rating of each offer's buyers against the control's."""
    frame = satisfaction_frame(store, campaign_id, window_days=window_days, review_days=review_days)
    table = compare_satisfaction(frame, confidence=confidence)
    table.attrs.update(frame.attrs)
    return table

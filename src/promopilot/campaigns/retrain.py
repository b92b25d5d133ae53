"""Learn again from everything logged: after a campaign's outcomes are in, rebuild the customer
profile (features, lifetime value, churn, segments) and the uplift training set from every
logged campaign, the new one included, and score the response model on it.

The planner refits its response model from the logged campaigns each time it plans, so
retraining is what makes the newest outcomes count, and what tells whether they changed the
model's quality. The feature function and the model evaluation come from the planner (a layer
above this one) as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from promopilot.campaigns.history import (
    CONTROL,
    CampaignData,
    FeatureFn,
    campaign_training_data,
)
from promopilot.campaigns.outcomes import campaign_outcomes, resolve_window
from promopilot.data.store import Store
from promopilot.exceptions import NotEnoughDataError


@dataclass
class RetrainResult:
    profile: Any  # promopilot.profile.build.Profile
    campaigns: pd.DataFrame  # per logged campaign: customers, arms, buyers, revenue, profit
    training: CampaignData | None  # None while too few exposures have outcomes (see note)
    evaluation: Any | None  # what `evaluate` returned
    window_days: int
    note: str = ""  # why there is no training set, when there is none
    unscored: str = ""  # why the response model was not scored, when `evaluate` could not


def campaign_summary(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per logged campaign: when, customers, offers, control size, buyers, revenue, profit."""
    grouped = outcomes.groupby("campaign_id", sort=False)
    table = pd.DataFrame(
        {
            "sent_at": grouped["sent_at"].min(),
            "customers": grouped.size(),
            "offers": grouped["offer_id"].agg(lambda s: s[s != ""].nunique()),
            "control": grouped["arm"].agg(lambda s: int((s == "control").sum())),
            "buyers": grouped["converted"].sum(),
            "revenue": grouped["revenue"].sum(),
            "profit": grouped["profit"].sum(),
        }
    )
    return table.sort_values("sent_at").reset_index()


def retrain(
    store: Store,
    feature_fn: FeatureFn,
    *,
    evaluate: Callable[[CampaignData], Any] | None = None,
    window_days: int | None = None,
    as_of: pd.Timestamp | str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RetrainResult:
    """Rebuild the profile as of `as_of` (default: the day after the data ends), the uplift
    training set from all logged campaigns (features as of each send date, outcomes in the
    window) and, with `evaluate`, score the response model on it."""
    from promopilot.profile.build import build_profile

    tell = progress or (lambda _step: None)
    days = resolve_window(window_days)
    tell("profile")
    profile = build_profile(store, as_of=as_of)
    tell("outcomes")
    summary = campaign_summary(campaign_outcomes(store, None, window_days=days))
    tell("training data")
    training, note, evaluation, unscored = None, "", None, ""
    try:
        training = campaign_training_data(store, feature_fn, window_days=days)
    except NotEnoughDataError as error:
        # e.g. the only campaign was just sent: its outcomes are not in yet, the rebuilt
        # profile still stands
        note = f"no uplift training set yet: {error}"
    if evaluate is not None:
        tell("response model")
        if training is not None and set(training.arms) - {CONTROL}:
            try:
                evaluation = evaluate(training)
            except NotEnoughDataError as error:  # e.g. a control group of two customers
                unscored = f"response model not scored: {error}"
        elif training is None:  # e.g. the campaigns wait for their outcomes, or too few
            # exposures: the reason, not "no customer got an offer" when many did
            unscored = f"response model not scored: {note}"
        # else: every logged customer got nothing (e.g. a plan that sent no offer):
        # there is no response to score yet, the rebuilt profile still stands
    return RetrainResult(profile, summary, training, evaluation, days, note, unscored)

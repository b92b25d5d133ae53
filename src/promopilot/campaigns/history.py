"""Past campaigns as training data for uplift models.

For every customer exposed in a past campaign: the features as they were when the campaign was
sent (no leakage from after it), the arm they got (an offer, or ``control``), the logged
propensity, and the outcome: whether they bought in the campaign window, and how much.
Outcomes are not a separate table: they are the orders placed after ``sent_at``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from promopilot.data.queries.campaigns import campaign_exposures, window_outcomes
from promopilot.data.store import Store
from promopilot.data.words import counted, noun_for
from promopilot.exceptions import NotEnoughDataError

CONTROL = "control"
MIN_ARM_ROWS = 30
"""An offer given to fewer customers than this in the past campaigns used is left out of the
training data (:func:`without_thin_arms`): its effect cannot be learned from so few, and the
models that split customers into folds cannot give every fold some of them. (The smallest offer
arm of the synthetic worlds at 2,000 customers has 48 customers.)"""
FeatureFn = Callable[[Store, pd.Timestamp], pd.DataFrame]
"""Customer features as of a date: ``feature_fn(store, as_of)`` returns one row per customer
(a ``customer_id`` column and the features), built from data before ``as_of`` only."""


@dataclass
class CampaignData:
    """Rows aligned with each other: one per (campaign, customer) exposure."""

    X: pd.DataFrame  # features as of the campaign's send date
    treatment: np.ndarray  # offer_id, or CONTROL
    propensity: np.ndarray  # logged probability of the arm the customer got
    bought: np.ndarray  # 1 if an order was placed in the window
    revenue: np.ndarray  # net revenue in the window (0 if none)
    campaign_id: np.ndarray
    customer_id: np.ndarray
    discount: np.ndarray | None = None  # discount money given in the window (0 if none)
    campaign_start: np.ndarray | None = None  # the campaign's send date, per row
    # campaigns whose log held no propensity (taken as uniform over their arms), and those
    # with no customer who got nothing (no control group)
    unlogged_propensity: tuple[str, ...] = ()
    no_control: tuple[str, ...] = ()
    # campaigns sent after the last recorded order or event: their outcomes are not in yet,
    # so they are left out (all zero purchases would read as "nobody bought")
    awaiting: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.treatment)

    @property
    def arms(self) -> list[str]:
        return sorted(set(self.treatment))

    def take(self, rows: np.ndarray) -> CampaignData:
        """The exposures at positions `rows` (the campaign-level notes are kept)."""

        def pick(a):
            return None if a is None else a[rows]

        return replace(
            self,
            X=self.X.iloc[rows].reset_index(drop=True),
            treatment=self.treatment[rows],
            propensity=self.propensity[rows],
            bought=self.bought[rows],
            revenue=self.revenue[rows],
            campaign_id=self.campaign_id[rows],
            customer_id=self.customer_id[rows],
            discount=pick(self.discount),
            campaign_start=pick(self.campaign_start),
        )


def without_thin_arms(
    data: CampaignData, min_rows: int = MIN_ARM_ROWS
) -> tuple[CampaignData, tuple[str, ...]]:
    """The exposures of every offer given to at least `min_rows` customers (the control group
    is always kept), and the offers left out."""
    arms, counts = np.unique(data.treatment.astype(str), return_counts=True)
    thin = tuple(str(a) for a, c in zip(arms, counts, strict=True) if c < min_rows and a != CONTROL)
    if not thin:
        return data, ()
    return data.take(np.flatnonzero(~np.isin(data.treatment.astype(str), thin))), thin


def thin_arms_note(thin: tuple[str, ...], consequence: str) -> str:
    """The line naming the offers :func:`without_thin_arms` left out ("" when none was)."""
    if not thin:
        return ""
    return (
        f"note: {noun_for(len(thin), 'offer')} {', '.join(thin)} went to fewer than "
        f"{MIN_ARM_ROWS} customers in the "
        f"past campaigns used: too few to learn from, {consequence}"
    )


OPEN_GRACE = pd.Timedelta(days=1)
"""A window is still open when it ends more than this after the latest order or event: a quiet
last day does not keep a campaign waiting."""


def window_open(sent_at: pd.Series, window_days: int, last: pd.Timestamp) -> np.ndarray:
    """Per exposure, whether its `window_days` after `sent_at` run more than
    :data:`OPEN_GRACE` past `last` (the store's latest order or event): its outcomes so far
    are all the data holds."""
    ends = pd.to_datetime(sent_at) + pd.Timedelta(days=window_days)
    return (ends > last + OPEN_GRACE).to_numpy()


def campaign_training_data(
    store: Store, feature_fn: FeatureFn, *, window_days: int = 14, min_rows: int = 200
) -> CampaignData:
    """Assemble uplift training data from every past campaign in the store.

    Propensities missing in the log are taken as uniform over the campaign's arms, which is
    right for a uniform randomized test and says so in the returned data's ``propensity``.
    A campaign sent after the last order or event in the store has no outcomes yet (one just
    recorded by ``send``, say), and one promopilot logged whose window ends more than a day
    after it has only part of them: both are left out and named in ``awaiting``.
    """
    exposures = campaign_exposures(store, control=CONTROL)
    # customers no offer could reach (left out of a designed test) are no control customers
    certain = exposures.pop("never_offered").to_numpy(dtype=bool)
    exposures = exposures[~certain].reset_index(drop=True)
    _, last = store.date_range()
    start = pd.to_datetime(exposures["campaign_start"])
    if last is None:
        late = pd.Series(True, index=exposures.index)
    else:
        # a campaign promopilot logged whose window runs more than a day past the data has
        # only part of its outcomes (a plan made days after a send); one from a file is history
        # (row by row: a live campaign's latest visitors wait, its earlier ones are used)
        still_open = exposures["logged"].astype(bool).to_numpy() & window_open(
            exposures["sent_at"], window_days, last
        )
        late = (start > last) | still_open
    every_row = late.groupby(exposures["campaign_id"]).transform("all")
    awaiting = tuple(sorted(set(exposures.loc[late & every_row, "campaign_id"].astype(str))))
    exposures = exposures[~late.to_numpy()]
    if len(exposures) < min_rows:
        waiting = (
            f" ({counted(len(awaiting), 'campaign')} whose window is not over in the data (sent "
            "after "
            "or less than the window before the last recorded order or event) "
            f"{'is' if len(awaiting) == 1 else 'are'} not counted until their outcomes are "
            f"ingested: {', '.join(awaiting)})"
            if awaiting
            else ""
        )
        raise NotEnoughDataError(
            f"only {len(exposures)} past campaign exposures: at least {min_rows} are needed to "
            f"learn who responds to which offer{waiting}"
        )
    outcomes = window_outcomes(store, window_days=window_days)
    exposures = exposures.merge(outcomes, on=["campaign_id", "customer_id"], how="left")
    n_arms = exposures.groupby("campaign_id")["arm"].transform("nunique")
    unlogged = tuple(sorted(set(exposures.loc[exposures["propensity"].isna(), "campaign_id"])))
    has_control = (exposures["arm"] == CONTROL).groupby(exposures["campaign_id"]).any()
    no_control = tuple(sorted(has_control.index[~has_control.to_numpy()].astype(str)))
    exposures["propensity"] = exposures["propensity"].fillna(1.0 / n_arms)
    frames = []
    for (_campaign, start), part in exposures.groupby(["campaign_id", "campaign_start"], sort=True):
        features = feature_fn(store, pd.Timestamp(start))
        joined = part.merge(features, on="customer_id", how="inner")
        frames.append(joined)
    data = pd.concat(frames, ignore_index=True)
    feature_cols = [c for c in data.columns if c not in exposures.columns]
    return CampaignData(
        X=data[feature_cols].reset_index(drop=True),
        treatment=data["arm"].to_numpy(dtype=object),
        propensity=data["propensity"].to_numpy(dtype=float),
        bought=data["bought"].fillna(False).to_numpy(dtype=int),
        revenue=data["revenue"].fillna(0.0).to_numpy(dtype=float),
        campaign_id=data["campaign_id"].to_numpy(dtype=object),
        customer_id=data["customer_id"].to_numpy(dtype=object),
        discount=data["discount"].fillna(0.0).to_numpy(dtype=float),
        campaign_start=pd.to_datetime(data["campaign_start"]).to_numpy(),
        unlogged_propensity=tuple(str(c) for c in unlogged),
        no_control=no_control,
        awaiting=awaiting,
    )

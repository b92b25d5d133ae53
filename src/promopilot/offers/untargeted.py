"""A plan that targets nobody: every customer in group ``none``, and the randomized test
proposed in its place; and which past campaigns a plan may learn from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CampaignData, thin_arms_note, without_thin_arms
from promopilot.config import Settings
from promopilot.data.store import Store
from promopilot.data.words import noun_for
from promopilot.offers.randomization import design_plan
from promopilot.offers.totals import plan_totals

if TYPE_CHECKING:
    from promopilot.offers.plan import PlanResult


def no_targets(
    store: Store,
    features: pd.DataFrame,
    offers: pd.DataFrame,
    result: PlanResult,
    why: str,
    settings: Settings,
    min_effect: float,
    run_test: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan when nobody can be targeted: nothing is sent, and a randomized test within the
    budget is proposed (sent instead with `run_test`)."""
    test, design = design_plan(
        store,
        features,
        offers,
        campaign_id=result.campaign_id,
        as_of=result.as_of,
        settings=settings,
        min_effect=min_effect,
        budget=result.budget,
        currency=result.currency,
    )
    if run_test:
        result.design = f"{why} The plan is this randomized test instead:\n{design}"
        plan = test
    else:
        result.design = (
            f"{why} Nothing is sent: no offer goes out unless past campaigns show it pays.\n"
            "Proposed instead, a randomized test (not sent unless the plan is asked to run "
            "it):\n" + design
        )
        # the CLI names its flag (--run-test), the API run_test; a budget too small for a
        # test proposes none
        result.test_proposed = bool((test["group"] != "none").any())
        result.proposed_test = test
        plan = nothing_sent(features, "not targeted: past campaigns do not show an offer pays")
    result.totals = plan_totals(plan, None, offers, None, None, settings.confidence)
    return plan, offers


def randomized_only(data: CampaignData) -> tuple[CampaignData, list[str]]:
    """The exposures of campaigns that logged their propensities (randomized tests), without
    the offers too few of them got (:func:`~promopilot.campaigns.history.without_thin_arms`);
    plain warning lines about the campaigns and offers left out or without a control group."""
    out = []
    if data.awaiting:
        out.append(
            f"note: {noun_for(len(data.awaiting), 'campaign')} {', '.join(data.awaiting)}: the "
            "window is not over in the "
            "data (sent after, or less than the window before, the last recorded order or "
            "event): not used until their outcomes are ingested"
        )
    if data.no_control:
        out.append(
            f"warning: {noun_for(len(data.no_control), 'campaign')} {', '.join(data.no_control)} "
            "had no control group: they "
            "show who bought with an offer, not what the offer changed"
        )
    if data.unlogged_propensity:
        out.append(
            f"warning: {noun_for(len(data.unlogged_propensity), 'campaign')} "
            f"{', '.join(data.unlogged_propensity)} logged no propensity: "
            "not known to be randomized, so not used to choose or check the plan"
        )
        data = data.take(np.flatnonzero(~np.isin(data.campaign_id, data.unlogged_propensity)))
    data, thin = without_thin_arms(data)
    if thin:
        out.append(thin_arms_note(thin, "so not planned"))
    return data, out


def nothing_sent(features: pd.DataFrame, reason: str) -> pd.DataFrame:
    """Every customer in group ``none``, no offer (propensity 1: nothing was ever drawn)."""
    ids = features["customer_id"].astype(str).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "offer_id": "",
            "group": "none",
            "propensity": 1.0,
            "expected_incremental_profit": 0.0,
            "expected_cost": 0.0,
            "profit_lower": 0.0,
            "recommended_products": "",
            "expires_at": "",
            "reason": reason,
        }
    )

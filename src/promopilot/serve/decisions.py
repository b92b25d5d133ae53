"""One customer's offer decision, deterministic per customer and campaign.

Customers in the latest plan get the plan's row. Every other customer gets a *live* decision
from the plan's own randomization (:func:`promopilot.offers.plan.randomize`, the same hashed
draws per campaign and customer): with probability ``explore_share`` an offer drawn uniformly
from the campaign's offers (group ``explore``, propensity ``explore_share / K``); otherwise
nothing (group ``none``, propensity ``1 - explore_share``).

Why nothing: the plan's model chose offers for the customers it scored, within the budget and
only where the offer's lower profit bound was above zero. A customer the plan never saw has no
such estimate (typically a new visitor with no history), so the do-no-harm rule gives them
nothing; the exploration slice still reaches them, so the next model learns about such
customers. They are never in the control group: control is drawn only from customers the model
would have targeted, exactly as in the plan.

While a plan is served, those customers are outside it: their group is ``visitor`` (offer and
propensity drawn as above), so the campaign's report leaves them out and counts them apart.
Without a plan (``--campaign-id`` alone) the live decisions are the campaign, and keep the
groups ``explore`` and ``none``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from promopilot.data.queries.measure import VISITOR_GROUP
from promopilot.offers.randomization import hashed_uniform
from promopilot.serve.offer_details import describe
from promopilot.serve.state import ServingState

GROUPS = ("target", "control", "explore", "none", VISITOR_GROUP)


@dataclass(frozen=True)
class Decision:
    customer_id: str
    offer_id: str | None
    group: str
    propensity: float
    decision_id: str
    campaign_id: str | None
    source: str  # "plan", "live" or "no campaign"
    offer: dict | None = None  # what the offer is (offer_details.describe); None = nothing

    def to_dict(self) -> dict:
        return {
            "customer_id": self.customer_id,
            "offer_id": self.offer_id,
            "group": self.group,
            "propensity": self.propensity,
            "decision_id": self.decision_id,
            "campaign_id": self.campaign_id,
            "offer": self.offer,
        }


def decision_id(campaign_id: str | None, customer_id: str, offer_id: str | None) -> str:
    text = f"{campaign_id}\x1f{customer_id}\x1f{offer_id or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def decide(state: ServingState, customer_id: str) -> Decision:
    """The decision for `customer_id` under `state`'s campaign (same answer every time), with
    what its offer is (terms, and the customer's expiry and coupon code where planned)."""
    campaign = state.campaign_id
    planned = state.plan.get(customer_id)
    if planned is not None:
        return Decision(
            customer_id,
            planned.offer_id,
            planned.group,
            planned.propensity,
            decision_id(campaign, customer_id, planned.offer_id),
            campaign,
            "plan",
            describe(state.offer_terms, state.planned_offers, customer_id, planned.offer_id),
        )
    if campaign is None or not state.offer_ids:
        return Decision(
            customer_id,
            None,
            "none",
            1.0,
            decision_id(campaign, customer_id, None),
            campaign,
            "no campaign",
        )
    e, k = state.explore_share, len(state.offer_ids)
    outside = VISITOR_GROUP if state.plan_served else None  # outside the plan served
    if hashed_uniform([customer_id], campaign, "explore")[0] < e:
        pick = int(hashed_uniform([customer_id], campaign, "arm")[0] * k)
        offer = state.offer_ids[min(pick, k - 1)]
        return Decision(
            customer_id,
            offer,
            outside or "explore",
            e / k,
            decision_id(campaign, customer_id, offer),
            campaign,
            "live",
            describe(state.offer_terms, {}, customer_id, offer),
        )
    return Decision(
        customer_id,
        None,
        outside or "none",
        1.0 - e,
        decision_id(campaign, customer_id, None),
        campaign,
        "live",
    )

"""``/v1/customers/{id}/recommendations`` and ``/v1/customers/{id}/offer``: answered from
memory (the serving state); the offer's exposure is queued for the background writer."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field

from promopilot.data.contact_ids import stored_customer_id
from promopilot.serve.decisions import decide
from promopilot.serve.deps import get_state, require_read
from promopilot.serve.state import ServingState

router = APIRouter(prefix="/v1/customers", tags=["customers"], dependencies=[Depends(require_read)])


def _checked_id(value: str) -> str:
    """A customer id is not blank and holds no control or invisible formatting character
    (``%00``, a tab, a zero-width space). It is read as ingest stores ids: without surrounding
    spaces, ``17850.0`` as ``17850``, an e-mail address or phone number as its hash (so a
    forgotten id cannot come back in another form)."""
    if not value.strip():
        raise ValueError("the customer id must not be blank")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ValueError("the customer id must not contain control or invisible characters")
    return stored_customer_id(value)


CustomerId = Annotated[
    str,
    Path(min_length=1, max_length=200, description="The shop's id"),
    AfterValidator(_checked_id),
]
MAX_K = 50


class Item(BaseModel):
    product_id: str
    score: float
    title: str


class Recommendations(BaseModel):
    customer_id: str
    basis: Literal["personal", "popular"] = Field(
        description="personal: scored for this customer by the recommender (a similarity, "
        "comparable within one answer); popular: the customer is unknown, so the products "
        "bought or viewed by the most customers, scored by how many did"
    )
    items: list[Item]


class OfferTerms(BaseModel):
    """What the offer is: enough for a site to show it without another data source."""

    offer_id: str
    kind: str | None = Field(description="percent_off, amount_off or free_shipping")
    value: float | None = Field(
        description="percent_off: the fraction off (0.1 = 10%); amount_off: money off; "
        "free_shipping: the shipping fee the shop pays"
    )
    min_spend: float | None = Field(description="the least an order must spend (0 = any)")
    category: str | None = Field(description="the category it applies to; null = whole shop")
    valid_days: float | None = Field(description="how many days it lasts; null = no limit")
    expires_at: str | None = Field(description="the last day (YYYY-MM-DD), where known")
    coupon_code: str | None = Field(description="the customer's code, where one was issued")


class Offer(BaseModel):
    customer_id: str
    offer_id: str | None
    group: str
    propensity: float
    decision_id: str
    campaign_id: str | None
    offer: OfferTerms | None


@router.get("/{customer_id}/recommendations", response_model=Recommendations)
async def recommendations(
    customer_id: CustomerId,
    state: Annotated[ServingState, Depends(get_state)],
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many products")] = 10,
) -> JSONResponse:
    """The customer's top-`k` products; a customer the shop has not seen gets the cold-start
    list (popular products), never an error."""
    # a Response skips re-validating what the state already holds (the hot path); the
    # response_model still documents the shape
    return JSONResponse(
        {
            "customer_id": customer_id,
            "basis": state.basis(customer_id),
            "items": state.recommendations(customer_id, k),
        }
    )


@router.get("/{customer_id}/offer", response_model=Offer)
async def offer(
    customer_id: CustomerId, request: Request, state: Annotated[ServingState, Depends(get_state)]
) -> JSONResponse:
    """The customer's offer in the live campaign (``offer_id`` null = nothing), with its group,
    propensity, campaign and what the offer is (``offer``: kind, value, min_spend, category,
    valid_days, expires_at, coupon_code; null = nothing); the same answer every time. The
    decision is logged as an exposure."""
    decision = decide(state, customer_id)
    request.app.state.writer.submit(decision)
    request.app.state.metrics.decision(decision.group, decision.source)
    return JSONResponse(decision.to_dict())

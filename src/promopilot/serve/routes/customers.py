"""``/v1/customers/{id}/recommendations`` and ``/v1/customers/{id}/offer``: answered from
memory (the serving state); the offer's exposure is queued for the background writer."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field

from promopilot.serve import id_path  # noqa: F401  (registers the :id route parameter)
from promopilot.serve.decisions import decide
from promopilot.serve.deps import get_state, require_read
from promopilot.serve.state import ServingState

router = APIRouter(prefix="/v1/customers", tags=["customers"], dependencies=[Depends(require_read)])


def _checked_id(value: str) -> str:
    """A customer id is not blank and holds no control or invisible formatting character
    (``%00``, a tab, a zero-width space); without surrounding spaces. The handler reads it as
    the store holds it (:meth:`ServingState.customer_id`)."""
    if not value.strip():
        raise ValueError("the customer id must not be blank")
    if not value.strip().strip("/"):  # /v1/customers///offer: slashes, no id
        raise ValueError(NO_ID)
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise ValueError("the customer id must not contain control or invisible characters")
    return value.strip()


CustomerId = Annotated[
    str,
    Path(min_length=1, max_length=200, description="The shop's id"),
    AfterValidator(_checked_id),
]
NO_ID = (
    "a customer id is required: an offer decision is logged as the customer's exposure, so a "
    "visitor the site has no id for gets none (show them no offer)"
)
# what a page's script puts in the URL for a visitor it has no id for (JavaScript's undefined
# and null, Python's None, pandas' NaN): every anonymous visitor would be one "customer"
NO_ID_PLACEHOLDERS = frozenset({"undefined", "null", "none", "nan"})


def _offer_id(value: str) -> str:
    """An offer's customer id is no placeholder for a missing one (``undefined``)."""
    if value.lower() in NO_ID_PLACEHOLDERS:
        raise ValueError(f"{NO_ID}; {value!r} stands for no id")
    return value


OfferCustomerId = Annotated[CustomerId, AfterValidator(_offer_id)]


def _missing_id() -> RequestValidationError:
    """The 422 of a URL without a customer id (``/v1/customers//offer``, or ``/offer`` where a
    proxy merged the slashes), shaped as every other validation error."""
    return RequestValidationError(
        [{"loc": ("path", "customer_id"), "msg": NO_ID, "type": "missing", "input": ""}]
    )


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
    kind: str | None = Field(
        description="percent_off, amount_off, amount_off_every (每满: value off every full "
        "min_spend) or free_shipping"
    )
    value: float | None = Field(
        description="percent_off: the fraction off (0.1 = 10%); amount_off: money off; "
        "amount_off_every: money off for every full min_spend (每满150减20: 20); "
        "free_shipping: the shipping fee the shop pays"
    )
    min_spend: float | None = Field(
        description="the least an order must spend (0 = any); amount_off_every: the step "
        "(每满150减20: 150)"
    )
    max_discount: float | None = Field(
        default=None,
        description="the most one order gets off, in money (每满100减10，最高减50: 50; "
        "percent_off: 20% off, up to 30: 30); null = no cap",
    )
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


@router.get("//offer", include_in_schema=False)
@router.get("/offer", include_in_schema=False)
@router.get("//recommendations", include_in_schema=False)
@router.get("/recommendations", include_in_schema=False)
async def without_customer_id() -> None:
    """No customer id in the URL: a 422 that says so (the router alone would answer a bare
    404, as for a mistyped path), and nothing is logged. Matched before the routes below,
    whose ``:id`` parameter would otherwise take ``//offer`` as an empty id."""
    raise _missing_id()


# ``:id`` (promopilot.serve.id_path): a shop's id may hold a slash (AB/123, sent as AB%2F123,
# which the server decodes before routing); the suffix still ends the match
@router.get("/{customer_id:id}/recommendations", response_model=Recommendations)
async def recommendations(
    customer_id: CustomerId,
    state: Annotated[ServingState, Depends(get_state)],
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many products")] = 10,
) -> JSONResponse:
    """The customer's top-`k` products; a customer the shop has not seen gets the cold-start
    list (popular products), never an error."""
    # as ingest stores ids: 17850.0 as 17850, an e-mail address or phone number as its hash
    # (so a forgotten id cannot come back in another form), 86-13812345678 as the customer
    # a mobile number column told apart by it
    customer_id = state.customer_id(customer_id)
    # a Response skips re-validating what the state already holds (the hot path); the
    # response_model still documents the shape
    return JSONResponse(
        {
            "customer_id": customer_id,
            "basis": state.basis(customer_id),
            "items": state.recommendations(customer_id, k),
        }
    )


@router.get("/{customer_id:id}/offer", response_model=Offer)
async def offer(
    customer_id: OfferCustomerId,
    request: Request,
    state: Annotated[ServingState, Depends(get_state)],
) -> JSONResponse:
    """The customer's offer in the live campaign (``offer_id`` null = nothing), with its group,
    propensity, campaign and what the offer is (``offer``: kind, value, min_spend, category,
    valid_days, expires_at, coupon_code; null = nothing); the same answer every time. The
    decision is logged as an exposure."""
    decision = decide(state, state.customer_id(customer_id))  # as for recommendations
    request.app.state.writer.submit(decision)
    request.app.state.metrics.decision(decision.group, decision.source)
    return JSONResponse(decision.to_dict())

"""``POST /v1/events`` and ``POST /v1/orders``: the shop sends back what happened."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request, Response
from pydantic import BaseModel

from promopilot.data.records import MAX_KEY_LENGTH, store_records
from promopilot.serve.deps import get_gate, require_admin
from promopilot.serve.gate import StoreGate

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[Depends(require_admin)])
MAX_ITEMS = 10_000
Items = Annotated[
    list[dict[str, Any]],
    Body(min_length=0, max_length=MAX_ITEMS, description="Rows in the shop-folder schema"),
]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH)
]


class Rejected(BaseModel):
    index: int
    field: str
    reason: str


class Accepted(BaseModel):
    accepted: int
    rejected: list[Rejected]


def _post(
    table: str,
    items: list[dict],
    key: str | None,
    request: Request,
    gate: StoreGate,
    response: Response,
) -> dict:
    with gate.use() as store:
        result = store_records(store, table, items, idempotency_key=key)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        metrics = request.app.state.metrics
        metrics.records.labels(table, "accepted").inc(result.accepted)
        metrics.records.labels(table, "rejected").inc(len(result.rejected))
    return result.to_dict()


@router.post("/events", response_model=Accepted)
def post_events(
    items: Items,
    request: Request,
    response: Response,
    gate: Annotated[StoreGate, Depends(get_gate)],
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Behaviour events (timestamp, customer_id, product_id, event, value, session_id). Good
    items are stored even when others are rejected; each rejection names index, field and
    reason. With an ``Idempotency-Key`` a retry returns the first answer and stores nothing
    twice."""
    return _post("events", items, idempotency_key, request, gate, response)


@router.post("/orders", response_model=Accepted)
def post_orders(
    items: Items,
    request: Request,
    response: Response,
    gate: Annotated[StoreGate, Depends(get_gate)],
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Order lines (order_id, timestamp, customer_id, product_id, quantity, unit_price,
    discount, coupon_code); same rules as ``/v1/events``."""
    return _post("orders", items, idempotency_key, request, gate, response)

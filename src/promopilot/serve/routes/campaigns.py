"""``GET /v1/campaigns/{id}/report``: the JSON of ``promopilot report``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from promopilot.serve.deps import get_gate, require_read
from promopilot.serve.gate import StoreGate

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"], dependencies=[Depends(require_read)])


def campaign_report(
    gate: StoreGate,
    campaign_id: str,
    *,
    window_days: int | None = None,
    confidence: float | None = None,
) -> dict:
    """Measure one logged campaign (shared by the API and the dashboard). The interval level
    is `confidence`, else the shop's `confidence` setting, as in ``promopilot report``."""
    if confidence is None:
        from promopilot.config import load_settings

        confidence = load_settings().confidence
    try:
        from promopilot.campaigns.measure import measure_campaign
    except ImportError:
        raise HTTPException(503, "campaign measurement is not available in this build") from None
    with gate.use() as store:
        return measure_campaign(store, campaign_id, window_days=window_days, confidence=confidence)


@router.get("/{campaign_id:path}/report")  # an id may hold a slash (spring/2026)
def report(
    campaign_id: Annotated[str, Path(min_length=1, max_length=200)],
    gate: Annotated[StoreGate, Depends(get_gate)],
    window_days: Annotated[int | None, Query(ge=1, le=365)] = None,
    confidence: Annotated[float | None, Query(gt=0.5, lt=1.0)] = None,
) -> dict:
    """Lift per offer against the control group, with intervals (see ``promopilot report``)."""
    return campaign_report(gate, campaign_id, window_days=window_days, confidence=confidence)

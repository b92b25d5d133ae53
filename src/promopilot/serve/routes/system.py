"""``/healthz``, ``/metrics`` and the admin ``POST /v1/admin/reload``."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from promopilot.serve.deps import get_state, require_admin, require_read
from promopilot.serve.state import ServingState

router = APIRouter(tags=["system"])
_reload_lock = threading.Lock()


@router.get("/healthz")
@router.head("/healthz", include_in_schema=False)  # what uptime checkers often send
async def healthz(state: Annotated[ServingState, Depends(get_state)]) -> dict:
    """Liveness (no key needed): the served state's version and campaign."""
    return {"status": "ok", "state_version": state.version, "campaign_id": state.campaign_id}


@router.get("/metrics", dependencies=[Depends(require_read)])
async def metrics(request: Request) -> Response:
    """Prometheus text: request counts and latencies, decisions by group."""
    app_metrics = request.app.state.metrics
    app_metrics.pending.set(request.app.state.writer.pending)
    return Response(app_metrics.render(), media_type=CONTENT_TYPE_LATEST)


@router.post("/v1/admin/reload", dependencies=[Depends(require_admin)])
def reload(request: Request) -> dict:
    """Rebuild the serving state (models, scores, plan) and swap it in atomically; requests
    keep being answered from the old state until the swap."""
    app = request.app
    with _reload_lock:
        version = app.state.holder.state.version + 1
        with app.state.gate.use() as store:
            new = app.state.builder(store, version)
        app.state.holder.swap(new)
    app.state.metrics.state_version.set(new.version)
    return {"state_version": new.version, "models": new.models}

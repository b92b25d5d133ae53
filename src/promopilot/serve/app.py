"""The app factory: one FastAPI app around an open store and a serving state."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from promopilot.data.records import IdempotencyConflictError
from promopilot.data.store import Store
from promopilot.exceptions import InputError, NotEnoughDataError, UnknownIdError
from promopilot.serve.config import ServeConfig
from promopilot.serve.exposures import ExposureWriter
from promopilot.serve.gate import StoreGate
from promopilot.serve.limits import MAX_BODY_BYTES, BodyLimitMiddleware, handle_validation_error
from promopilot.serve.metrics import Metrics, MetricsMiddleware
from promopilot.serve.state import ServingState, StateHolder, build_state

StateBuilder = Callable[[Store, int], ServingState]

# domain errors -> HTTP status, in one place
ERROR_STATUS = (
    (UnknownIdError, 404),
    (IdempotencyConflictError, 409),
    (NotEnoughDataError, 422),
    (InputError, 422),
)


def create_app(
    store: Store,
    config: ServeConfig,
    *,
    state: ServingState | None = None,
    builder: StateBuilder | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The API and the dashboard.

    Parameters
    ----------
    store : the open, writable store; the app is its only user while it runs.
    config : the API keys.
    state : the state to serve first (default: built by `builder`).
    builder : ``(store, version) -> ServingState``, called at start (when `state` is None) and by
        ``POST /v1/admin/reload``; default :func:`build_state` without a plan.
    max_body_bytes : a larger request body is refused with 413.
    """
    from promopilot.serve.routes import campaigns, customers, dashboard, records, system

    builder = builder or (lambda s, version: build_state(s, version=version))
    gate = StoreGate(store)
    if state is None:
        with gate.use() as locked:
            state = builder(locked, 1)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.writer.start()
        try:
            yield
        finally:
            app.state.writer.stop()

    # the API docs' scripts and styles are served by the app itself, not fetched from a CDN:
    # a shop's server or its owner's browser may have no internet access
    app = FastAPIOffline(
        title="promopilot",
        version="1",
        lifespan=lifespan,
        description="Offers and recommendations per visitor, feedback from the shop, "
        "campaign reports, and the owner's dashboard.",
    )
    app.state.config = config
    app.state.gate = gate
    app.state.holder = StateHolder(state)
    app.state.builder = builder
    app.state.writer = ExposureWriter(gate)
    app.state.metrics = Metrics()
    app.state.metrics.state_version.set(state.version)
    app.state.sessions = {}  # dashboard session token -> role
    app.state.quality_cache = {}  # state version -> model quality (the dashboard's)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    for module in (customers, records, campaigns, system, dashboard):
        app.include_router(module.router)

    for error_type, code in ERROR_STATUS:
        app.add_exception_handler(error_type, _handler(code))
    # a 422 names what is wrong without echoing the request body back
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    return app


def _handler(code: int):
    async def handle(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=code)

    return handle

"""What a request may cost: a cap on the body size (413), and validation errors that name the
problem without echoing the request back (a 33 MB body must not come back as a 33 MB 422)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MAX_BODY_BYTES = 50 * 1024 * 1024  # 50 MiB: 10,000 rows of any shop table fit many times over
MAX_INPUT_EXCERPT = 80  # characters of an offending value shown in a 422


def _too_large(limit: int) -> str:
    return f"the request body is over the limit of {limit:,} bytes: send it in smaller batches"


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413: at once when ``Content-Length`` says
    so, otherwise as soon as the bytes read pass the limit (a chunked upload)."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = JSONResponse({"detail": _too_large(limit)}, status_code=413)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # FastAPI passes an HTTPException from the body through
                    raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counted, send)


def _excerpt(value: Any) -> Any:
    """A short stand-in for an offending input: scalars cut to a few words, containers by size."""
    if isinstance(value, str):
        return value if len(value) <= MAX_INPUT_EXCERPT else value[:MAX_INPUT_EXCERPT] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | dict):
        return f"<{type(value).__name__} of {len(value):,} items>"
    return f"<{type(value).__name__}>"


def validation_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors (loc, msg, type, ctx) with the input replaced by a short excerpt."""
    out = []
    for error in errors:
        item = {
            "loc": list(error.get("loc", ())),
            "msg": error.get("msg"),
            "type": error.get("type"),
        }
        if "input" in error:
            item["input"] = _excerpt(error["input"])
        if error.get("ctx"):  # the rule's parameters; an exception (a validator's) as its text
            item["ctx"] = {
                k: _excerpt(v if v is None or isinstance(v, str | bool | int | float) else str(v))
                for k, v in error["ctx"].items()
            }
        out.append(item)
    return out


async def handle_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": validation_errors(list(error.errors()))}, status_code=422)

"""Request dependencies: who is calling (API key or dashboard session) and the app's parts.

Keys come as ``Authorization: Bearer KEY``; no key or an unknown one is a 401, a read key on a
write or admin endpoint a 403. Keys are compared by hash and never logged or echoed. The
dependencies are ``async``: they do no I/O, and a plain ``def`` would cost a worker-thread hop
on every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from promopilot.serve.config import Role
from promopilot.serve.gate import StoreGate
from promopilot.serve.state import ServingState

SESSION_COOKIE = "promopilot_session"
bearer = HTTPBearer(auto_error=False, description="An admin or read key")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _role(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Role:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401,
            "an API key is required: Authorization: Bearer KEY",
            headers={"WWW-Authenticate": "Bearer"},
        )
    role = request.app.state.config.role(credentials.credentials)
    if role is None:
        raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
    return role


async def require_read(request: Request, credentials: Credentials) -> Role:
    return _role(request, credentials)


async def require_admin(request: Request, credentials: Credentials) -> Role:
    role = _role(request, credentials)
    if role < Role.ADMIN:
        raise HTTPException(403, "this key may only read: writing needs an admin key")
    return role


def session_role(request: Request) -> Role | None:
    """The dashboard user's role from the session cookie, or None (not logged in)."""
    token = request.cookies.get(SESSION_COOKIE)
    return request.app.state.sessions.get(token) if token else None


async def get_state(request: Request) -> ServingState:
    return request.app.state.holder.state


async def get_gate(request: Request) -> StoreGate:
    return request.app.state.gate

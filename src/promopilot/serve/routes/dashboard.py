"""The owner's dashboard: server-rendered pages (Jinja2 + Plotly), offline, English and
Chinese. Login with an API key (read or admin); the session lives in an http-only cookie."""

from __future__ import annotations

import functools
import logging
import secrets
from importlib.resources import files
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from promopilot.data.contact_ids import stored_customer_id
from promopilot.data.currency import money, money_label
from promopilot.data.money_signs import money_currency
from promopilot.exceptions import PromopilotError, UnknownIdError
from promopilot.report import formats
from promopilot.report.qini import score_cells
from promopilot.serve import (
    id_path,  # noqa: F401  (registers the :id route parameter)
    quality,
    views,
)
from promopilot.serve.deps import SESSION_COOKIE, session_role
from promopilot.serve.i18n import english_detail, labels, no_outcomes_note, pick_language, word
from promopilot.serve.id_path import shown_id
from promopilot.serve.routes.campaigns import campaign_report

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("promopilot.serve") / "templates"))
templates.env.globals["chance"] = formats.chance  # a propensity as "14%", not "0.1400"
templates.env.globals["shown_id"] = shown_id  # an id's control characters escaped
templates.env.globals["word"] = word  # a verdict, segment or column name in the page's language
templates.env.globals["english_detail"] = english_detail  # a lower layer's message, marked
templates.env.globals["money"] = money  # 1,234.50 EUR; never -0.00; – where missing
templates.env.globals["money_label"] = money_label  # a header of money: "Revenue (EUR)"
LANG_COOKIE = "promopilot_lang"
log = logging.getLogger("promopilot.serve")


class LoginRequired(Exception):
    pass


@functools.cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _sent_path(request: Request) -> str:
    """The page's own path as the browser sent it, encoded (``raw_path``; else the decoded
    path encoded again): a customer id with ?, #, % or a space stays whole in the language
    links and the login's next=."""
    raw = request.scope.get("raw_path")
    if raw:
        return quote(raw.decode("utf-8", "replace"), safe="/%!$&'()*+,;=:@-._~")
    return quote(request.scope["path"], safe="/")


def _page(request: Request, template: str, page: str, status_code: int = 200, **context):
    language = pick_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )
    text = labels(language)
    path = _sent_path(request)
    if context.pop("needs_login", True) and session_role(request) is None:
        target = quote(path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    builder = context.pop("build", None)
    if builder is not None:
        context.update(builder(text))
    # every page says what its money is in, where that is known: read once, by the page's
    # builder where it read it anyway
    if page != "login" and "currency" not in context:
        with request.app.state.gate.use() as store:
            context["currency"] = money_currency(store)  # else the files' sign: ¥ for ￥89
    response = templates.TemplateResponse(
        request,
        template,
        {"t": text, "lang": language, "page": page, "path": path, **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in ("en", "zh"):
        response.set_cookie(LANG_COOKIE, language, samesite="strict")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/"):
    return _page(request, "login.html", "login", needs_login=False, next=next, error=False)


@router.post("/login")
def login(request: Request, key: Annotated[str, Form(max_length=500)], next: str = "/"):
    role = request.app.state.config.role(key.strip())
    if role is None:
        return _page(
            request,
            "login.html",
            "login",
            status_code=401,
            needs_login=False,
            next=next,
            error=True,
        )
    token = secrets.token_urlsafe(32)
    request.app.state.sessions[token] = role
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.get("/logout")
def logout(request: Request):
    request.app.state.sessions.pop(request.cookies.get(SESSION_COOKIE), None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def report_error(why: Exception) -> tuple[str | None, int]:
    """What a page says when a campaign report fails, and its status: our own one-line
    messages (an unknown campaign: 404; too little data) are shown; anything else is logged
    and the page says only that the report is not available (None: "see the log")."""
    if isinstance(why, HTTPException):
        return str(why.detail), why.status_code
    if isinstance(why, UnknownIdError):
        return str(why), 404
    if isinstance(why, PromopilotError):
        return str(why), 200
    log.exception("campaign report failed")
    return None, 200


def _report_fn(request: Request):
    def report(campaign_id: str) -> dict:
        return campaign_report(request.app.state.gate, campaign_id)

    return report


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request):
    state = request.app.state.holder.state
    return _page(
        request,
        "overview.html",
        "overview",
        build=lambda text: views.overview(
            request.app.state.gate, state, _report_fn(request), report_error, text
        ),
    )


@router.get("/segments", response_class=HTMLResponse)
def segments_page(request: Request):
    return _page(
        request,
        "segments.html",
        "segments",
        build=lambda text: views.segments(request.app.state.gate, text),
    )


@router.get("/customers", response_class=HTMLResponse)
def customers_page(request: Request, id: Annotated[str | None, Query(max_length=200)] = None):
    # a typed id as ingest stores ids and the API reads them: without surrounding spaces,
    # 17850.0 (an id through Excel) as 17850, an e-mail address or phone number as its hash,
    # 86-13812345678 as the customer a mobile number column told apart by it
    state = request.app.state.holder.state
    stored = state.customer_id(id) if id else ""
    if id and id[:1] == " " and stored == id.strip():  # ?id=+8613800138000: + not encoded
        phone = stored_customer_id("+" + id.lstrip())
        stored = stored if phone == "+" + id.strip() else phone
    if stored:
        return RedirectResponse(f"/customers/{quote(stored, safe='')}", status_code=303)
    return _page(request, "customer.html", "customers", customer=None)


# ``:id`` (promopilot.serve.id_path): a shop's id may hold a slash (AB/123; its link says
# AB%2F123, which the server decodes before routing)
@router.get("/customers/{customer_id:id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: Annotated[str, Path(max_length=200)]):
    if not customer_id:  # "/customers/": the lookup
        return RedirectResponse("/customers", status_code=303)
    state = request.app.state.holder.state
    stored = state.customer_id(customer_id)
    if customer_id.endswith("/") and not state.knows(stored):  # "/customers/c1/": c1's page
        trimmed = state.customer_id(customer_id.rstrip("/"))
        stored = trimmed if state.knows(trimmed) else stored
    if stored != customer_id:  # the page of the id as stored, as the API answers it
        target = f"/customers/{quote(stored, safe='')}" if stored else "/customers"
        return RedirectResponse(target, status_code=303)
    return _page(
        request,
        "customer.html",
        "customers",
        customer=views.customer(request.app.state.gate, state, customer_id),
    )


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request):
    gate = request.app.state.gate
    return _page(
        request,
        "campaigns.html",
        "campaigns",
        campaigns=views.campaigns(gate),
        report=None,
        build=lambda text: {"depth": _depth_verdicts(gate, text)},
    )


def _depth_verdicts(gate, text: dict) -> list[str]:
    """The promotion-depth verdicts; none (logged) when they fail: the page shows the rest."""
    from promopilot.config import load_settings

    try:
        return views.depth_verdicts(gate, text, confidence=load_settings().confidence)
    except Exception:
        log.exception("promotion depth failed")
        return []


# ``:id`` (promopilot.serve.id_path): an id may hold a slash (spring/2026) or a line break
@router.get("/campaigns/{campaign_id:id}", response_class=HTMLResponse)
def campaign_page(request: Request, campaign_id: Annotated[str, Path(max_length=200)]):
    if not campaign_id:  # "/campaigns/": the list
        return RedirectResponse("/campaigns", status_code=303)
    if session_role(request) is None:
        return _page(request, "campaigns.html", "campaigns")
    report, error, status = None, None, 200
    try:
        report = campaign_report(request.app.state.gate, campaign_id)
    except Exception as why:  # an unknown campaign, too little data: said on the page
        error, status = report_error(why)
    return _page(
        request,
        "campaigns.html",
        "campaigns",
        status_code=status,
        campaigns=views.campaigns(request.app.state.gate),
        report=report,
        campaign_id=campaign_id,
        error=error,
        build=lambda text: {
            "view": views.campaign_view(report, text) if report else None,
            "no_outcomes_note": no_outcomes_note(report, text),
            "chart": views.lift_chart(report, text) if report else None,
            "error_line": _report_error_line(text, campaign_id, error, status),
        },
    )


def _report_error_line(text: dict, campaign_id: str, error: str | None, status: int) -> str:
    """Why a campaign's report is not shown: an unknown campaign in the page's language, our
    own one-line message (English) marked as such, else "see the server's log"."""
    if status == 404:
        why = text["unknown_campaign"].format(id=shown_id(campaign_id))
    elif error:
        return english_detail(text, text["report_unavailable"], error)
    else:
        why = text["see_log"]
    return f"{text['report_unavailable']}{text['colon']}{why}"


@router.get("/models", response_class=HTMLResponse)
def models_page(request: Request):
    if session_role(request) is None:
        return _page(request, "models.html", "models")
    app = request.app
    version = app.state.holder.state.version
    cache = app.state.quality_cache
    if version not in cache:  # computed once per served state
        with app.state.gate.use() as store:
            cache.clear()
            cache[version] = (quality.recommendation_quality(store), quality.uplift_quality(store))
    recs, uplift = cache[version]
    table = None if isinstance(uplift, str) else score_cells(uplift).to_dict("records")
    return _page(
        request,
        "models.html",
        "models",
        recs=recs,
        uplift_table=table,
        uplift_error=uplift if isinstance(uplift, str) else None,
        build=lambda text: {
            "charts": views.quality_charts(uplift, text),
            "uplift_notes": views.uplift_notes(uplift, text),
        },
    )

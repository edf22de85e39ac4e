"""What every process needs to serve pages: templates, static assets, CSRF, errors in the layout.

Every process serves /static/ and renders its errors in the layout, so each module's pages
work alone behind path routing (the split deployment) as well as all together.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from modules.kernel import SESSION_COOKIE, AppError, NotAuthenticated, Sessions

log = logging.getLogger("ticketing.pages")

SOURCE_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
INSTALLED_TEMPLATES = Path(sys.prefix) / "share" / "ticketing" / "templates"
# The checkout's top-level folder; an installed copy (the image) finds them under its prefix.
TEMPLATES = SOURCE_TEMPLATES if SOURCE_TEMPLATES.is_dir() else INSTALLED_TEMPLATES
STATIC = Path(__file__).resolve().parent / "static"
NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz", "/metrics")
MESSAGES = {
    403: "This form has expired or was not sent from this site. Please try again.",
    404: "Page not found",
    405: "This page cannot do that",
}

ErrorHandler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


def template_config(
    *, stripe_publishable_key: str | None = None
) -> TemplateConfig[JinjaTemplateEngine]:
    """With Stripe's publishable key, the pay form shows Stripe's card element (see
    templates/payments/_pay_form.html); without it, the local test-card field."""

    def configure(engine: JinjaTemplateEngine) -> None:
        _filters(engine)
        # Templates are package data, changed only by a new release: no stat() per page.
        engine.engine.auto_reload = False
        engine.engine.globals["stripe_publishable_key"] = stripe_publishable_key

    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=configure
    )


def static_files() -> Router:
    """htmx (pinned, with its licence), the stylesheet and the countdown, from the package."""
    return create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=3600, public=True),
        include_in_schema=False,
    )


def csrf_config(jwt_key: str, *, secure: bool) -> CSRFConfig:
    """Double-submit token on every form; its key is derived from the deployment's shared key
    so that any replica of any module accepts a token another issued. The JSON API is left
    out: it accepts JSON bodies only, which a cross-site form cannot send."""
    secret = hmac.new(jwt_key.encode(), b"ticketing-csrf", hashlib.sha256).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_httponly=True,
        cookie_secure=secure,
        exclude=[rf"^{prefix}" for prefix in NOT_PAGES],
    )


def is_page_request(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page (or htmx for a piece of one), not an API client."""
    if request.url.path.startswith(NOT_PAGES):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or request.headers.get("hx-request") == "true"


def in_the_layout(handlers: Mapping[Any, ErrorHandler], sessions: Sessions) -> dict[Any, Any]:
    """The app's error handlers, answering a page request with a page instead of JSON."""
    return {kind: _page_or(handler, sessions) for kind, handler in handlers.items()}


def _page_or(handler: ErrorHandler, sessions: Sessions) -> ErrorHandler:
    def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        if not is_page_request(request):
            return handler(request, error)
        if isinstance(error, NotAuthenticated):
            return _to_sign_in(request)
        status, message = _describe(request, error)
        # The header's "signed in as": the token's word for it (an error page needs no more,
        # and a sync handler cannot ask Redis whether the session is still open).
        user = sessions.codec.read(request.cookies.get(SESSION_COOKIE))
        context = {"user": user, "flash": None, "status": status, "message": message}
        template = "_error.html" if request.headers.get("hx-request") == "true" else "error.html"
        return Template(template_name=template, context=context, status_code=status)

    return handle


def _to_sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    back = request.url.path if request.method == "GET" else _referring_path(request)
    target = f"/auth/signin?next={quote(back, safe='/')}"
    if request.headers.get("hx-request") == "true":
        return Response(b"", status_code=401, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def _referring_path(request: Request[Any, Any, Any]) -> str:
    referer = request.headers.get("referer", "")
    base = str(request.base_url).rstrip("/")
    return referer[len(base) :] or "/" if referer.startswith(base + "/") else "/"


def _describe(request: Request[Any, Any, Any], error: Exception) -> tuple[int, str]:
    if isinstance(error, AppError):
        return error.status_code, error.errors[0].message if error.errors else "Bad request"
    if isinstance(error, HTTPException) and error.status_code < 500:
        return error.status_code, MESSAGES.get(error.status_code, "Bad request")
    log.error("page %s %s failed", request.method, request.url.path, exc_info=error)
    return 500, "Something went wrong on our side. Please try again."


def _filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["money"] = money
    engine.engine.filters["when"] = when


def money(cents: int) -> str:
    """Integer cents as a price with two decimals: 2550 -> "25.50"."""
    whole, rest = divmod(cents, 100)
    return f"{whole}.{rest:02d}"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")

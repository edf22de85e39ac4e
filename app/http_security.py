"""Browser-facing defences: security headers on every answer, and no state change from another site.

The headers go on in a `before_send` hook, which sees every answer Litestar sends (404s and
errors included); the Origin check is an app-wide guard, so a refusal leaves in the error format.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.types import Message, Scope

# Stripe's card element is Stripe.js from its own origin (Stripe requires it), its fields are
# frames of Stripe's, and it sends the card to Stripe's API: allowed only with Stripe on.
STRIPE = {
    "script-src": "https://js.stripe.com",
    "frame-src": "https://js.stripe.com https://hooks.stripe.com",
    "connect-src": "https://api.stripe.com",
}
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}
NO_STORE = (b"cache-control", b"no-store")

SendHook = Callable[[Message, Scope], Awaitable[None]]


def content_security_policy(*, stripe: bool = False) -> str:
    """Scripts from the app only; with `stripe`, Stripe.js and its frames too."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",  # style attributes; no script runs inline
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    for directive, source in STRIPE.items() if stripe else ():
        directives[directive] = f"'self' {source}"
    return "; ".join(f"{directive} {sources}" for directive, sources in directives.items())


def security_headers(*, stripe: bool = False) -> SendHook:
    """The `before_send` hook adding the headers every answer carries."""
    every_answer = {
        "x-content-type-options": "nosniff",
        "content-security-policy": content_security_policy(stripe=stripe),
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
    }
    encoded = [(name.encode(), value.encode()) for name, value in every_answer.items()]

    async def add_security_headers(message: Message, scope: Scope) -> None:
        """API answers carry sessions' data: never cached (Cache-Control: no-store). A header
        the answer already has is left as it is. On every answer, so kept to a list append."""
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers", ()))
        present = {bytes(name).lower() for name, _ in headers}
        headers += [header for header in encoded if header[0] not in present]
        path = scope.get("path", "")
        if (path == "/api" or path.startswith("/api/")) and NO_STORE[0] not in present:
            headers.append(NO_STORE)
        message["headers"] = headers

    return add_security_headers


async def require_same_origin(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """A state-changing request a browser sent from another site is refused (CSRF): browsers
    name the page's origin in `Origin` on every POST, PUT, PATCH and DELETE. Clients that are
    not browsers send no Origin and are not concerned."""
    if connection.scope.get("method") not in STATE_CHANGING:
        return
    origin = connection.headers.get("origin")
    if origin is None:
        if connection.headers.get("sec-fetch-site") == "cross-site":
            raise PermissionDeniedException("Cross-site request refused")
        return
    if not same_origin(origin, _own_host(connection)):
        raise PermissionDeniedException("Cross-site request refused")


def same_origin(origin: str, host: str) -> bool:
    """`origin` (scheme://host[:port]) names `host` (host[:port], as in the Host header)."""
    try:
        claimed, own = urlsplit(origin), urlsplit(f"//{host}")
        default = DEFAULT_PORTS.get(claimed.scheme)
        return (
            default is not None
            and claimed.hostname is not None
            and claimed.hostname == own.hostname
            and (claimed.port or default) == (own.port or default)
        )
    except ValueError:  # a malformed port
        return False


def _own_host(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The host the browser addressed: a proxy in front of us names it in X-Forwarded-Host (a
    page cannot set that header on a cross-site request: it would need a CORS preflight)."""
    forwarded = connection.headers.get("x-forwarded-host")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return connection.headers.get("host", "")

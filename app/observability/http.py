"""Every request timed per route template and status, under a correlation id it answers with.

An ASGI wrapper outside Litestar's own handling, so unrouted requests (404) are
counted too. Labels are bounded: the route template (`/api/orders/{order_id:str}`),
never the path; a method outside the usual ones is "other"; "unmatched" when no
route matched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from prometheus_client import Histogram

from bus.context import new_id, set_correlation_id

REQUEST_SECONDS = Histogram(
    "ticketing_http_request_duration_seconds",
    "HTTP requests (its _count) and their latency, per module, route template and status",
    ["module", "method", "route", "status"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUEST_ID_HEADERS = (b"x-request-id", b"x-correlation-id")
RESPONSE_HEADER = b"x-request-id"
# A caller's id is taken only if it cannot forge a log line or grow a label: short and plain.
ACCEPTED_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_requests(app: Litestar) -> None:
    """Wrap `app`'s request handling (lifespan and websockets are left alone)."""
    app.asgi_handler = _Observed(app.asgi_handler)


class _Observed:
    def __init__(self, inner: ASGIApp):
        self._inner = inner
        self._series: dict[tuple[str, str, str, int], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._inner(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope["headers"])
        set_correlation_id(request_id)
        header = (RESPONSE_HEADER, request_id.encode())
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self._inner(scope, receive, send_with_id)
        finally:
            self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: HTTPScope, status: int, seconds: float) -> None:
        handler = scope.get("route_handler")
        module = handler.opt.get("module", "app") if handler is not None else "app"
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = scope.get("path_template") or "unmatched"
        key = (module, method, route, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = REQUEST_SECONDS.labels(module, method, route, str(status))
        series.observe(seconds)


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name in REQUEST_ID_HEADERS and ACCEPTED_ID.fullmatch(value):
            return value.decode()
    return new_id()

"""Optional OpenTelemetry tracing: each request a server span, continued through the event
envelopes by the spans of every handler its events cause, in any process (`bus.tracing`).

Off by default. `TICKETING_TRACING=otlp` exports over OTLP/HTTP in batches to the collector
that the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) names; the other
`OTEL_*` variables (service name, resource attributes, batch delay) apply as usual.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, StatusCode

from app.settings import Settings
from bus.context import log_fields

if TYPE_CHECKING:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource

PROPAGATED = frozenset({b"traceparent", b"tracestate", b"baggage"})
EXPORT_TIMEOUT = 2.0  # seconds per export attempt
FLUSH_BUDGET = 5.0  # seconds for the last spans on the way out, at most
log = logging.getLogger(__name__)
_tracer = trace.get_tracer("ticketing.http")


@contextmanager
def tracing(settings: Settings, service: str) -> Iterator[None]:
    """Traces this process's work as `service` while the block runs (when tracing is on), and
    sends what is left on the way out, within a budget: an unreachable collector must not
    hold a stopping process past its grace period."""
    if settings.tracing == "off":
        yield
        return
    # Imported here: the SDK and its exporter (protobuf, requests) slow every start-up.
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=_resource(settings, service))
    provider.add_span_processor(BatchSpanProcessor(_exporter()))
    trace.set_tracer_provider(provider)
    try:
        yield
    finally:
        flushing = threading.Thread(target=provider.shutdown, name="tracing-flush", daemon=True)
        flushing.start()
        flushing.join(min(FLUSH_BUDGET, settings.shutdown_grace / 5))
        if flushing.is_alive():
            log.warning("tracing: spans not yet exported are dropped (collector unreachable?)")


def _resource(settings: Settings, service: str) -> Resource:
    """Our names for the process, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say."""
    from opentelemetry.sdk.resources import (
        SERVICE_INSTANCE_ID,
        SERVICE_NAME,
        OTELResourceDetector,
        Resource,
    )

    given = OTELResourceDetector().detect().attributes
    ours = {SERVICE_NAME: service, SERVICE_INSTANCE_ID: settings.instance or socket.gethostname()}
    return Resource.create({key: value for key, value in ours.items() if key not in given})


def _exporter() -> OTLPSpanExporter:
    """The SDK's exporter waits 10 s per attempt unless told otherwise: ours, 2 s."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    if {"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"} & os.environ.keys():
        return OTLPSpanExporter()
    return OTLPSpanExporter(timeout=EXPORT_TIMEOUT)


def trace_requests(app: Litestar) -> None:
    """A server span around each request, continuing the caller's trace (`traceparent`)."""
    app.asgi_handler = _Traced(app.asgi_handler)


class _Traced:
    def __init__(self, inner: ASGIApp):
        self._inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._inner(scope, receive, send)
            return
        method = scope["method"]
        status = 500  # unless a response starts

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with _tracer.start_as_current_span(
            method,
            context=propagate.extract(_propagated(scope["headers"])),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope["path"]},
        ) as span:
            try:
                await self._inner(scope, receive, send_noting_status)
            finally:
                _describe(span, scope, status)


def _describe(span: trace.Span, scope: HTTPScope, status: int) -> None:
    route = scope.get("path_template")
    if route:
        span.update_name(f"{scope['method']} {route}")
        span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    correlation_id, module, _ = log_fields()
    if correlation_id:
        span.set_attribute("ticketing.correlation_id", correlation_id)
    if module:
        span.set_attribute("ticketing.module", module)
    if status >= 500:
        span.set_status(StatusCode.ERROR)


def _propagated(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in headers
        if name in PROPAGATED
    }

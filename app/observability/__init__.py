"""Metrics, structured logs, request correlation and optional traces: the app's side of
observing itself.

The metrics themselves are defined where they are moved (`bus.metrics`, each
module's `metrics`); this package serves them, times requests and formats logs.
"""

from app.observability.http import observe_requests
from app.observability.logs import configure_logging
from app.observability.scrape import LoopLag, metrics_router, sampler
from app.observability.tracing import trace_requests, tracing

__all__ = (
    "LoopLag",
    "configure_logging",
    "metrics_router",
    "observe_requests",
    "sampler",
    "trace_requests",
    "tracing",
)

"""Metrics, structured logs and request correlation: the app's side of observing itself.

The metrics themselves are defined where they are moved (`bus.metrics`, each
module's `metrics`); this package serves them, times requests and formats logs.
"""

from app.observability.http import observe_requests
from app.observability.logs import configure_logging
from app.observability.scrape import LoopLag, metrics_router, sampler

__all__ = ("LoopLag", "configure_logging", "metrics_router", "observe_requests", "sampler")

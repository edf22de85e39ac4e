"""What the work in progress is about, for every log line it writes: correlation, module, event.

Context variables, so each request and each event handler (its own task) has
its own, and work started from one (events it publishes, tasks it creates)
inherits them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from opentelemetry import propagate, trace

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_module: ContextVar[str | None] = ContextVar("module", default=None)
_event_id: ContextVar[str | None] = ContextVar("event_id", default=None)


def new_id() -> str:
    """128 random bits as 32 hex digits (uuid4's spelling, at a fifth of its cost per request)."""
    return os.urandom(16).hex()


def current_correlation_id() -> str:
    """The correlation id of the work in progress, or a fresh one if nothing set it."""
    return _correlation_id.get() or new_id()


def set_correlation_id(value: str | None) -> None:
    _correlation_id.set(value)


def set_module(name: str | None) -> None:
    """The module doing the work: a request's route, an event's consumer group, a loop's owner."""
    _module.set(name)


@contextmanager
def working_as(module: str) -> Iterator[None]:
    """Within the block, and in every task created there (loops, services), `module` works."""
    token = _module.set(module)
    try:
        yield
    finally:
        _module.reset(token)


def handling(correlation_id: str, module: str, event_id: str) -> None:
    """The work in progress is `module`'s handling of event `event_id`."""
    _correlation_id.set(correlation_id)
    _module.set(module)
    _event_id.set(event_id)


def log_fields() -> tuple[str | None, str | None, str | None]:
    """(correlation id, module, event id) as set, None where nothing set them."""
    return _correlation_id.get(), _module.get(), _event_id.get()


def current_trace_context() -> dict[str, str] | None:
    """The W3C trace context for an event published now, if a trace is current (a span of this
    process's, or one passed on from a traced producer: see `bus.tracing`), so that its
    handlers' spans continue the trace."""
    if not trace.get_current_span().get_span_context().is_valid:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None

"""Traces across the bus: an envelope carries the W3C trace context of the work that published
it, and the handlers of its event continue that trace, in whichever process they run.

Free while tracing is off (the default): nothing publishes a context, so no handler opens a
span. A process with tracing off that handles a traced envelope records nothing, but passes
the context on to the events it publishes (and its log lines name the trace), so a trace
stays whole across it. `app.observability.tracing` turns tracing on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry import context, propagate, trace
from opentelemetry.trace import INVALID_SPAN, Span, SpanKind, StatusCode

from bus.context import handling

if TYPE_CHECKING:
    from bus.envelope import Envelope

_tracer = trace.get_tracer("ticketing.bus")


@contextmanager
def handling_event(envelope: Envelope, group: str) -> Iterator[Span]:
    """The work within is `group`'s handling of `envelope`: its correlation id, module and event
    id name the log lines and the events published there, in a consumer span that is a child
    of the span that published it (one that records nothing for an untraced envelope). A batch
    handler takes each of its events under this, one after the other."""
    handling(envelope.correlation_id, group, envelope.event_id)
    if not envelope.trace:
        yield INVALID_SPAN
        return
    with _tracer.start_as_current_span(
        f"process {envelope.subject}",
        context=propagate.extract(envelope.trace),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "ticketing",
            "messaging.operation.type": "process",
            "messaging.destination.name": envelope.subject,
            "messaging.consumer.group.name": group,
            "messaging.message.id": envelope.event_id,
            "ticketing.correlation_id": envelope.correlation_id,
        },
    ) as span:
        yield span


@contextmanager
def in_trace_of(envelope: Envelope) -> Iterator[None]:
    """Within the block the envelope's trace is current, with no span of its own: for the log
    line of an event handled in a batch, after its span ended."""
    if not envelope.trace:
        yield
        return
    token = context.attach(propagate.extract(envelope.trace))
    try:
        yield
    finally:
        context.detach(token)


@contextmanager
def continuing_trace(kept: dict[str, str] | None, name: str) -> Iterator[None]:
    """Work resumed later from a kept trace context (`current_trace_context()` when it was
    set aside, as an order's expiry is) as a span of that trace: the events published
    within carry it on. Nothing kept, nothing traced."""
    if not kept:
        yield
        return
    with _tracer.start_as_current_span(name, context=propagate.extract(kept)):
        yield


def failed(span: Span, error: Exception) -> None:
    """Marks a handling span failed (the bus catches the handler's error to decide what next)."""
    span.record_exception(error)
    span.set_status(StatusCode.ERROR, f"{type(error).__name__}: {error}")

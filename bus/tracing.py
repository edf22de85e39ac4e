"""Traces across the bus: an envelope carries the W3C trace context of the work that published
it, and the handlers of its event continue that trace, in whichever process they run.

Free while tracing is off (the default): no span is recording, so no envelope carries a
context and no handler opens a span. `app.observability.tracing` turns it on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opentelemetry import propagate, trace
from opentelemetry.trace import INVALID_SPAN, Link, Span, SpanKind, StatusCode
from opentelemetry.util.types import AttributeValue

if TYPE_CHECKING:
    from bus.envelope import Envelope

_tracer = trace.get_tracer("ticketing.bus")


@contextmanager
def handling_span(envelopes: Sequence[Envelope], group: str) -> Iterator[Span]:
    """`group`'s handling of `envelopes` as a consumer span continuing their trace: a child of
    the span that published them when they share one, else linked to each (a batch). Untraced
    envelopes get a span that records nothing."""
    traced = [envelope for envelope in envelopes if envelope.trace]
    if not traced:
        yield INVALID_SPAN
        return
    contexts = {tuple(sorted(envelope.trace.items())) for envelope in traced if envelope.trace}
    parent = propagate.extract(traced[0].trace) if len(contexts) == 1 else None
    links = [] if parent else [_link(envelope) for envelope in traced]
    first = envelopes[0]
    subjects = {envelope.subject for envelope in envelopes}
    subject = first.subject if len(subjects) == 1 else "several subjects"
    attributes: dict[str, AttributeValue] = {
        "messaging.system": "ticketing",
        "messaging.operation.type": "process",
        "messaging.destination.name": subject,
        "messaging.consumer.group.name": group,
        "messaging.batch.message_count": len(envelopes),
        "ticketing.correlation_id": first.correlation_id,
    }
    if len(envelopes) == 1:
        attributes["messaging.message.id"] = first.event_id
    with _tracer.start_as_current_span(
        f"process {subject}",
        context=parent,
        kind=SpanKind.CONSUMER,
        links=[link for link in links if link is not None],
        attributes=attributes,
    ) as span:
        yield span


@contextmanager
def continuing_trace(context: dict[str, str] | None, name: str) -> Iterator[None]:
    """Work resumed later from a kept trace context (`current_trace_context()` when it was
    set aside, as an order's expiry is) as a span of that trace: the events published
    within carry it on. Nothing kept, nothing traced."""
    if not context:
        yield
        return
    with _tracer.start_as_current_span(name, context=propagate.extract(context)):
        yield


def failed(span: Span, error: Exception) -> None:
    """Marks a handling span failed (the bus catches the handler's error to decide what next)."""
    span.record_exception(error)
    span.set_status(StatusCode.ERROR, f"{type(error).__name__}: {error}")


def _link(envelope: Envelope) -> Link | None:
    context = trace.get_current_span(propagate.extract(envelope.trace or {})).get_span_context()
    return Link(context) if context.is_valid else None

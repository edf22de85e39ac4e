"""What an event's envelope carries of the trace it was published in (tracing is optional and
off by default: `tests/processes/test_tracing.py` runs it on and off in real processes)."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider

from bus import Envelope
from bus.context import current_trace_context
from tests.bus.recording import ticket_created


class TestWhatAnEnvelopeCarries:
    def test_nothing_while_no_span_records(self) -> None:
        assert current_trace_context() is None
        assert ticket_created().trace is None

    def test_the_recording_span_it_was_published_under(self) -> None:
        tracer = TracerProvider().get_tracer("test")  # this test's own, not the process's

        with tracer.start_as_current_span("publishing") as span:
            envelope = ticket_created()

        published = span.get_span_context()
        assert envelope.trace is not None
        version, trace_id, span_id, _ = envelope.trace["traceparent"].split("-")
        assert (version, trace_id, span_id) == (
            "00",
            f"{published.trace_id:032x}",
            f"{published.span_id:016x}",
        )
        assert Envelope.model_validate_json(envelope.model_dump_json()) == envelope

    def test_an_envelope_from_a_producer_without_tracing_reads_as_untraced(self) -> None:
        document = ticket_created().to_document()
        del document["trace"]

        assert Envelope.from_document(document).trace is None

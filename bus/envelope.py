"""The envelope every event travels in, and the correlation id that follows a request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bus.context import current_correlation_id, current_trace_context, new_id, set_correlation_id
from bus.events import EVENT_TYPES, Event

__all__ = ("Envelope", "current_correlation_id", "new_id", "set_correlation_id")


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    subject: str
    producer: str
    occurred_at: datetime
    correlation_id: str
    payload: dict[str, Any]
    trace: dict[str, str] | None = None  # W3C trace context (traceparent), when tracing is on

    @classmethod
    def wrap(cls, event: Event, producer: str) -> Envelope:
        return cls(
            event_id=new_id(),
            subject=event.subject,
            producer=producer,
            occurred_at=datetime.now(UTC),
            correlation_id=current_correlation_id(),
            payload=event.model_dump(mode="json"),
            trace=current_trace_context(),
        )

    def open(self) -> Event:
        """The typed event inside; raises for an unknown subject or a malformed payload."""
        return EVENT_TYPES[self.subject].model_validate(self.payload)

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Envelope:
        return cls.model_validate(document)

"""The envelope every event travels in, and the correlation id that follows a request."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bus.events import EVENT_TYPES, Event

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id of the work in progress, or a fresh one if nothing set it."""
    return _correlation_id.get() or new_id()


def set_correlation_id(value: str | None) -> None:
    _correlation_id.set(value)


def new_id() -> str:
    return uuid.uuid4().hex


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: str
    subject: str
    producer: str
    occurred_at: datetime
    correlation_id: str
    payload: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, producer: str) -> Envelope:
        return cls(
            event_id=new_id(),
            subject=event.subject,
            producer=producer,
            occurred_at=datetime.now(UTC),
            correlation_id=current_correlation_id(),
            payload=event.model_dump(mode="json"),
        )

    def open(self) -> Event:
        """The typed event inside; raises for an unknown subject or a malformed payload."""
        return EVENT_TYPES[self.subject].model_validate(self.payload)

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Envelope:
        return cls.model_validate(document)

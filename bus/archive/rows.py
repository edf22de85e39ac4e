"""From an envelope to an archive row, and back: what the archive derives from each event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bus.envelope import Envelope


@dataclass(frozen=True)
class ArchivedEvent:
    """One archived envelope with what was derived from it, in the archive's order."""

    position: int
    envelope: Envelope
    archived_at: datetime
    aggregate_id: str | None
    aggregate_version: int | None
    order_id: str | None

    @property
    def event_id(self) -> str:
        return self.envelope.event_id

    @property
    def subject(self) -> str:
        return self.envelope.subject


def order_id_of(envelope: Envelope) -> str | None:
    """The order an event belongs to: an order event's own id, else the payload's `order_id`."""
    payload = envelope.payload
    key = "id" if envelope.subject.startswith("order.") else "order_id"
    value = payload.get(key)
    return str(value) if value is not None else None


def row_of(envelope: Envelope, archived_at: datetime) -> dict[str, Any]:
    """Generic on purpose: `id` and `version` name the aggregate in every contract, so a new
    event type is archived without a change here."""
    payload = envelope.payload
    version = payload.get("version")
    return {
        "event_id": envelope.event_id,
        "subject": envelope.subject,
        "producer": envelope.producer,
        "occurred_at": envelope.occurred_at,
        "archived_at": archived_at,
        "correlation_id": envelope.correlation_id,
        "aggregate_id": str(payload["id"]) if payload.get("id") is not None else None,
        "aggregate_version": version if isinstance(version, int) else None,
        "order_id": order_id_of(envelope),
        "payload": payload,
    }


def event_of(row: Any) -> ArchivedEvent:
    return ArchivedEvent(
        position=row.position,
        envelope=Envelope(
            event_id=row.event_id,
            subject=row.subject,
            producer=row.producer,
            occurred_at=row.occurred_at,
            correlation_id=row.correlation_id,
            payload=row.payload,
        ),
        archived_at=row.archived_at,
        aggregate_id=row.aggregate_id,
        aggregate_version=row.aggregate_version,
        order_id=row.order_id,
    )

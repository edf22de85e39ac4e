"""The outbox's shape: written by a module's unit of work, read by its relay."""

from __future__ import annotations

from typing import Any

from bus.envelope import Envelope

OUTBOX = "outbox"


def outbox_entry(envelope: Envelope) -> dict[str, Any]:
    return {
        "_id": envelope.event_id,
        "envelope": envelope.to_document(),
        "created_at": envelope.occurred_at,
        "published_at": None,
        "lease_until": None,
    }

"""What modules announced: published events seen by a recording group, plus unpublished ones.

The relay deletes outbox entries once published, so tests read announcements
here: a consumer group of the test's own records every event the bus delivers.
"""

from __future__ import annotations

from typing import Any

from bus import EVENT_TYPES, Bus, Envelope

RECORDER = "test-recorder"


class EventLog:
    def __init__(self) -> None:
        self.published: dict[str, Envelope] = {}

    def subscribe(self, bus: Bus) -> None:
        """Before the bus starts: the recorder is one more durable group on every subject."""
        for subject in EVENT_TYPES:
            bus.subscribe(RECORDER, subject, self._record)

    async def _record(self, envelope: Envelope) -> None:
        self.published.setdefault(envelope.event_id, envelope)


async def announced(
    client: Any, module: str, subject: str | None = None, **payload: Any
) -> list[dict[str, Any]]:
    """Envelopes (as stored) `module` committed, published or still in its outbox, oldest first;
    `payload` keys filter on payload fields."""
    runtime = client.app.state.runtime
    log: EventLog = client.events
    envelopes = {e.event_id: e.to_document() for e in log.published.values()}
    async for entry in runtime.transactions(module).database["outbox"].find({}):
        envelopes.setdefault(entry["_id"], entry["envelope"])
    # Published and stored for the recorder, but not yet handed to it (in-process bus).
    deliveries = runtime.client[runtime.settings.database_name("bus")]["deliveries"]
    async for delivery in deliveries.find({"group": RECORDER}):
        envelopes.setdefault(delivery["envelope"]["event_id"], delivery["envelope"])
    return sorted(
        (
            envelope
            for envelope in envelopes.values()
            if envelope["producer"] == module
            and (subject is None or envelope["subject"] == subject)
            and all(envelope["payload"].get(key) == value for key, value in payload.items())
        ),
        key=lambda envelope: str(envelope["occurred_at"]),
    )

"""An order's story as its buyer and its ticket's seller read it, from the archive alone.

Who may read it is decided from the archived payloads: `order.created` names the buyer,
the ticket's own events name its seller. The archive keeps no other copy of either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bus.archive.rows import ArchivedEvent
from bus.archive.store import ArchiveStore


@dataclass(frozen=True)
class Step:
    """One event of the story: what happened, which module said so, when, how long after."""

    what: str
    subject: str
    module: str
    at: datetime
    offset_seconds: float


@dataclass(frozen=True)
class Timeline:
    order_id: str
    events: Sequence[ArchivedEvent]
    buyer_id: str | None
    seller_id: str | None

    def visible_to(self, user_id: str) -> bool:
        return user_id in (self.buyer_id, self.seller_id)

    @property
    def tag(self) -> str:
        """Changes whenever an event joins the story: the ETag of the polled fragment."""
        ids = ",".join(event.event_id for event in self.events)
        return hashlib.sha256(ids.encode()).hexdigest()[:16]

    def steps(self) -> list[Step]:
        start = self.events[0].envelope.occurred_at
        steps: list[Step] = []
        cancelled = paid = False
        for event in self.events:
            envelope = event.envelope
            steps.append(
                Step(
                    what=_described(event, cancelled=cancelled, paid=paid),
                    subject=envelope.subject,
                    module=envelope.producer,
                    at=envelope.occurred_at,
                    offset_seconds=(envelope.occurred_at - start).total_seconds(),
                )
            )
            cancelled = cancelled or envelope.subject == "order.cancelled"
            paid = paid or envelope.subject == "payment.created"
        return steps


async def timeline_of(store: ArchiveStore, order_id: str) -> Timeline | None:
    """The order's archived story with its buyer and seller; None if nothing is archived."""
    events = await store.timeline(order_id)
    created = next((e for e in events if e.subject == "order.created"), None)
    if created is None:
        return None
    payload = created.envelope.payload
    seller = await store.ticket_owner(str(payload["ticket"]["id"]))
    return Timeline(order_id, events, str(payload["user_id"]), seller)


CANCELLATIONS = {"expired": "Order expired", "buyer": "Order cancelled by the buyer"}


def _described(event: ArchivedEvent, *, cancelled: bool, paid: bool) -> str:
    """In the order page's words. A payment after the cancellation is refunded by payments when
    orders announces the cancellation again (no event of its own)."""
    payload, subject = event.envelope.payload, event.subject
    if subject == "order.created":
        return "Order created"
    if subject == "ticket.updated":
        return "Ticket reserved" if payload.get("order_id") else "Ticket released"
    if subject == "expiration.complete":
        return "Time to pay ran out"
    if subject == "order.cancelled":
        if cancelled and paid:
            return "Cancellation announced again: the late payment is refunded"
        return CANCELLATIONS.get(str(payload.get("reason")), "Order cancelled")
    if subject == "payment.created":
        return "Paid after the order ended" if cancelled else "Paid: the order is complete"
    return subject

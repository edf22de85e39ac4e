"""Archive test material: every subject about one order, and bursts of listings."""

from __future__ import annotations

from bus import Envelope, ExpirationComplete
from tests.support.events import (
    envelope,
    in_seconds,
    new_id,
    order_cancelled,
    order_created,
    payment_created,
    ticket_created,
    ticket_updated,
)

RESERVATION_SECONDS = 15 * 60


def a_story(order_id: str | None = None, ticket_id: str | None = None) -> list[Envelope]:
    """One of each subject, about one ticket and one order, in the order they happen."""
    order_id, ticket_id = order_id or new_id(), ticket_id or new_id()
    return [
        envelope(ticket_created(ticket_id, "s", title="Opera", price=2500)),
        envelope(
            order_created(
                order_id,
                ticket_id=ticket_id,
                buyer_id="b",
                price=2500,
                expires_at=in_seconds(RESERVATION_SECONDS),
            )
        ),
        envelope(ticket_updated(ticket_id, "s", 1, title="Opera", price=2500, order_id=order_id)),
        envelope(ExpirationComplete(order_id=order_id)),
        envelope(order_cancelled(order_id, ticket_id=ticket_id)),
        envelope(payment_created(order_id, "ch_1")),
    ]


def tickets(count: int) -> list[Envelope]:
    return [envelope(ticket_created(new_id(), "s", title=f"T{n}", price=100)) for n in range(count)]

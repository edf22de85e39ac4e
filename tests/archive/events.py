"""Envelopes of every kind, as the modules publish them, for archive tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from bus import (
    Envelope,
    Event,
    ExpirationComplete,
    OrderCancelled,
    OrderCreated,
    PaymentCreated,
    PricedTicket,
    TicketCreated,
    TicketRef,
    TicketUpdated,
)


def wrap(event: Event, producer: str) -> Envelope:
    return Envelope.wrap(event, producer=producer)


def a_story(order_id: str | None = None, ticket_id: str | None = None) -> list[Envelope]:
    """One of each subject, about one ticket and one order, in the order they happen."""
    order_id, ticket_id = order_id or str(ObjectId()), ticket_id or str(ObjectId())
    expires = datetime.now(UTC) + timedelta(minutes=15)
    return [
        wrap(
            TicketCreated(id=ticket_id, version=0, title="Opera", price=2500, user_id="s"),
            "tickets",
        ),
        wrap(
            OrderCreated(
                id=order_id,
                version=0,
                status="created",
                user_id="b",
                expires_at=expires,
                ticket=PricedTicket(id=ticket_id, price=2500),
            ),
            "orders",
        ),
        wrap(
            TicketUpdated(
                id=ticket_id, version=1, title="Opera", price=2500, user_id="s", order_id=order_id
            ),
            "tickets",
        ),
        wrap(ExpirationComplete(order_id=order_id), "expiration"),
        wrap(OrderCancelled(id=order_id, version=1, ticket=TicketRef(id=ticket_id)), "orders"),
        wrap(PaymentCreated(id=str(ObjectId()), order_id=order_id, charge_id="ch_1"), "payments"),
    ]


def tickets(count: int) -> list[Envelope]:
    return [
        wrap(
            TicketCreated(id=str(ObjectId()), version=0, title=f"T{n}", price=100, user_id="s"),
            "tickets",
        )
        for n in range(count)
    ]

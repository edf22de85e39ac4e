"""Integration events as their producing module would announce them, published on an app's bus.

A test plays the modules an app does not run: it builds their events here and
publishes them as that module's relay would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from bus import (
    Envelope,
    Event,
    OrderCancelled,
    OrderCreated,
    PaymentCreated,
    PricedTicket,
    TicketCreated,
    TicketRef,
    TicketUpdated,
)
from tests.support.apps import AppClient, runtime_of

PRODUCERS = {
    "ticket.created": "tickets",
    "ticket.updated": "tickets",
    "order.created": "orders",
    "order.cancelled": "orders",
    "expiration.complete": "expiration",
    "payment.created": "payments",
}
RESERVATION = timedelta(minutes=15)


def new_id() -> str:
    return str(ObjectId())


def in_seconds(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def ticket_created(
    ticket_id: str, seller_id: str, *, title: str = "Concert", price: int = 500
) -> TicketCreated:
    return TicketCreated(id=ticket_id, version=0, title=title, price=price, user_id=seller_id)


def ticket_updated(
    ticket_id: str,
    seller_id: str,
    version: int,
    *,
    title: str,
    price: int = 1000,
    order_id: str | None = None,
) -> TicketUpdated:
    return TicketUpdated(
        id=ticket_id,
        version=version,
        title=title,
        price=price,
        user_id=seller_id,
        order_id=order_id,
    )


def order_created(
    order_id: str | None = None,
    *,
    ticket_id: str | None = None,
    buyer_id: str | None = None,
    price: int = 2000,
    expires_at: datetime | None = None,
) -> OrderCreated:
    """A new order (unknown ticket and buyer unless named), reserved for the default window."""
    return OrderCreated(
        id=order_id or new_id(),
        version=0,
        status="created",
        user_id=buyer_id or new_id(),
        expires_at=expires_at or datetime.now(UTC) + RESERVATION,
        ticket=PricedTicket(id=ticket_id or new_id(), price=price),
    )


def order_cancelled(
    order_id: str, *, ticket_id: str | None = None, version: int = 1
) -> OrderCancelled:
    return OrderCancelled(id=order_id, version=version, ticket=TicketRef(id=ticket_id or new_id()))


def payment_created(order_id: str, charge_id: str = "ch_test") -> PaymentCreated:
    return PaymentCreated(id=new_id(), order_id=order_id, charge_id=charge_id)


def envelope(event: Event) -> Envelope:
    """The event as its producing module's outbox would wrap it (a fresh event id)."""
    return Envelope.wrap(event, producer=PRODUCERS[event.subject])


async def publish(client: AppClient, *messages: Event | Envelope) -> list[Envelope]:
    """Publish on the app's bus, in turn: an event newly wrapped, an envelope as it is (so the
    same envelope twice is a redelivery of one event)."""
    envelopes = [m if isinstance(m, Envelope) else envelope(m) for m in messages]
    for one in envelopes:
        await runtime_of(client).bus.publish(one)
    return envelopes

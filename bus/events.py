"""The integration-event contracts: the only thing modules share.

Contracts evolve by adding optional fields only, so an old consumer can read a
new event and a new consumer an old one.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

OrderStatus = Literal["created", "awaiting:payment", "complete", "cancelled"]
# Why an order was cancelled: its time to pay ran out, or its buyer gave it up.
CancelReason = Literal["expired", "buyer"]


class Event(BaseModel):
    """Base of every integration event; `subject` names its stream."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    subject: ClassVar[str]


class TicketRef(BaseModel):
    """The ticket an order is about."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    id: str


class PricedTicket(TicketRef):
    """The ticket an order reserved, with the price (cents) the buyer will be charged."""

    price: int


class TicketState(Event):
    """A ticket as tickets announces it after each change; `version` orders the changes."""

    id: str
    version: int
    title: str
    price: int
    user_id: str


class TicketCreated(TicketState):
    subject: ClassVar[str] = "ticket.created"


class TicketUpdated(TicketState):
    subject: ClassVar[str] = "ticket.updated"
    order_id: str | None = None


class OrderCreated(Event):
    subject: ClassVar[str] = "order.created"
    id: str
    version: int
    status: OrderStatus
    user_id: str
    expires_at: datetime
    ticket: PricedTicket


class OrderCancelled(Event):
    """`reason` was added later: an envelope published before it has none (None)."""

    subject: ClassVar[str] = "order.cancelled"
    id: str
    version: int
    ticket: TicketRef
    reason: CancelReason | None = None


class ExpirationComplete(Event):
    subject: ClassVar[str] = "expiration.complete"
    order_id: str


class PaymentCreated(Event):
    subject: ClassVar[str] = "payment.created"
    id: str
    order_id: str
    charge_id: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.subject: cls
    for cls in (
        TicketCreated,
        TicketUpdated,
        OrderCreated,
        OrderCancelled,
        ExpirationComplete,
        PaymentCreated,
    )
}

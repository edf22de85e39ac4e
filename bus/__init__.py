"""The event bus: contracts, envelope, the Bus interface, outbox, inbox and implementations."""

from bus.envelope import Envelope, current_correlation_id, set_correlation_id
from bus.events import (
    EVENT_TYPES,
    Event,
    ExpirationComplete,
    OrderCancelled,
    OrderCreated,
    OrderStatus,
    PaymentCreated,
    PricedTicket,
    TicketCreated,
    TicketRef,
    TicketUpdated,
)
from bus.interface import Bus, DeadLetter, GroupStatus, Handler, NotReadyYet, RetryPolicy
from bus.relay import Relay

__all__ = (
    "EVENT_TYPES",
    "Bus",
    "DeadLetter",
    "Envelope",
    "Event",
    "ExpirationComplete",
    "GroupStatus",
    "Handler",
    "NotReadyYet",
    "OrderCancelled",
    "OrderCreated",
    "OrderStatus",
    "PaymentCreated",
    "PricedTicket",
    "Relay",
    "RetryPolicy",
    "TicketCreated",
    "TicketRef",
    "TicketUpdated",
    "current_correlation_id",
    "set_correlation_id",
)

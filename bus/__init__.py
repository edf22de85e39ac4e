"""The event bus: contracts, envelope, the Bus interface, outbox, inbox and implementations."""

from bus.envelope import Envelope, current_correlation_id, set_correlation_id
from bus.events import (
    EVENT_TYPES,
    Event,
    ExpirationComplete,
    OrderCancelled,
    OrderCreated,
    PaymentCreated,
    TicketCreated,
    TicketRef,
    TicketUpdated,
)
from bus.inbox import Listener, inbox_guarded
from bus.interface import Bus, DeadLetter, GroupStatus, Handler, NotReadyYet, RetryPolicy
from bus.relay import Relay
from bus.unit_of_work import Transactions, UnitOfWork

__all__ = (
    "EVENT_TYPES",
    "Bus",
    "DeadLetter",
    "Envelope",
    "Event",
    "ExpirationComplete",
    "GroupStatus",
    "Handler",
    "Listener",
    "NotReadyYet",
    "OrderCancelled",
    "OrderCreated",
    "PaymentCreated",
    "Relay",
    "RetryPolicy",
    "TicketCreated",
    "TicketRef",
    "TicketUpdated",
    "Transactions",
    "UnitOfWork",
    "current_correlation_id",
    "inbox_guarded",
    "set_correlation_id",
)

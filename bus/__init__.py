"""What modules may use of the bus: event contracts, the envelope, the Bus interface.

The implementations (`bus.inprocess`, `bus.redis_streams`), the relay, chaos,
the delivery policy, the outbox format and stopping are the app's: import
them from their submodules (an import-linter contract keeps modules out).
"""

from bus.context import current_trace_context
from bus.envelope import Envelope, current_correlation_id, set_correlation_id
from bus.events import (
    EVENT_TYPES,
    CancelReason,
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
from bus.interface import (
    BatchHandler,
    Bus,
    DeadLetter,
    GroupStatus,
    Handler,
    NotReadyYet,
    RetryPolicy,
)
from bus.tracing import continuing_trace, handling_event

__all__ = (
    "EVENT_TYPES",
    "BatchHandler",
    "Bus",
    "CancelReason",
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
    "RetryPolicy",
    "TicketCreated",
    "TicketRef",
    "TicketUpdated",
    "continuing_trace",
    "current_correlation_id",
    "current_trace_context",
    "handling_event",
    "set_correlation_id",
)

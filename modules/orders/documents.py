from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from bus import CancelReason
from modules.kernel import Versioned
from modules.orders.domain import ACTIVE_STATUSES, OrderStatus


class TicketSnapshot(BaseModel):
    """The ticket as it was when ordered; the price charged is this one."""

    id: str
    title: str
    price: int
    version: int


class Order(Versioned):
    user_id: str
    status: OrderStatus
    expires_at: datetime
    ticket: TicketSnapshot
    cancel_reason: CancelReason | None = None  # set on cancelling; absent from older documents

    class Settings:
        name = "orders"
        indexes = [
            # The guarantee that no ticket is sold twice: one active order per ticket,
            # enforced by the database so it holds across concurrent requests and replicas.
            IndexModel(
                [("ticket.id", ASCENDING)],
                unique=True,
                name="one_active_order_per_ticket",
                partialFilterExpression={"status": {"$in": [s.value for s in ACTIVE_STATUSES]}},
            ),
            IndexModel([("user_id", ASCENDING)], name="user_id"),
        ]


class TicketReplica(Versioned):
    """What orders knows of a ticket, built from ticket events in version order; same id."""

    title: str
    price: int
    user_id: str

    class Settings:
        name = "ticket_replicas"

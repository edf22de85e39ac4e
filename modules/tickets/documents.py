from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from modules.kernel import Versioned


class Ticket(Versioned):
    """A ticket for sale; `order_id` is set while an order holds it. Price in integer cents.

    Every change bumps `version` and is announced as `ticket.updated`, so replicas
    can apply changes strictly in order.
    """

    title: str
    price: int
    user_id: str
    order_id: str | None = None
    # Cancellations heard for this ticket, so a late `order.created` for one is not applied.
    # Kept on the ticket itself: a cancellation and a reservation handled at the same time
    # then write the same document and conflict, instead of both committing unaware.
    cancelled_orders: list[str] = []
    paid_orders: list[str] = []  # payments heard for orders on this ticket: a held one is sold

    class Settings:
        name = "tickets"
        indexes = [
            IndexModel([("order_id", ASCENDING)], name="order_id"),
            IndexModel([("cancelled_orders", ASCENDING)], name="cancelled_orders"),
            IndexModel([("user_id", ASCENDING)], name="user_id"),
        ]

from __future__ import annotations

from beanie import Document
from pymongo import ASCENDING, IndexModel


class Ticket(Document):
    """A ticket for sale; `order_id` is set while an order holds it. Price in integer cents."""

    title: str
    price: int
    user_id: str
    version: int = 0
    order_id: str | None = None
    # Cancellations heard for this ticket, so a late `order.created` for one is not applied.
    # Kept on the ticket itself: a cancellation and a reservation handled at the same time
    # then write the same document and conflict, instead of both committing unaware.
    cancelled_orders: list[str] = []

    class Settings:
        name = "tickets"
        indexes = [IndexModel([("order_id", ASCENDING)], name="order_id")]

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

    class Settings:
        name = "tickets"
        indexes = [IndexModel([("order_id", ASCENDING)], name="order_id")]


class CancelledOrder(Document):
    """A cancellation heard for a ticket, so a late `order.created` for it is not applied."""

    ticket_id: str

    class Settings:
        name = "cancelled_orders"

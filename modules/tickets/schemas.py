from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from modules.kernel import RequestBody
from modules.tickets.documents import Ticket


class TicketBody(RequestBody):
    title: str | None = None
    price: Decimal | None = None


class TicketOut(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    title: str
    price: float | int
    user_id: str
    version: int
    order_id: str | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketOut:
        whole, cents = divmod(ticket.price, 100)
        return cls(
            id=str(ticket.id),
            title=ticket.title,
            price=whole if cents == 0 else ticket.price / 100,
            user_id=ticket.user_id,
            version=ticket.version,
            order_id=ticket.order_id,
        )

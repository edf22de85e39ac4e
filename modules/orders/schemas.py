from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from bus import CancelReason
from modules.kernel import RequestBody, cents_to_number
from modules.orders.documents import Order


class OrderBody(RequestBody):
    ticket_id: str | None = None


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class OrderTicketOut(_Out):
    id: str
    title: str
    price: float | int
    version: int


class OrderOut(_Out):
    id: str
    user_id: str
    status: str
    expires_at: datetime
    version: int
    ticket: OrderTicketOut
    cancel_reason: CancelReason | None = Field(
        default=None,
        description="Why a cancelled order was cancelled: its time to pay ran out (expired) or "
        "its buyer cancelled it (buyer); null while not cancelled, and for orders cancelled "
        "before the reason was recorded.",
    )

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        return cls(
            id=str(order.id),
            user_id=order.user_id,
            status=order.status.value,
            expires_at=order.expires_at,
            version=order.version,
            cancel_reason=order.cancel_reason,
            ticket=OrderTicketOut(
                id=order.ticket.id,
                title=order.ticket.title,
                price=cents_to_number(order.ticket.price),
                version=order.ticket.version,
            ),
        )

"""Orders' replica of tickets: created once, then updated strictly in version order."""

from __future__ import annotations

from beanie import PydanticObjectId

from bus import TicketCreated, TicketUpdated
from modules.kernel import UnitOfWork, apply_in_order, record_once
from modules.orders.documents import TicketReplica


async def record_ticket(unit: UnitOfWork, event: TicketCreated) -> None:
    replica = TicketReplica(
        id=PydanticObjectId(event.id),
        title=event.title,
        price=event.price,
        user_id=event.user_id,
        version=event.version,
    )
    await record_once(unit, replica)


async def apply_ticket_update(unit: UnitOfWork, event: TicketUpdated) -> None:
    def change(replica: TicketReplica) -> None:
        replica.title, replica.price = event.title, event.price

    await apply_in_order(unit, TicketReplica, PydanticObjectId(event.id), event.version, change)

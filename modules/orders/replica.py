"""Orders' replica of tickets: created once, then updated strictly in version order."""

from __future__ import annotations

from beanie import PydanticObjectId

from bus import NotReadyYet, TicketCreated, TicketUpdated, UnitOfWork
from modules.orders.documents import TicketReplica


async def record_ticket(unit: UnitOfWork, event: TicketCreated) -> None:
    if await TicketReplica.get(PydanticObjectId(event.id), session=unit.session):
        return  # a duplicate: the replica exists already
    replica = TicketReplica(
        id=PydanticObjectId(event.id),
        title=event.title,
        price=event.price,
        user_id=event.user_id,
        version=event.version,
    )
    await replica.insert(session=unit.session)


async def apply_ticket_update(unit: UnitOfWork, event: TicketUpdated) -> None:
    """Apply only the next version; an early one is not acknowledged and comes back later."""
    replica = await TicketReplica.get(PydanticObjectId(event.id), session=unit.session)
    if replica is None or event.version > replica.version + 1:
        raise NotReadyYet(f"ticket {event.id} v{event.version} arrived before its predecessor")
    if event.version <= replica.version:
        return  # already applied
    await TicketReplica.get_pymongo_collection().update_one(
        {"_id": replica.id, "version": replica.version},
        {"$set": {"title": event.title, "price": event.price, "version": event.version}},
        session=unit.session,
    )

"""Payments' replica of orders: created once, cancelled strictly in version order."""

from __future__ import annotations

from beanie import PydanticObjectId

from bus import NotReadyYet, OrderCancelled, OrderCreated, UnitOfWork
from modules.payments.documents import OrderReplica
from modules.payments.domain import CANCELLED


async def record_order(unit: UnitOfWork, event: OrderCreated) -> None:
    if await OrderReplica.get(PydanticObjectId(event.id), session=unit.session):
        return  # a duplicate, or a cancellation got here first and waited
    replica = OrderReplica(
        id=PydanticObjectId(event.id),
        version=event.version,
        status=event.status,
        user_id=event.user_id,
        price=event.ticket.price or 0,
    )
    await replica.insert(session=unit.session)


async def apply_cancellation(unit: UnitOfWork, event: OrderCancelled) -> None:
    """Apply only the next version; an early one is not acknowledged and comes back later."""
    replica = await OrderReplica.get(PydanticObjectId(event.id), session=unit.session)
    if replica is None or event.version > replica.version + 1:
        raise NotReadyYet(f"order {event.id} v{event.version} arrived before its predecessor")
    if event.version == replica.version + 1:
        await OrderReplica.get_pymongo_collection().update_one(
            {"_id": replica.id, "version": replica.version},
            {"$set": {"status": CANCELLED, "version": event.version}},
            session=unit.session,
        )

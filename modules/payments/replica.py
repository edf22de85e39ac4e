"""Payments' replica of orders: created once, cancelled strictly in version order."""

from __future__ import annotations

from beanie import PydanticObjectId

from bus import OrderCancelled, OrderCreated
from modules.kernel import UnitOfWork, apply_in_order, record_once
from modules.payments.documents import OrderReplica


async def record_order(unit: UnitOfWork, event: OrderCreated) -> None:
    replica = OrderReplica(
        id=PydanticObjectId(event.id),
        version=event.version,
        status=event.status,
        user_id=event.user_id,
        price=event.ticket.price,
        expires_at=event.expires_at,
    )
    await record_once(unit, replica)


async def apply_cancellation(unit: UnitOfWork, event: OrderCancelled) -> None:
    def cancel(replica: OrderReplica) -> None:
        replica.status = "cancelled"

    await apply_in_order(unit, OrderReplica, PydanticObjectId(event.id), event.version, cancel)

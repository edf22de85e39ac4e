"""Which events payments reacts to."""

from __future__ import annotations

from bus import OrderCancelled, OrderCreated, UnitOfWork
from modules.payments.gateway import gateway
from modules.payments.replica import apply_cancellation, record_order
from modules.payments.use_cases import refund_if_paid


async def on_order_created(event: OrderCreated, unit: UnitOfWork) -> None:
    await record_order(unit, event)


async def on_order_cancelled(event: OrderCancelled, unit: UnitOfWork) -> None:
    # Also for a cancellation already applied: orders announces it again when a
    # payment arrives for an order it had cancelled, and that must refund.
    await apply_cancellation(unit, event)
    await refund_if_paid(unit, gateway.provider, event.id)


LISTENERS = {OrderCreated: on_order_created, OrderCancelled: on_order_cancelled}

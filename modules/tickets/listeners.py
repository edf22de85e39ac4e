"""Which events tickets reacts to: orders lock and unlock tickets; a payment sells one."""

from __future__ import annotations

from collections.abc import Mapping

from bus import Event, OrderCancelled, OrderCreated, PaymentCreated
from modules.kernel import Listener, UnitOfWork
from modules.tickets.use_cases import record_sale, release_ticket, reserve_ticket


async def on_order_created(event: OrderCreated, unit: UnitOfWork) -> None:
    await reserve_ticket(unit, event.ticket.id, event.id)


async def on_order_cancelled(event: OrderCancelled, unit: UnitOfWork) -> None:
    await release_ticket(unit, event.ticket.id, event.id)


async def on_payment_created(event: PaymentCreated, unit: UnitOfWork) -> None:
    await record_sale(unit, event.order_id)


LISTENERS: Mapping[type[Event], Listener] = {
    OrderCreated: on_order_created,
    OrderCancelled: on_order_cancelled,
    PaymentCreated: on_payment_created,
}

"""Which events orders reacts to."""

from __future__ import annotations

from collections.abc import Mapping

from bus import Event, ExpirationComplete, PaymentCreated, TicketCreated, TicketUpdated
from modules.kernel import Listener, UnitOfWork
from modules.orders.replica import apply_ticket_update, record_ticket
from modules.orders.use_cases import expire_order, settle_payment


async def on_ticket_created(event: TicketCreated, unit: UnitOfWork) -> None:
    await record_ticket(unit, event)


async def on_ticket_updated(event: TicketUpdated, unit: UnitOfWork) -> None:
    await apply_ticket_update(unit, event)


async def on_expiration_complete(event: ExpirationComplete, unit: UnitOfWork) -> None:
    await expire_order(unit, event.order_id)


async def on_payment_created(event: PaymentCreated, unit: UnitOfWork) -> None:
    await settle_payment(unit, event.order_id)


LISTENERS: Mapping[type[Event], Listener] = {
    TicketCreated: on_ticket_created,
    TicketUpdated: on_ticket_updated,
    ExpirationComplete: on_expiration_complete,
    PaymentCreated: on_payment_created,
}

"""Which events payments reacts to; the provider is bound in by the module's bootstrap."""

from __future__ import annotations

from collections.abc import Mapping

from bus import Event, OrderCancelled, OrderCreated
from modules.kernel import Listener, UnitOfWork
from modules.payments.providers import PaymentProvider
from modules.payments.replica import apply_cancellation, record_order
from modules.payments.use_cases import refund_if_paid


async def on_order_created(event: OrderCreated, unit: UnitOfWork) -> None:
    await record_order(unit, event)


def listeners(provider: PaymentProvider) -> Mapping[type[Event], Listener]:
    async def on_order_cancelled(event: OrderCancelled, unit: UnitOfWork) -> None:
        # Also for a cancellation already applied: orders announces it again when a
        # payment arrives for an order it had cancelled, and that must refund.
        await apply_cancellation(unit, event)
        await refund_if_paid(unit, provider, event.id)

    return {OrderCreated: on_order_created, OrderCancelled: on_order_cancelled}

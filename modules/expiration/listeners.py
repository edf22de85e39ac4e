"""Which events expiration reacts to."""

from __future__ import annotations

from collections.abc import Mapping

from bus import Event, Listener, OrderCancelled, OrderCreated, UnitOfWork
from modules.expiration.clock import ExpirationClock
from modules.expiration.use_cases import drop_expiry, record_expiry


def listeners(clock: ExpirationClock) -> Mapping[type[Event], Listener]:
    async def on_order_created(event: OrderCreated, unit: UnitOfWork) -> None:
        # Enqueued before commit: should the commit fail, the message fires for an
        # expiry that does not exist and does nothing; the retry enqueues again.
        if await record_expiry(unit, event.id, event.expires_at):
            await clock.schedule(event.id, event.expires_at)

    async def on_order_cancelled(event: OrderCancelled, unit: UnitOfWork) -> None:
        await drop_expiry(unit, event.id)

    return {OrderCreated: on_order_created, OrderCancelled: on_order_cancelled}

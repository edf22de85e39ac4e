"""Which events expiration reacts to; the scheduler is bound in by the module's bootstrap."""

from __future__ import annotations

from collections.abc import Mapping

from bus import Event, OrderCancelled, OrderCreated
from modules.expiration import metrics
from modules.expiration.scheduler import ExpiryScheduler
from modules.expiration.use_cases import drop_expiry, record_expiry
from modules.kernel import Listener, UnitOfWork


async def on_order_cancelled(event: OrderCancelled, unit: UnitOfWork) -> None:
    await drop_expiry(unit, event.id)


def listeners(scheduler: ExpiryScheduler) -> Mapping[type[Event], Listener]:
    async def on_order_created(event: OrderCreated, unit: UnitOfWork) -> None:
        # Enqueued before commit: should the commit fail, the message fires for an
        # expiry that does not exist and does nothing; the retry enqueues again.
        if await record_expiry(unit, event.id, event.expires_at):
            await scheduler.schedule(event.id, event.expires_at)
            metrics.SCHEDULED.inc()

    return {OrderCreated: on_order_created, OrderCancelled: on_order_cancelled}

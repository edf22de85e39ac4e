"""Delayed dramatiq messages that fire order expiries, and the sweep that backs them up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from bus import Transactions
from modules.expiration.use_cases import fire_expiry, overdue_order_ids
from modules.kernel import ModuleContext

log = logging.getLogger(__name__)

QUEUE = "expiration"
ACTOR = "expire_order"
# How late an expiry may be before the sweep treats its delayed message as lost.
SWEEP_GRACE = timedelta(seconds=5)


class ExpirationClock:
    """One per process: created empty at import, wired to Redis and Mongo by the start-up hook.

    The dramatiq actor runs in a worker thread; it hands the firing back to the
    event loop that owns the Mongo client and waits for it.
    """

    def __init__(self) -> None:
        self._broker: RedisBroker | None = None
        self._actor: dramatiq.Actor | None = None
        self._worker: dramatiq.Worker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._transactions: Transactions | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self, context: ModuleContext) -> None:
        self._loop = asyncio.get_running_loop()
        self._transactions = context.transactions
        namespace = f"{context.settings.db_prefix}-dramatiq"
        self._broker = RedisBroker(url=context.redis_url, namespace=namespace)
        self._actor = dramatiq.Actor(
            self._expire,
            broker=self._broker,
            actor_name=ACTOR,
            queue_name=QUEUE,
            priority=0,
            options={"max_retries": 20},
        )
        if context.settings.run_worker:
            self._worker = dramatiq.Worker(self._broker, worker_threads=2, worker_timeout=250)
            self._worker.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(context.settings.expiration_sweep))

    async def stop(self, _: ModuleContext) -> None:
        if self._sweeper:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self._worker:
            await asyncio.to_thread(self._worker.stop, 5_000)
            self._worker = None
        if self._broker:
            self._broker.close()
            self._broker = None

    async def schedule(self, order_id: str, expires_at: datetime) -> None:
        """Enqueue a delayed message due at `expires_at` (id derived from the order)."""
        assert self._broker is not None and self._actor is not None, "clock not started"
        delay_ms = max(0, int((expires_at - datetime.now(UTC)).total_seconds() * 1000))
        message = dramatiq.Message(
            queue_name=QUEUE,
            actor_name=ACTOR,
            args=(order_id,),
            kwargs={},
            options={},
            message_id=f"expire-{order_id}",
        )
        await asyncio.to_thread(self._broker.enqueue, message, delay=delay_ms)

    async def sweep(self) -> int:
        """Fire every expiry overdue by more than the grace period; returns how many fired."""
        assert self._transactions is not None, "clock not started"
        fired = 0
        for order_id in await overdue_order_ids(datetime.now(UTC) - SWEEP_GRACE):
            fired += await fire_expiry(self._transactions, order_id)
        return fired

    def _expire(self, order_id: str) -> None:
        assert self._loop is not None and self._transactions is not None, "clock not started"
        firing = fire_expiry(self._transactions, order_id)
        asyncio.run_coroutine_threadsafe(firing, self._loop).result(timeout=60)

    async def _sweep_forever(self, period: float) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                if fired := await self.sweep():
                    log.warning("expiration sweep fired %d expiries whose message was lost", fired)
            except Exception:
                log.exception("expiration sweep failed; will retry")

"""Delayed dramatiq messages that fire order expiries, and the worker that runs them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

QUEUE = "expiration"
ACTOR = "expire_order"
FIRING_TIMEOUT = 60.0

Fire = Callable[[str], Coroutine[Any, Any, object]]


class ExpiryScheduler:
    """Enqueues one delayed message per order; with `run_worker`, also runs the dramatiq worker.

    The actor runs in a worker thread; it hands the firing back to the event
    loop that owns the Mongo client and waits for it.
    """

    def __init__(self, redis_url: str, namespace: str, fire: Fire, *, run_worker: bool):
        namespace = f"{namespace}-dramatiq"
        self._broker = RedisBroker(url=redis_url, namespace=namespace)  # type: ignore[no-untyped-call]
        self._fire = fire
        self._run_worker = run_worker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._worker: dramatiq.Worker | None = None
        dramatiq.Actor(
            self._expire,
            broker=self._broker,
            actor_name=ACTOR,
            queue_name=QUEUE,
            priority=0,
            options={"max_retries": 20},
        )

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._run_worker:
            self._worker = dramatiq.Worker(self._broker, worker_threads=2, worker_timeout=250)
            self._worker.start()

    async def stop(self) -> None:
        if self._worker:
            await asyncio.to_thread(self._worker.stop, 5_000)
            self._worker = None
        self._broker.close()

    async def schedule(self, order_id: str, expires_at: datetime) -> None:
        """Enqueue a delayed message due at `expires_at` (its id derived from the order)."""
        delay_ms = max(0, int((expires_at - datetime.now(UTC)).total_seconds() * 1000))
        message: dramatiq.Message[object] = dramatiq.Message(
            queue_name=QUEUE,
            actor_name=ACTOR,
            args=(order_id,),
            kwargs={},
            options={},
            message_id=f"expire-{order_id}",
        )
        await asyncio.to_thread(self._broker.enqueue, message, delay=delay_ms)

    def _expire(self, order_id: str) -> None:
        if self._loop is None:
            raise RuntimeError("the expiry scheduler is not started")
        asyncio.run_coroutine_threadsafe(self._fire(order_id), self._loop).result(FIRING_TIMEOUT)

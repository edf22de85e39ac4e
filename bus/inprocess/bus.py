"""The in-process bus: durable consumer groups in one process, with the Redis bus's semantics.

Deliveries are stored in Mongo (durable) and dispatched from memory (fast):
publishing stores one delivery per subscribed group and queues its id; a
consumer leases that id, runs the handler and deletes the delivery only on
success. A periodic scan picks up what memory does not know: deliveries
published by another process, left by a dead consumer whose lease ran out, or
left over from a previous run.

It must never be stronger than the Redis Streams bus, or tests would lie: with
`Chaos` on, every delivery is duplicated and delayed by a random amount, so
handlers see duplicates and reordering just as they may across replicas.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope, set_correlation_id
from bus.inprocess.store import DeliveryStore
from bus.interface import DeadLetter, GroupStatus, Handler, NotReadyYet, RetryPolicy

log = logging.getLogger(__name__)
DEFAULT_RETRY = RetryPolicy()
SCAN_LIMIT = 1_000


@dataclass(frozen=True)
class Chaos:
    """Test switch: deliver each event `copies` times, each after a random delay <= `max_delay`."""

    copies: int = 2
    max_delay: float = 0.05
    seed: int | None = None


class InProcessBus:
    def __init__(
        self,
        database: AsyncDatabase,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        concurrency: int = 8,
        ack_wait: timedelta = timedelta(seconds=30),
        scan_interval: float = 5.0,
        chaos: Chaos | None = None,
    ):
        self._store = DeliveryStore(database)
        self._retry = retry
        self._concurrency = concurrency
        self._ack_wait = ack_wait
        self._scan_interval = min(scan_interval, ack_wait.total_seconds())
        self._chaos = chaos
        self._random = random.Random(chaos.seed if chaos else None)
        self._handlers: dict[str, dict[str, Handler]] = defaultdict(dict)
        self._queues: dict[str, asyncio.Queue[ObjectId]] = {}
        self._queued: dict[str, set[ObjectId]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._running = False

    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        self._handlers[group][subject] = handler
        self._queues.setdefault(group, asyncio.Queue())

    async def publish(self, envelope: Envelope) -> None:
        for group, handlers in self._handlers.items():
            if envelope.subject in handlers:
                for delay in self._delays():
                    due_at = datetime.now(UTC) + timedelta(seconds=delay)
                    delivery_id = await self._store.add(group, envelope, due_at)
                    self._enqueue_later(group, delivery_id, delay)

    def _delays(self) -> list[float]:
        if not self._chaos:
            return [0.0]
        return [self._random.uniform(0, self._chaos.max_delay) for _ in range(self._chaos.copies)]

    def _enqueue_later(self, group: str, delivery_id: ObjectId, delay: float) -> None:
        if delay <= 0:
            self._enqueue(group, delivery_id)
        else:
            asyncio.get_running_loop().call_later(delay, self._enqueue, group, delivery_id)

    def _enqueue(self, group: str, delivery_id: ObjectId) -> None:
        if delivery_id not in self._queued[group]:
            self._queued[group].add(delivery_id)
            self._queues[group].put_nowait(delivery_id)

    async def start(self) -> None:
        self._running = True
        await self._store.ensure_indexes()
        for group in self._handlers:
            self._tasks.append(asyncio.create_task(self._scan(group), name=f"bus-scan-{group}"))
            for _ in range(self._concurrency):
                self._tasks.append(asyncio.create_task(self._consume(group), name=f"bus-{group}"))

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking deliveries; handlers still running after `grace` are cancelled, unacked."""
        self._running = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._in_flight:
            _, unfinished = await asyncio.wait(self._in_flight, timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]:
        return await self._store.dead_letters(group)

    async def status(self) -> list[GroupStatus]:
        return await self._store.status()

    async def replay(self, dead_letter_id: str) -> bool:
        return await self._store.replay(dead_letter_id)  # the next scan delivers it

    async def redeliver(self, group: str, envelope: Envelope) -> None:
        """One delivery for `group` only; a consumer of it in another process scans it up."""
        delivery_id = await self._store.add(group, envelope, datetime.now(UTC))
        if self._running and group in self._queues:
            self._enqueue(group, delivery_id)

    async def _scan(self, group: str) -> None:
        while True:
            try:
                for delivery_id in await self._store.due(group, SCAN_LIMIT):
                    self._enqueue(group, delivery_id)
            except Exception:
                log.exception("bus: scanning deliveries of %s failed", group)
            await asyncio.sleep(self._scan_interval)

    async def _consume(self, group: str) -> None:
        queue = self._queues[group]
        while True:
            delivery_id = await queue.get()
            self._queued[group].discard(delivery_id)
            try:
                delivery = await self._store.claim(delivery_id, self._ack_wait)
            except Exception:
                log.exception("bus: claiming a delivery of %s failed", group)
                continue  # still stored: the scan brings it back
            if delivery is not None:
                # Its own task, so that stopping this consumer leaves the handler its grace.
                task = asyncio.create_task(self._deliver(group, delivery))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
                await asyncio.wait({task})

    async def _deliver(self, group: str, delivery: dict[str, Any]) -> None:
        envelope = Envelope.from_document(delivery["envelope"])
        handler = self._handlers[group].get(envelope.subject)
        if handler is None:
            log.warning("bus: %s does not handle redelivered %s", group, envelope.subject)
            await self._store.acknowledge(delivery["_id"])
            return
        set_correlation_id(envelope.correlation_id)
        try:
            await handler(envelope)
        except Exception as error:
            await self._failed(group, delivery, envelope, error)
        else:
            await self._store.acknowledge(delivery["_id"])

    async def _failed(
        self, group: str, delivery: dict[str, Any], envelope: Envelope, error: Exception
    ) -> None:
        attempts = delivery["attempts"]
        reason = f"{type(error).__name__}: {error}"
        if attempts >= self._retry.max_attempts:
            log.error(
                "bus: %s gave up on %s after %d attempts: %s",
                group,
                envelope.event_id,
                attempts,
                reason,
            )
            await self._store.bury(delivery, reason)
            return
        if not isinstance(error, NotReadyYet):
            log.warning(
                "bus: %s failed on %s (attempt %d): %s", group, envelope.subject, attempts, reason
            )
        delay = self._retry.delay(attempts)
        await self._store.retry_later(
            delivery["_id"], datetime.now(UTC) + timedelta(seconds=delay), reason
        )
        if self._running:
            self._enqueue_later(group, delivery["_id"], delay)

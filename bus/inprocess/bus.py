"""The in-process bus: durable consumer groups in one process, with the Redis bus's semantics.

It must never be stronger than the Redis Streams bus, or tests would lie: with
`Chaos` on, every delivery is duplicated and delayed by a random amount, so
handlers see duplicates and reordering just as they may across replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope, set_correlation_id
from bus.inprocess.store import DeliveryStore
from bus.interface import DeadLetter, GroupStatus, Handler, NotReadyYet, RetryPolicy

log = logging.getLogger(__name__)
DEFAULT_RETRY = RetryPolicy()


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
        idle_poll: float = 1.0,
        chaos: Chaos | None = None,
    ):
        self._store = DeliveryStore(database)
        self._retry = retry
        self._concurrency = concurrency
        self._ack_wait = ack_wait
        self._idle_poll = idle_poll
        self._chaos = chaos
        self._random = random.Random(chaos.seed if chaos else None)
        self._handlers: dict[str, dict[str, Handler]] = defaultdict(dict)
        self._wake: dict[str, asyncio.Event] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False

    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        self._handlers[group][subject] = handler
        self._wake.setdefault(group, asyncio.Event())

    def _groups_for(self, subject: str) -> list[str]:
        return [group for group, handlers in self._handlers.items() if subject in handlers]

    async def publish(self, envelope: Envelope) -> None:
        for group in self._groups_for(envelope.subject):
            for delay in self._delays():
                due_at = datetime.now(UTC) + timedelta(seconds=delay)
                await self._store.add(group, envelope, due_at)
            self._wake[group].set()

    def _delays(self) -> list[float]:
        if not self._chaos:
            return [0.0]
        return [self._random.uniform(0, self._chaos.max_delay) for _ in range(self._chaos.copies)]

    async def start(self) -> None:
        self._stopping = False
        await self._store.ensure_indexes()
        for group in self._handlers:
            self._loops.append(asyncio.create_task(self._consume(group), name=f"bus-{group}"))

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; handlers still running after `grace` are cancelled, unacknowledged."""
        self._stopping = True
        for event in self._wake.values():
            event.set()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops.clear()
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
        replayed = await self._store.replay(dead_letter_id)
        for event in self._wake.values():
            event.set()
        return replayed

    async def _consume(self, group: str) -> None:
        slots = asyncio.Semaphore(self._concurrency)
        while not self._stopping:
            await slots.acquire()
            try:
                delivery = await self._store.claim(group, self._ack_wait)
            except Exception:
                log.exception("bus: claiming a delivery for %s failed", group)
                delivery = None
            if delivery is None:
                slots.release()
                await self._idle(group)
                continue
            task = asyncio.create_task(self._deliver(group, delivery))
            self._in_flight.add(task)
            task.add_done_callback(lambda done: (self._in_flight.discard(done), slots.release()))

    async def _idle(self, group: str) -> None:
        wake = self._wake[group]
        timeout = self._idle_poll
        with contextlib.suppress(Exception):
            next_due = await self._store.next_due(group)
            if next_due is not None:
                timeout = min(timeout, max(0.0, (next_due - datetime.now(UTC)).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)
        wake.clear()

    async def _deliver(self, group: str, delivery: dict[str, Any]) -> None:
        envelope = Envelope.from_document(delivery["envelope"])
        handler = self._handlers[group][envelope.subject]
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
        due_at = datetime.now(UTC) + timedelta(seconds=self._retry.delay(attempts))
        await self._store.retry_later(delivery["_id"], due_at, reason)

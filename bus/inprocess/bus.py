"""The in-process bus: durable consumer groups in one process, with the Redis bus's semantics.

Deliveries are stored in Mongo (durable) and dispatched from memory (fast):
publishing stores one delivery per subscribed group, already leased to this
process, and queues it; a consumer runs the handler and deletes the delivery
only on success. A periodic scan picks up what memory does not know:
deliveries published by another process, left by a dead consumer whose lease
ran out, or left over from a previous run.

It must never be stronger than the Redis Streams bus, or tests would lie: wrap
it in `bus.chaos.ChaosBus` and handlers see duplicates and reordering.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bus.delivery import DEFAULT_RETRY
from bus.envelope import Envelope
from bus.inprocess.group import GroupWorker
from bus.inprocess.handover import Handover
from bus.inprocess.store import Delivery, DeliveryStore, new_delivery
from bus.interface import DeadLetter, GroupStatus, Handler, RetryPolicy
from bus.timestamps import stored_now


class InProcessBus:
    def __init__(
        self,
        database: AsyncDatabase[dict[str, Any]],
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        concurrency: int = 8,
        ack_wait: timedelta = timedelta(seconds=30),
        scan_interval: float = 5.0,
        handover_wait: float = 1.0,
    ):
        self._store = DeliveryStore(database)
        self._retry = retry
        self._concurrency = concurrency
        self._ack_wait = ack_wait
        self._scan_interval = min(scan_interval, ack_wait.total_seconds())
        self._handover_wait = min(handover_wait, ack_wait.total_seconds())
        self._handlers: dict[str, dict[str, Handler]] = defaultdict(dict)
        self._groups: dict[str, GroupWorker] = {}

    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        self._handlers[group][subject] = handler

    async def publish(self, envelope: Envelope) -> None:
        await self.publish_all([envelope])

    async def publish_all(self, envelopes: Sequence[Envelope]) -> None:
        """Every delivery of every envelope in one write."""
        await self._deliver(
            [(self._subscribers(envelope.subject), envelope) for envelope in envelopes]
        )

    async def hand_over(self, envelopes: Sequence[Envelope]) -> None:
        """When every group is consumed here, no delivery is stored on the normal path: each
        is handed to its consumer in memory and this returns once all are handled (or
        buried, or stored for a retry). What is still being handled after `handover_wait`
        is stored, leased to this process, before returning. Raises if any could be neither
        handled nor stored: the caller publishes those events again."""
        batch = [(self._subscribers(envelope.subject), envelope) for envelope in envelopes]
        groups = {group for subscribers, _ in batch for group in subscribers}
        if not groups or not self._all_running_here(groups):
            await self._deliver(batch)
            return
        handed = []
        for subscribers, envelope in batch:
            for group in subscribers:
                delivery = _leased_delivery(group, envelope, self._ack_wait)
                handed.append((delivery, self._groups[group].hand_over(delivery)))
        await asyncio.wait([handover.done for _, handover in handed], timeout=self._handover_wait)
        await self._store_the_late(handed)
        for _, handover in handed:
            if handover.done.done() and handover.done.exception():
                raise RuntimeError("a handed-over delivery was neither handled nor stored")

    async def _store_the_late(self, handed: list[tuple[Delivery, Handover]]) -> None:
        """Deliveries whose handlers still run are written, leased to this process; those
        their consumer is writing for a retry are waited for."""
        late = [(delivery, handover) for delivery, handover in handed if not handover.done.done()]
        being_written = [handover.done for _, handover in late if handover.stored]
        to_write = [(delivery, handover) for delivery, handover in late if not handover.stored]
        for _, handover in to_write:
            handover.stored = True  # from now on its consumer deletes it when done
        try:
            await self._store.store_leased([delivery for delivery, _ in to_write])
        except Exception as error:
            for _, handover in to_write:
                handover.settle(error)
            raise
        finally:
            for _, handover in to_write:
                if not handover.written.done():
                    handover.written.set_result(None)
        if being_written:
            await asyncio.wait(being_written)

    def _all_running_here(self, groups: set[str]) -> bool:
        return all(group in self._groups and self._groups[group].running for group in groups)

    async def redeliver(self, group: str, envelope: Envelope) -> None:
        """One delivery for `group` alone; a consumer of it in another process scans it up."""
        await self._deliver([([group], envelope)])

    def _subscribers(self, subject: str) -> list[str]:
        return [name for name, handlers in self._handlers.items() if subject in handlers]

    async def _deliver(self, batch: list[tuple[list[str], Envelope]]) -> None:
        groups = {group for subscribers, _ in batch for group in subscribers}
        if not groups:
            return
        local = self._all_running_here(groups)
        deliveries = await self._store.add(batch, self._ack_wait if local else None)
        if local:
            for delivery in deliveries:
                self._groups[delivery["group"]].offer(delivery, claimed=True)

    async def start(self) -> None:
        await self._store.ensure_indexes()
        for group, handlers in self._handlers.items():
            worker = GroupWorker(
                group,
                handlers,
                self._store,
                retry=self._retry,
                ack_wait=self._ack_wait,
                concurrency=self._concurrency,
                scan_interval=self._scan_interval,
            )
            worker.start()
            self._groups[group] = worker

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking deliveries; handlers still running after `grace` are cancelled, unacked."""
        await asyncio.gather(*(worker.stop(grace) for worker in self._groups.values()))
        self._groups.clear()

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]:
        return await self._store.dead_letters(group)

    async def status(self) -> list[GroupStatus]:
        return await self._store.status()

    async def replay(self, dead_letter_id: str) -> bool:
        return await self._store.replay(dead_letter_id)  # the next scan delivers it


def _leased_delivery(group: str, envelope: Envelope, lease: timedelta) -> Delivery:
    return new_delivery(group, envelope.to_document(), stored_now(lease), attempts=1)

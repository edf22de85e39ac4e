"""One consumer group of the in-process bus: deliveries queued in memory, leased in Mongo.

A delivery published by this process arrives already leased (claimed at
birth), so the normal path costs one insert and one delete (fewer under load:
publishes and acks that arrive together share a write). What memory does not
know (published elsewhere, left by a dead consumer or a past run, due for a
retry) is claimed first, so competing consumers never run one delivery twice
while its lease holds. A consumer takes every delivery queued at that moment (up
to BATCH_LIMIT); handlers that can take several at once (`BatchHandler`) then get
them in one call, so under load a module commits once for many events.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bson import ObjectId

from bus.delivery import Ack, Bury, deliver_once, deliver_together, runs_by_batch_handler
from bus.envelope import Envelope
from bus.inprocess.handover import Handover, Queued
from bus.inprocess.store import Delivery, DeliveryStore
from bus.interface import Handler, RetryPolicy
from bus.stopping import CANCEL_DEADLINE, Background, drain
from bus.timestamps import stored_now

log = logging.getLogger("bus.inprocess")
SCAN_LIMIT = 1_000
BATCH_LIMIT = 32  # deliveries one consumer takes at once


class GroupWorker:
    def __init__(
        self,
        group: str,
        handlers: dict[str, Handler],
        store: DeliveryStore,
        *,
        retry: RetryPolicy,
        ack_wait: timedelta,
        concurrency: int,
        scan_interval: float,
    ):
        self.group = group
        self._handlers = handlers
        self._store = store
        self._retry = retry
        self._ack_wait = ack_wait
        self._concurrency = concurrency
        self._scan_interval = scan_interval
        self._queue: asyncio.Queue[Queued | None] = asyncio.Queue()
        self._queued: set[ObjectId] = set()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._handed_over: set[Handover] = set()
        self._acks: list[ObjectId] = []
        self._acking = asyncio.Lock()
        self._loops = Background()

    @property
    def running(self) -> bool:
        return self._loops.running

    def start(self) -> None:
        self._loops.spawn(self._scan(), f"bus-scan-{self.group}")
        for number in range(self._concurrency):
            self._loops.spawn(self._consume(), f"bus-{self.group}-{number}")

    def offer(self, delivery: Delivery, *, claimed: bool) -> None:
        """Queue a stored delivery; `claimed` ones are leased to this process already."""
        self._put(Queued(delivery, claimed))

    def hand_over(self, delivery: Delivery) -> Handover:
        """Queue a delivery that is not stored; the caller waits for the handover's `done`."""
        handover = Handover()
        self._handed_over.add(handover)
        handover.done.add_done_callback(lambda _: self._handed_over.discard(handover))
        self._put(Queued(delivery, claimed=True, handover=handover))
        return handover

    def _put(self, queued: Queued) -> None:
        if not self.running:
            if queued.handover:
                queued.handover.settle(RuntimeError(f"{self.group} is stopping"))
        elif queued.delivery["_id"] not in self._queued:
            self._queued.add(queued.delivery["_id"])
            self._queue.put_nowait(queued)

    async def stop(self, grace: float) -> None:
        """Stop consuming; handlers get `grace`; claimed deliveries never started are released,
        and the publishers of handed-over ones told (they publish them again)."""
        self._loops.request_stop()
        for _ in range(self._concurrency):
            self._queue.put_nowait(None)  # idle consumers wake up and see the flag
        await self._loops.stop()
        await drain(self._in_flight, grace)
        unstarted = []
        while not self._queue.empty():
            queued = self._queue.get_nowait()
            if queued is not None and queued.claimed and queued.stored:
                unstarted.append(queued.delivery)
        for handover in list(self._handed_over):
            handover.settle(RuntimeError(f"{self.group} stopped before handling it"))
        try:
            await asyncio.wait_for(self._store.release(unstarted), CANCEL_DEADLINE)
        except Exception:  # their leases run out instead: delivered after the ack wait
            log.warning("bus: %s could not release %d deliveries", self.group, len(unstarted))

    async def _scan(self) -> None:
        while self._loops.running:
            try:
                for delivery in await self._store.due(self.group, SCAN_LIMIT):
                    self.offer(delivery, claimed=False)
            except Exception:
                log.exception("bus: scanning deliveries of %s failed", self.group)
            await self._loops.pause(self._scan_interval)

    async def _consume(self) -> None:
        while self._loops.running:
            queued = await self._queue.get()
            if queued is None or not self._loops.running:
                if queued is not None:
                    self._queue.put_nowait(queued)  # for stop to release
                return
            # What else is queued right now goes along: handlers that can take several
            # events at once then do (one transaction for many events under load).
            batch = [queued, *self._also_queued()]
            taken = [q for q in batch if await self._leased(q)]
            # Its own task, so that stopping this consumer leaves the handlers their grace.
            task = asyncio.create_task(self._deliver(taken), name=f"bus-{self.group}-handler")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            await asyncio.wait({task})

    def _also_queued(self) -> list[Queued]:
        more: list[Queued] = []
        while len(more) < BATCH_LIMIT - 1 and not self._queue.empty():
            queued = self._queue.get_nowait()
            if queued is None:
                self._queue.put_nowait(None)  # a stop signal, for the consumer it wakes
                break
            more.append(queued)
        return more

    async def _leased(self, queued: Queued) -> bool:
        """Leases `queued` to this consumer if it is not yet; False if another consumer has it.
        A handed-over delivery is nobody else's to take."""
        self._queued.discard(queued.delivery["_id"])
        delivery = queued.delivery
        if queued.handover or (queued.claimed and delivery["due_at"] > stored_now()):
            return True
        try:
            claimed = await self._store.claim(delivery, self._ack_wait)
        except Exception:
            log.exception("bus: claiming a delivery of %s failed", self.group)
            return False  # still stored: the scan brings it back
        if claimed is not None:
            queued.delivery = claimed
        return claimed is not None

    async def _deliver(self, batch: list[Queued]) -> None:
        """Together where their handler allows and there is more than one; a batch that
        fails is delivered again one by one, in order, each with its own retries. Handlers
        that take one event at a time get theirs all at once, as separate consumers would."""
        for together, run in runs_by_batch_handler(batch, self._handler_of, BATCH_LIMIT):
            if together is None:
                await asyncio.gather(*(self._deliver_one(queued) for queued in run))
                continue
            if len(run) > 1:
                envelopes = [Envelope.from_document(q.delivery["envelope"]) for q in run]
                if await deliver_together(together, envelopes, group=self.group):
                    await self._acknowledge(run)
                    continue
            for queued in run:
                await self._deliver_one(queued)

    def _handler_of(self, queued: Queued) -> Handler | None:
        return self._handlers.get(queued.delivery["envelope"]["subject"])

    async def _deliver_one(self, queued: Queued) -> None:
        delivery = queued.delivery
        envelope = Envelope.from_document(delivery["envelope"])
        handler = self._handlers.get(envelope.subject)
        if handler is None:
            log.warning("bus: %s does not handle redelivered %s", self.group, envelope.subject)
            await self._acknowledge([queued])
            return
        decision = await deliver_once(
            handler,
            envelope,
            group=self.group,
            attempts=delivery["attempts"],
            policy=self._retry,
        )
        try:
            if isinstance(decision, Ack):
                await self._acknowledge([queued])
            elif isinstance(decision, Bury):
                if queued.handover is not None:
                    await queued.handover.write_finished()
                await self._store.bury(delivery, decision.reason)
            else:
                await self._retry_later(queued, decision.delay, decision.reason)
        except Exception as error:  # the lease runs out (or the publisher retries)
            log.exception("bus: %s could not record the outcome of %s", self.group, envelope)
            if queued.handover:
                queued.handover.settle(error)
        if queued.handover:
            queued.handover.settle()

    async def _retry_later(self, queued: Queued, delay: float, reason: str) -> None:
        """A handed-over delivery is stored now: its retry must outlive the publisher's wait."""
        handover = queued.handover
        if handover is not None and not handover.stored:
            handover.stored = True
            handover.written.set_result(None)  # this write is the consumer's own
            waiting = await self._store.store_for_retry(queued.delivery, delay, reason)
        else:
            if handover is not None:
                await handover.write_finished()
            waiting = await self._store.retry_later(queued.delivery, delay, reason)
        loop = asyncio.get_running_loop()
        loop.call_later(delay, lambda: self.offer(waiting, claimed=False))

    async def _acknowledge(self, handled: list[Queued]) -> None:
        """Stored deliveries are deleted; acks that arrive while one is being written go
        together in the next write: under load, one delete for several deliveries, and no
        timer delays the first. Returns once these are deleted (by this call or the one
        before it). A publisher waiting on one never stored is told at once."""
        stored = []
        for queued in handled:
            if queued.stored:
                stored.append(queued)
            elif queued.handover is not None:
                queued.handover.settle()  # nothing to delete
        for queued in stored:
            if queued.handover is not None:
                await queued.handover.write_finished()
        self._acks.extend(queued.delivery["_id"] for queued in stored)
        async with self._acking:
            if self._acks:
                batch, self._acks = self._acks, []
                try:
                    await self._store.acknowledge(batch)
                except Exception:  # their leases run out: delivered again, and deduped
                    log.exception("bus: %s could not delete %d deliveries", self.group, len(batch))
        for queued in stored:
            if queued.handover is not None:
                queued.handover.settle()

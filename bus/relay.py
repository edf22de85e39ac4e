"""Moves one module's committed outbox entries onto the bus, then deletes them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bus import metrics
from bus.envelope import Envelope
from bus.failpoints import crash_if_armed
from bus.interface import Bus
from bus.outbox import OUTBOX, RECOVERY_INDEX
from bus.stopping import LOOP_GRACE, Background
from bus.timestamps import stored_now

log = logging.getLogger(__name__)


class Relay:
    """Publishes entries, then deletes them: a crash in between duplicates an event, never loses it.

    Normal path, no query: the transaction runner hands each commit's envelopes
    over (`committed`), the relay publishes them and deletes their entries.
    Recovery path, on a timer: entries that a crash (of this or another
    replica) left behind are found by index, unsorted, once `grace` seconds
    old, and each is claimed for `lease` seconds before it is published, so
    replicas rarely publish one twice (consumers dedupe when they do).
    Published entries are not kept: Redis runs with `appendfsync always`, so
    nothing acknowledged is lost in a broker crash and nothing is re-published.
    """

    def __init__(
        self,
        database: AsyncDatabase[dict[str, Any]],
        bus: Bus,
        *,
        grace: float = 5.0,
        lease: float = 10.0,
        recovery_interval: float = 2.0,
        batch: int = 100,
        publishers: int = 4,
    ):
        self._outbox = database[OUTBOX]
        self._bus = bus
        self._grace = timedelta(seconds=grace)
        self._lease = timedelta(seconds=lease)
        self._recovery_interval = recovery_interval
        self._batch = batch
        self._publishers = publishers
        self._handed: list[Envelope] = []
        self._loops = Background()
        self._recovery = Background()

    def committed(self, envelopes: Sequence[Envelope]) -> None:
        """Called right after a commit with the envelopes it wrote to the outbox."""
        self._handed.extend(envelopes)
        self._loops.wake()

    async def start(self) -> None:
        await self._outbox.create_index(RECOVERY_INDEX)
        for number in range(self._publishers):
            self._loops.spawn(self._publish_forever(), f"outbox-relay-{number}")
        self._recovery.spawn(self._recover_forever(), "outbox-recovery")

    async def stop(self, grace: float = LOOP_GRACE) -> None:
        """Entries handed over but not yet published stay in the outbox for the recovery scan."""
        await asyncio.gather(self._loops.stop(grace), self._recovery.stop(grace))

    async def publish_committed(self) -> None:
        """Publish what commits handed over, a batch at a time; a batch that fails waits for
        recovery. Several run this at once: a bus that hands events over (in-process)
        returns only once they are handled, and the next batch need not wait for that."""
        while self._handed:
            batch, self._handed = self._handed[: self._batch], self._handed[self._batch :]
            try:
                await self._publish(batch)
            except Exception:
                log.exception("relay: publishing failed; recovery retries those after grace")

    async def recover(self) -> int:
        """Publish up to one batch of entries left behind for `grace`; returns how many."""
        left_behind = {"held_until": {"$lte": stored_now(-self._grace)}}
        found = await self._outbox.find(left_behind).limit(self._batch).to_list()
        claimed = [entry for entry in found if await self._claim(entry)]
        await self._publish([Envelope.from_document(entry["envelope"]) for entry in claimed])
        return len(claimed)

    async def _claim(self, entry: dict[str, Any]) -> bool:
        """Lease an entry read earlier, unless someone else claimed (or deleted) it meanwhile."""
        result = await self._outbox.update_one(
            {"held_until": entry["held_until"], "_id": entry["_id"]},
            {"$set": {"held_until": stored_now(self._lease)}},
        )
        return result.modified_count == 1

    async def _publish(self, envelopes: list[Envelope]) -> None:
        """A batch (what commits handed over meanwhile) costs one publish and one delete."""
        if envelopes:
            await self._bus.hand_over(envelopes)
            for envelope in envelopes:
                metrics.published(envelope.subject, envelope.producer, envelope.occurred_at)
            crash_if_armed("relay.after_publish")
            await self._outbox.delete_many({"_id": {"$in": [e.event_id for e in envelopes]}})

    async def _publish_forever(self) -> None:
        while self._loops.running:
            await self.publish_committed()
            await self._loops.pause(self._recovery_interval)

    async def _recover_forever(self) -> None:
        while self._recovery.running:
            try:
                while self._recovery.running and await self.recover() == self._batch:
                    pass
            except Exception:
                log.exception("relay: recovery scan failed; retrying")
            await self._recovery.pause(self._recovery_interval)

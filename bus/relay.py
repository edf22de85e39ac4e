"""Moves one module's committed outbox entries onto the bus, then deletes them."""

from __future__ import annotations

import logging
import time
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
    ):
        self._outbox = database[OUTBOX]
        self._bus = bus
        self._grace = timedelta(seconds=grace)
        self._lease = timedelta(seconds=lease)
        self._recovery_interval = recovery_interval
        self._batch = batch
        self._handed: list[Envelope] = []
        self._loops = Background()

    def committed(self, envelopes: Sequence[Envelope]) -> None:
        """Called right after a commit with the envelopes it wrote to the outbox."""
        self._handed.extend(envelopes)
        self._loops.wake()

    async def start(self) -> None:
        await self._outbox.create_index(RECOVERY_INDEX)
        self._loops.spawn(self._run(), "outbox-relay")

    async def stop(self, grace: float = LOOP_GRACE) -> None:
        """Entries handed over but not yet published stay in the outbox for the recovery scan."""
        await self._loops.stop(grace)

    async def publish_committed(self) -> int:
        """Publish what commits handed over; after a failure the rest waits for recovery."""
        published = 0
        try:
            while self._handed:
                batch, self._handed = self._handed[: self._batch], self._handed[self._batch :]
                await self._publish(batch)
                published += len(batch)
        except Exception:
            log.exception("relay: publishing failed; recovery retries those entries after grace")
            self._handed.clear()
        return published

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

    async def _run(self) -> None:
        next_recovery = time.monotonic()
        while self._loops.running:
            await self.publish_committed()
            if time.monotonic() >= next_recovery:
                try:
                    while self._loops.running and await self.recover() == self._batch:
                        pass
                except Exception:
                    log.exception("relay: recovery scan failed; retrying")
                next_recovery = time.monotonic() + self._recovery_interval
            if not self._handed:
                await self._loops.pause(next_recovery - time.monotonic())

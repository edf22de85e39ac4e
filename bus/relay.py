"""Moves committed outbox entries of one module onto the bus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope
from bus.failpoints import crash_if_armed
from bus.interface import Bus
from bus.outbox import OUTBOX

log = logging.getLogger(__name__)


class Relay:
    """Publishes outbox entries, then marks them: a crash in between duplicates, never loses.

    Entries are leased while being published so that replicas of a module
    rarely publish the same entry twice (consumers dedupe when they do).
    """

    def __init__(
        self,
        database: AsyncDatabase,
        bus: Bus,
        *,
        lease: timedelta = timedelta(seconds=5),
        poll_interval: float = 1.0,
        keep_published: timedelta = timedelta(hours=1),
    ):
        self._outbox = database[OUTBOX]
        self._bus = bus
        self._lease = lease
        self._poll_interval = poll_interval
        self._keep_published = keep_published
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        await self._outbox.create_index([("published_at", ASCENDING), ("created_at", ASCENDING)])

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        await self.ensure_indexes()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def publish_pending(self) -> int:
        """Publish every entry not yet published; returns how many went out."""
        published = 0
        while entry := await self._claim():
            try:
                await self.publish_entry(entry)
            except BaseException:
                await self._release(entry["_id"])
                raise
            crash_if_armed("relay.after_publish")
            await self.mark_published(entry["_id"])
            published += 1
        return published

    async def publish_entry(self, entry: dict) -> None:
        await self._bus.publish(Envelope.from_document(entry["envelope"]))

    async def mark_published(self, entry_id: str) -> None:
        await self._outbox.update_one(
            {"_id": entry_id}, {"$set": {"published_at": datetime.now(UTC), "lease_until": None}}
        )

    async def _release(self, entry_id: str) -> None:
        await self._outbox.update_one({"_id": entry_id}, {"$set": {"lease_until": None}})

    async def forget_old(self) -> None:
        """Published entries are kept a while (to re-publish after a broker loss), then dropped."""
        cutoff = datetime.now(UTC) - self._keep_published
        await self._outbox.delete_many({"published_at": {"$lt": cutoff}})

    async def _claim(self) -> dict | None:
        now = datetime.now(UTC)
        return await self._outbox.find_one_and_update(
            {"published_at": None, "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}]},
            {"$set": {"lease_until": now + self._lease}},
            sort=[("created_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def _run(self) -> None:
        rounds = 0
        while True:
            self._wake.clear()
            try:
                await self.publish_pending()
                rounds += 1
                if rounds % 600 == 0:
                    await self.forget_old()
            except Exception:
                log.exception("outbox relay failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

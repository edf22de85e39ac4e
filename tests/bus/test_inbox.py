"""Inbox: a re-delivered event is acknowledged without a second effect."""

from __future__ import annotations

import asyncio

from pymongo import AsyncMongoClient

from bus.inprocess import InProcessBus
from tests.bus.effects import consume_into_effects, effects
from tests.bus.recording import ticket_created
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


class TestInbox:
    async def test_the_same_event_delivered_many_times_takes_effect_once(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        mongo: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
        consumer_db = mongo[f"{prefix}_orders"]
        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        envelope = ticket_created(1)
        await bus.start()
        try:
            await asyncio.gather(*(bus.publish(envelope) for _ in range(5)))

            await eventually(
                lambda: mongo[f"{prefix}_bus"]["deliveries"].count_documents({}),
                until=lambda pending: pending == 0,
            )
            assert await effects(consumer_db) == {"t1": 1}
            assert await consumer_db["inbox"].count_documents({}) == 1
        finally:
            await bus.stop()
            await mongo.close()

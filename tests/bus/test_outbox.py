"""Outbox: state and event commit together; a crash delays an event, never loses it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from bus.inprocess import InProcessBus
from tests.bus.effects import consume_into_effects, effects, producer
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


@pytest.fixture
async def mongo(servers: ServerUrls) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    yield client
    await client.close()


class TestOutbox:
    async def test_state_and_event_roll_back_together(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database = mongo[f"{prefix}_tickets"]
        tickets = producer(database, InProcessBus(mongo[f"{prefix}_bus"]))

        with pytest.raises(RuntimeError):
            await tickets.create(1, fail_after_write=True)

        assert await database["records"].count_documents({}) == 0
        assert await database["outbox"].count_documents({}) == 0

    async def test_an_event_committed_before_a_crash_is_published_after_restart(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, consumer_db = mongo[f"{prefix}_tickets"], mongo[f"{prefix}_orders"]
        crashed = producer(database, InProcessBus(mongo[f"{prefix}_bus"]))
        await crashed.create(1)  # committed; the relay never ran: the process "died" here

        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        restarted = producer(database, bus)
        await bus.start()
        await restarted.relay.start()
        try:
            assert await eventually(lambda: effects(consumer_db)) == {"1": 1}
            entry = await database["outbox"].find_one({})
            assert entry is not None and entry["published_at"] is not None
        finally:
            await restarted.relay.stop()
            await bus.stop()

    async def test_a_relay_dying_between_publish_and_mark_causes_no_second_effect(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, consumer_db = mongo[f"{prefix}_tickets"], mongo[f"{prefix}_orders"]
        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        tickets = producer(database, bus)
        await tickets.create(1)
        entry = await database["outbox"].find_one({})
        assert entry is not None
        await tickets.relay.publish_entry(entry)  # published, then the relay died unmarked

        await bus.start()
        try:
            assert await tickets.relay.publish_pending() == 1  # the restarted relay re-publishes
            await eventually(lambda: bus_is_drained(mongo, prefix))
            assert await effects(consumer_db) == {"1": 1}
        finally:
            await bus.stop()


async def bus_is_drained(mongo: AsyncMongoClient, prefix: str) -> bool:
    return await mongo[f"{prefix}_bus"]["deliveries"].count_documents({}) == 0

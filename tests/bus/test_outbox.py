"""Outbox: state and event commit together; a crash delays an event, never loses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bus import Envelope
from bus.inprocess import InProcessBus
from bus.relay import Relay
from tests.bus.effects import GRACE, consume_into_effects, effects, producer
from tests.bus.recording import Recorder
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


@pytest.fixture
async def mongo(servers: ServerUrls) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    yield client
    await client.close()


async def outbox_size(database: AsyncDatabase) -> int:
    return await database["outbox"].count_documents({})


class TestOutbox:
    async def test_state_and_event_roll_back_together(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database = mongo[f"{prefix}_tickets"]
        tickets = producer(database, InProcessBus(mongo[f"{prefix}_bus"]))

        with pytest.raises(RuntimeError):
            await tickets.create(1, fail_after_write=True)

        assert await database["records"].count_documents({}) == 0
        assert await outbox_size(database) == 0

    async def test_committed_events_are_published_and_their_entries_deleted(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, consumer_db = mongo[f"{prefix}_tickets"], mongo[f"{prefix}_orders"]
        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        tickets = producer(database, bus)
        await bus.start()
        await tickets.relay.start()
        try:
            for number in range(3):
                await tickets.create(number)

            all_three = await eventually(lambda: effects(consumer_db), until=lambda e: len(e) == 3)
            assert all_three == {"0": 1, "1": 1, "2": 1}
            assert await eventually(lambda: outbox_size(database), until=lambda n: n == 0) == 0
        finally:
            await tickets.relay.stop()
            await bus.stop()

    async def test_an_event_committed_before_a_crash_is_published_after_restart(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, consumer_db = mongo[f"{prefix}_tickets"], mongo[f"{prefix}_orders"]
        crashed = producer(database, InProcessBus(mongo[f"{prefix}_bus"]))
        await crashed.create(1)  # committed; its relay never ran: the process "died" here

        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        restarted = producer(database, bus)
        await bus.start()
        await restarted.relay.start()
        try:
            assert await eventually(lambda: effects(consumer_db)) == {"1": 1}
            assert await eventually(lambda: outbox_size(database), until=lambda n: n == 0) == 0
        finally:
            await restarted.relay.stop()
            await bus.stop()

    async def test_a_relay_dying_between_publish_and_delete_causes_no_second_effect(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, consumer_db = mongo[f"{prefix}_tickets"], mongo[f"{prefix}_orders"]
        bus = InProcessBus(mongo[f"{prefix}_bus"])
        consume_into_effects(consumer_db, bus)
        tickets = producer(database, bus)
        await tickets.create(1)
        entry = await database["outbox"].find_one({})
        assert entry is not None
        await bus.publish(Envelope.from_document(entry["envelope"]))  # then the relay died
        await bus.start()
        await asyncio.sleep(GRACE)

        try:
            assert await tickets.relay.recover() == 1  # the restarted relay publishes it again
            await eventually(lambda: bus_is_drained(mongo, prefix))
            assert await effects(consumer_db) == {"1": 1}
            assert await outbox_size(database) == 0
        finally:
            await bus.stop()

    async def test_replicas_recovering_together_publish_each_entry_once(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        database, bus = mongo[f"{prefix}_tickets"], InProcessBus(mongo[f"{prefix}_bus"])
        recorder = Recorder()
        bus.subscribe("orders", "ticket.created", recorder)
        tickets = producer(database, bus)
        for number in range(30):
            await tickets.create(number)  # committed; no relay ran
        await bus.start()
        await asyncio.sleep(GRACE)
        replicas = [Relay(database, bus, grace=GRACE, batch=7) for _ in range(3)]

        try:
            while await outbox_size(database):
                await asyncio.gather(*(replica.recover() for replica in replicas))

            await eventually(lambda: sum(recorder.seen.values()) == 30)
            assert set(recorder.seen.values()) == {1}
        finally:
            await bus.stop()


async def bus_is_drained(mongo: AsyncMongoClient, prefix: str) -> bool:
    return await mongo[f"{prefix}_bus"]["deliveries"].count_documents({}) == 0

"""The relay's path on the in-process bus: events handed to consumers in memory, stored only
when they must outlive the wait (a retry, a handler still running), and never lost: when
they can be neither handled nor stored, `hand_over` raises and the relay keeps its copy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bus import Handler
from bus.inprocess import InProcessBus
from tests.bus.commands import CommandLog
from tests.bus.conftest import FAST_RETRY
from tests.bus.recording import Hanging, Recorder, ticket_created
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

WAIT = 0.3  # how long hand_over waits for handlers before storing what still runs


@pytest.fixture
async def mongo(servers: ServerUrls) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    yield client
    await client.close()


async def started_bus(mongo: AsyncMongoClient, prefix: str, handler: Handler) -> InProcessBus:
    bus = InProcessBus(
        mongo[f"{prefix}_bus"],
        retry=FAST_RETRY,
        ack_wait=timedelta(seconds=1),
        scan_interval=0.1,
        handover_wait=WAIT,
    )
    bus.subscribe("orders", "ticket.created", handler)
    await bus.start()
    return bus


def deliveries(mongo: AsyncMongoClient, prefix: str) -> AsyncCollection:
    return mongo[f"{prefix}_bus"]["deliveries"]


class TestHandOver:
    async def test_a_handled_event_was_never_stored(self, servers: ServerUrls, prefix: str) -> None:
        log = CommandLog()
        logged: AsyncMongoClient = AsyncMongoClient(servers.mongo, event_listeners=[log])
        recorder, envelope = Recorder(), ticket_created()
        bus = await started_bus(logged, prefix, recorder)
        try:
            log.sent.clear()
            await bus.hand_over([envelope])

            assert recorder.handled(envelope)
            writes = [sent.name for sent in log.sent if sent.name in ("insert", "update", "delete")]
            assert writes == []  # (the periodic scan only reads)
        finally:
            await bus.stop()
            await logged.close()

    async def test_a_failed_event_is_stored_for_its_retry_and_then_handled(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        recorder, envelope = Recorder(failures=1), ticket_created()
        bus = await started_bus(mongo, prefix, recorder)
        try:
            await bus.hand_over([envelope])
            await eventually(lambda: recorder.handled(envelope))
            await eventually(
                lambda: deliveries(mongo, prefix).count_documents({}), until=lambda n: n == 0
            )
            assert recorder.seen[envelope.event_id] == 2
        finally:
            await bus.stop()

    async def test_a_handler_outlasting_the_wait_leaves_a_stored_delivery_for_another_consumer(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        hanging, envelope = Hanging(), ticket_created()
        dying = await started_bus(mongo, prefix, hanging)
        async with asyncio.timeout(WAIT + 5):
            await dying.hand_over([envelope])
        assert hanging.started.is_set()
        assert await deliveries(mongo, prefix).count_documents({}) == 1
        await dying.stop(grace=0.05)

        recorder = Recorder()
        survivor = await started_bus(mongo, prefix, recorder)
        try:
            await eventually(lambda: recorder.handled(envelope))
        finally:
            await survivor.stop()

    async def test_an_event_neither_handled_nor_stored_makes_hand_over_raise(
        self, mongo: AsyncMongoClient, prefix: str
    ) -> None:
        bus = InProcessBus(mongo[f"{prefix}_bus"], handover_wait=30)
        hanging = Hanging()
        bus.subscribe("orders", "ticket.created", hanging)
        await bus.start()
        handing = asyncio.create_task(bus.hand_over([ticket_created()]))
        await asyncio.wait_for(hanging.started.wait(), 5)

        await bus.stop(grace=0.05)

        with pytest.raises(RuntimeError, match="neither handled nor stored"):
            await asyncio.wait_for(handing, 5)
        assert await deliveries(mongo, prefix).count_documents({}) == 0

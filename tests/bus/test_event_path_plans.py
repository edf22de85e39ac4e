"""DESIGN §5: no query on the event path scans past events, by the server's own explain.

The path: a commit writes the outbox, the relay publishes (handed over, or
recovered after a crash) and deletes, the in-process bus stores, claims, scans
and acknowledges deliveries (retries included), the inbox looks events up.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bus.inprocess import InProcessBus
from tests.bus.commands import CommandLog, unindexed
from tests.bus.effects import GRACE, consume_into_effects, effects, producer, running
from tests.bus.recording import Recorder
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

PATH = {
    ("find", "outbox"),  # the recovery scan
    ("update", "outbox"),  # its claim
    ("delete", "outbox"),
    ("insert", "deliveries"),
    ("update", "deliveries"),  # a retry, and the claim that takes it again
    ("find", "deliveries"),  # the scan
    ("delete", "deliveries"),
    ("insert", "inbox"),  # by its unique _id: a repeat fails there, no query first
}


@dataclass
class Recorded:
    """The commands the event path sent, and a client of its own to explain them with."""

    log: CommandLog
    explainer: AsyncMongoClient
    outbox: AsyncCollection

    async def unindexed(self) -> list[str]:
        return await unindexed(self.explainer, self.log.sent)


async def run_the_event_path(
    client: AsyncMongoClient, observed: AsyncMongoClient, prefix: str
) -> None:
    """Every query of the path, through `client`; the test's own probes go through `observed`."""
    tickets_db = client[f"{prefix}_tickets"]
    bus = InProcessBus(client[f"{prefix}_bus"], scan_interval=0.05)
    consume_into_effects(client[f"{prefix}_orders"], bus)
    flaky = Recorder(failures=1)
    bus.subscribe("payments", "ticket.created", flaky)
    await producer(tickets_db, bus).create(0)  # committed, then its process "died"
    tickets = producer(tickets_db, bus)
    async with running(bus, tickets.relay):
        for number in range(1, 4):
            await tickets.create(number)
        orders = observed[f"{prefix}_orders"]
        await eventually(lambda: effects(orders), until=lambda done: len(done) == 4)
        await eventually(lambda: sum(flaky.seen.values()) == 8)
        await asyncio.sleep(GRACE)  # a scan after the last acknowledgement


@pytest.fixture
async def recorded(servers: ServerUrls, prefix: str) -> AsyncIterator[Recorded]:
    log = CommandLog()
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True, event_listeners=[log])
    explainer: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    await run_the_event_path(client, explainer, prefix)
    yield Recorded(log, explainer, client[f"{prefix}_tickets"]["outbox"])
    await client.close()
    await explainer.close()


class TestEventPathPlans:
    async def test_no_query_on_the_event_path_scans_a_collection_or_sorts(
        self, recorded: Recorded
    ) -> None:
        assert set(recorded.log.counts()) >= PATH, recorded.log.counts()
        assert await recorded.unindexed() == []

    async def test_an_unindexed_query_is_caught(self, recorded: Recorded) -> None:
        await recorded.outbox.find_one({"envelope.subject": "ticket.created"})

        [problem] = await recorded.unindexed()
        assert "find on" in problem and "envelope.subject" in problem and "COLLSCAN" in problem

    async def test_a_sorted_claim_like_the_old_relay_is_caught_although_indexed(
        self, recorded: Recorded
    ) -> None:
        await recorded.outbox.find_one_and_update(
            {"held_until": {"$lte": datetime.now(UTC)}},
            {"$set": {"claimed": True}},
            sort=[("held_until", 1)],
        )

        [problem] = await recorded.unindexed()
        assert problem.startswith("findAndModify on") and "COLLSCAN" in problem

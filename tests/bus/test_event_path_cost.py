"""DESIGN §5: a published event costs the relay and the bus a fixed, small number of round trips.

Counted with a pymongo command listener, from a commit to the listener's
acknowledgement: the relay deletes the outbox entry it was handed (no query
finds it), once the in-process bus handed the event to its consumer in memory
and it was handled: no delivery is stored on that path (the outbox entry is the
durable copy until then).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from bus.inprocess import InProcessBus
from tests.bus.commands import CommandLog
from tests.bus.effects import consume_into_effects, effects, producer, running
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

EVENTS = 20
RELAY_AND_BUS = {("delete", "outbox"): 1.0}


@pytest.fixture
async def observer(servers: ServerUrls) -> AsyncIterator[AsyncMongoClient]:
    """The test's own probes, kept out of the count."""
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    yield client
    await client.close()


async def round_trips_per_event(
    servers: ServerUrls, observer: AsyncMongoClient, prefix: str
) -> dict[tuple[str, str], float]:
    log = CommandLog()
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True, event_listeners=[log])
    bus = InProcessBus(client[f"{prefix}_bus"], scan_interval=60)
    consume_into_effects(client[f"{prefix}_orders"], bus)
    tickets = producer(client[f"{prefix}_tickets"], bus, recovery_interval=60)
    async with running(bus, tickets.relay):
        await tickets.create(-1)  # the first scans run meanwhile: not part of an event's cost
        await handled(observer, prefix, 1)
        await eventually(lambda: bus_and_outbox_empty(observer, prefix))  # its delete too
        log.sent.clear()
        for number in range(EVENTS):
            await tickets.create(number)
            await handled(observer, prefix, number + 2)
        await eventually(lambda: bus_and_outbox_empty(observer, prefix))
    await client.close()
    counted: Counter[tuple[str, str]] = log.counts()
    return {key: count / EVENTS for key, count in sorted(counted.items())}


async def handled(observer: AsyncMongoClient, prefix: str, count: int) -> None:
    """One at a time, so that no batching flatters the count."""
    await eventually(
        lambda: effects(observer[f"{prefix}_orders"]), until=lambda done: len(done) == count
    )


async def bus_and_outbox_empty(observer: AsyncMongoClient, prefix: str) -> bool:
    deliveries = await observer[f"{prefix}_bus"]["deliveries"].count_documents({})
    outbox = await observer[f"{prefix}_tickets"]["outbox"].count_documents({})
    return deliveries == outbox == 0


class TestEventPathCost:
    async def test_the_relay_and_the_bus_cost_one_round_trip_per_event(
        self, servers: ServerUrls, observer: AsyncMongoClient, prefix: str
    ) -> None:
        per_event = await round_trips_per_event(servers, observer, prefix)

        on_the_path = {
            key: count for key, count in per_event.items() if key[1] in ("outbox", "deliveries")
        }
        assert on_the_path == {("insert", "outbox"): 1.0, **RELAY_AND_BUS}, per_event

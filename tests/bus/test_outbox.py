"""Outbox: state and event commit together; a crash delays an event, never loses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bus import Envelope
from bus.inprocess import InProcessBus
from bus.relay import Relay
from tests.bus.effects import (
    GRACE,
    Producer,
    consume_into_effects,
    effects,
    producer,
    running,
)
from tests.bus.recording import Recorder
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


@dataclass
class Modules:
    """Tickets publishes through its outbox; orders counts each event's effect."""

    tickets: AsyncDatabase
    orders: AsyncDatabase
    bus_database: AsyncDatabase

    def bus(self) -> InProcessBus:
        return InProcessBus(self.bus_database)

    def wired(self) -> tuple[InProcessBus, Producer]:
        """A bus that orders consumes from, and tickets producing onto it."""
        bus = self.bus()
        consume_into_effects(self.orders, bus)
        return bus, producer(self.tickets, bus)

    async def outbox_size(self) -> int:
        return await self.tickets["outbox"].count_documents({})

    async def settled(self, count: int) -> dict[str, int]:
        """The effects once `count` events took effect and every entry and delivery is gone."""
        done = await eventually(lambda: effects(self.orders), until=lambda e: len(e) == count)
        await eventually(self.outbox_size, until=lambda size: size == 0)
        deliveries = self.bus_database["deliveries"]
        await eventually(lambda: deliveries.count_documents({}), until=lambda size: size == 0)
        return done


@pytest.fixture
async def modules(servers: ServerUrls, prefix: str) -> AsyncIterator[Modules]:
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    yield Modules(client[f"{prefix}_tickets"], client[f"{prefix}_orders"], client[f"{prefix}_bus"])
    await client.close()


class TestOutbox:
    async def test_state_and_event_roll_back_together(self, modules: Modules) -> None:
        tickets = producer(modules.tickets, modules.bus())

        with pytest.raises(RuntimeError):
            await tickets.create(1, fail_after_write=True)

        assert await modules.tickets["records"].count_documents({}) == 0
        assert await modules.outbox_size() == 0

    async def test_committed_events_are_published_and_their_entries_deleted(
        self, modules: Modules
    ) -> None:
        bus, tickets = modules.wired()

        async with running(bus, tickets.relay):
            for number in range(3):
                await tickets.create(number)

            assert await modules.settled(3) == {"0": 1, "1": 1, "2": 1}

    async def test_an_event_committed_before_a_crash_is_published_after_restart(
        self, modules: Modules
    ) -> None:
        await producer(modules.tickets, modules.bus()).create(1)  # its relay never ran: "died"
        bus, restarted = modules.wired()

        async with running(bus, restarted.relay):
            assert await modules.settled(1) == {"1": 1}

    async def test_a_relay_dying_between_publish_and_delete_causes_no_second_effect(
        self, modules: Modules
    ) -> None:
        bus, tickets = modules.wired()
        await tickets.create(1)
        entry = await modules.tickets["outbox"].find_one({})
        assert entry is not None
        await bus.publish(Envelope.from_document(entry["envelope"]))  # then the relay died

        async with running(bus):
            await asyncio.sleep(GRACE)
            assert await tickets.relay.recover() == 1  # the restarted relay publishes it again
            assert await modules.settled(1) == {"1": 1}

    async def test_replicas_recovering_together_publish_each_entry_once(
        self, modules: Modules
    ) -> None:
        bus, recorder = modules.bus(), Recorder()
        bus.subscribe("orders", "ticket.created", recorder)
        tickets = producer(modules.tickets, bus)
        for number in range(30):
            await tickets.create(number)  # committed; no relay ran
        replicas = [Relay(modules.tickets, bus, grace=GRACE, batch=7) for _ in range(3)]

        async with running(bus):
            await asyncio.sleep(GRACE)
            while await modules.outbox_size():
                await asyncio.gather(*(replica.recover() for replica in replicas))

            await eventually(lambda: sum(recorder.seen.values()) == 30)
            assert set(recorder.seen.values()) == {1}

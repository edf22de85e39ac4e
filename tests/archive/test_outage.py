"""The archive's store down for a while: the other groups go on, the archive catches up."""

from __future__ import annotations

import asyncio

from bus import Envelope, Handler
from bus.archive import GROUP, Archive, ArchiveStore, current_revision, head
from tests.archive.conftest import BusFactory
from tests.archive.events import tickets
from tests.archive.stores import StoreUnderTest
from tests.support.waiting import eventually

ACK_WAIT = 1.0  # shorter than the outage: leases run out and deliveries come back meanwhile


def witness(bus_heard: list[str]) -> Handler:
    async def handle(envelope: Envelope) -> None:
        bus_heard.append(envelope.event_id)

    return handle


async def archived_ids(store: ArchiveStore) -> list[str]:
    return sorted(event.event_id for event in await store.after(0, limit=10_000))


class TestTheStoreDown:
    async def test_other_groups_go_on_and_the_archive_catches_up_with_nothing_missing(
        self, make_bus: BusFactory, archive: Archive, store: ArchiveStore, target: StoreUnderTest
    ) -> None:
        bus = make_bus(ack_wait=ACK_WAIT)
        heard: list[str] = []
        bus.subscribe("witness", "ticket.created", witness(heard))
        archive.subscribe(bus)
        await archive.start()
        await bus.start()
        burst = tickets(20)
        try:
            assert await archive.ready()
            async with target.outage():
                assert not await archive.ready()
                for envelope in burst:
                    await bus.publish(envelope)
                await eventually(lambda: set(heard), until=lambda ids: len(ids) == 20)
                await asyncio.sleep(3 * ACK_WAIT)
                assert archive.writer.batches == 0  # not one commit while the store was down

            ids = await eventually(
                lambda: archived_ids(store), until=lambda ids: len(ids) == 20, timeout=30
            )
            assert ids == sorted(envelope.event_id for envelope in burst)
            assert await bus.dead_letters(GROUP) == []
            assert await archive.ready()
        finally:
            await bus.stop(grace=0.5)
            await archive.stop()

    async def test_an_archive_started_while_its_store_is_down_starts_and_catches_up(
        self, make_bus: BusFactory, archive: Archive, store: ArchiveStore, target: StoreUnderTest
    ) -> None:
        await _create_file_if_sqlite(target)
        bus = make_bus(ack_wait=ACK_WAIT)
        archive.subscribe(bus)
        burst = tickets(5)
        try:
            async with target.outage():
                await archive.start()
                await bus.start()
                for envelope in burst:
                    await bus.publish(envelope)
                await asyncio.sleep(3 * ACK_WAIT)
                assert archive.writer.batches == 0

            await eventually(
                lambda: current_revision(store.engine),
                until=lambda revision: revision == head(),
                timeout=30,
            )
            ids = await eventually(
                lambda: archived_ids(store), until=lambda ids: len(ids) == 5, timeout=30
            )
            assert ids == sorted(envelope.event_id for envelope in burst)
        finally:
            await bus.stop(grace=0.5)
            await archive.stop()


async def _create_file_if_sqlite(target: StoreUnderTest) -> None:
    """A lock needs a file: an empty database, not yet migrated."""
    if target.kind == "sqlite":
        empty = ArchiveStore.open(target.database_url)
        async with empty.engine.connect():
            pass
        await empty.close()

"""The archive as a consumer group on either bus: every subject, once, with what it derives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bus import Bus
from bus.archive import Archive, ArchiveStore
from tests.archive.conftest import BusFactory
from tests.archive.events import a_story, tickets
from tests.support.waiting import eventually


@pytest.fixture
async def archiving(make_bus: BusFactory, archive: Archive) -> AsyncIterator[Bus]:
    """A bus with the archive's group subscribed and running."""
    bus = make_bus()
    archive.subscribe(bus)
    await archive.start()
    await bus.start()
    yield bus
    await bus.stop(grace=0.5)
    await archive.stop()


async def archived_ids(store: ArchiveStore) -> list[str]:
    return [event.event_id for event in await store.after(0, limit=10_000)]


class TestEverySubjectIsArchived:
    async def test_each_event_is_kept_whole_with_its_order_and_aggregate(
        self, archiving: Bus, store: ArchiveStore
    ) -> None:
        story = a_story()
        for envelope in story:
            await archiving.publish(envelope)

        await eventually(lambda: archived_ids(store), until=lambda ids: len(ids) == 6)

        by_subject = {event.subject: event for event in await store.after(0)}
        assert {s: e.envelope for s, e in by_subject.items()} == {e.subject: e for e in story}
        ticket_id, order_id = story[0].payload["id"], story[1].payload["id"]
        assert {s: e.order_id for s, e in by_subject.items()} == {
            "ticket.created": None,
            "order.created": order_id,
            "ticket.updated": order_id,
            "expiration.complete": order_id,
            "order.cancelled": order_id,
            "payment.created": order_id,
        }
        assert {s: (e.aggregate_id, e.aggregate_version) for s, e in by_subject.items()} == {
            "ticket.created": (ticket_id, 0),
            "order.created": (order_id, 0),
            "ticket.updated": (ticket_id, 1),
            "expiration.complete": (None, None),
            "order.cancelled": (order_id, 1),
            "payment.created": (story[5].payload["id"], None),
        }

    async def test_a_burst_of_events_is_archived_in_full(
        self, archiving: Bus, store: ArchiveStore
    ) -> None:
        burst = tickets(300)
        for envelope in burst:
            await archiving.publish(envelope)

        ids = await eventually(
            lambda: archived_ids(store), until=lambda ids: len(ids) >= 300, timeout=30
        )

        assert sorted(ids) == sorted(envelope.event_id for envelope in burst)


class TestOnce:
    async def test_an_event_handled_twice_at_once_and_again_later_is_stored_once(
        self, archive: Archive, store: ArchiveStore
    ) -> None:
        await archive.start()
        envelope = tickets(1)[0]
        try:
            await asyncio.gather(archive.handle(envelope), archive.handle(envelope))
            first = (await store.after(0))[0]
            await archive.handle(envelope)
            assert await store.count() == 1
            assert (await store.after(0))[0] == first
        finally:
            await archive.stop()

    async def test_concurrent_deliveries_are_committed_together(
        self, archive: Archive, store: ArchiveStore
    ) -> None:
        await archive.start()
        try:
            await asyncio.gather(*(archive.handle(envelope) for envelope in tickets(200)))
            assert await store.count() == 200
            assert archive.writer.batches <= 3
        finally:
            await archive.stop()

"""`ticketing events tail` follows what gets archived; retention forgets what is too old."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from app.cli.events import follow
from bus.archive import Archive, ArchiveStore
from tests.archive.events import a_story, tickets
from tests.archive.stores import StoreUnderTest
from tests.support.waiting import eventually


class TestTail:
    async def test_prints_each_event_archived_from_now_on_of_the_chosen_subject(
        self, archive: Archive, store: ArchiveStore
    ) -> None:
        await archive.start()
        before = tickets(2)
        for envelope in before:
            await archive.handle(envelope)
        printed: list[str] = []
        following = asyncio.create_task(
            follow(store, ["ticket.created"], printed.append, interval=0.05)
        )
        try:
            await asyncio.sleep(0.2)  # it has read where the archive ends
            later = tickets(3) + a_story()
            for envelope in later:
                await archive.handle(envelope)

            expected = [e for e in later if e.subject == "ticket.created"]
            await eventually(lambda: printed, until=lambda lines: len(lines) >= len(expected))
            await asyncio.sleep(0.2)
            assert [line.split()[2] for line in printed] == ["ticket.created"] * 4
            assert [line.rsplit("=", 1)[1] for line in printed] == [
                e.correlation_id for e in expected
            ]
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
            await archive.stop()


class TestRetention:
    async def test_events_past_retention_are_pruned_while_the_archive_runs(
        self, target: StoreUnderTest, store: ArchiveStore
    ) -> None:
        archive = Archive(
            ArchiveStore.open(target.database_url),
            retention=timedelta(days=30),
            prune_interval=0.1,
        )
        old = datetime.now(UTC) - timedelta(days=31)
        recent = datetime.now(UTC) - timedelta(days=29)
        envelopes = [
            *(e.model_copy(update={"occurred_at": old}) for e in tickets(3)),
            *(e.model_copy(update={"occurred_at": recent}) for e in tickets(2)),
        ]
        await archive.start()
        try:
            for envelope in envelopes:
                await archive.handle(envelope)

            left = await eventually(
                lambda: store.after(0), until=lambda events: len(events) == 2, timeout=10
            )
            assert {e.event_id for e in left} == {e.event_id for e in envelopes[3:]}
        finally:
            await archive.stop()

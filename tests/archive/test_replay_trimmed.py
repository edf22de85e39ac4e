"""A group that arrives after the Redis streams were trimmed gets the history from the archive."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from bus import Envelope, Handler
from bus.archive import Archive, ArchiveStore, replay
from bus.redis_streams import RedisStreamsBus
from tests.archive.events import tickets
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


def recorder(heard: list[str]) -> Handler:
    async def handle(envelope: Envelope) -> None:
        heard.append(envelope.event_id)

    return handle


class TestReplayAfterTrimming:
    async def test_a_new_group_hears_nothing_from_the_stream_and_everything_from_the_archive(
        self, servers: ServerUrls, prefix: str, archive: Archive, store: ArchiveStore
    ) -> None:
        archiving = RedisStreamsBus(servers.redis, namespace=prefix, instance="a", block=0.2)
        latecomer = RedisStreamsBus(servers.redis, namespace=prefix, instance="l", block=0.2)
        client = redis.Redis.from_url(servers.redis)
        archive.subscribe(archiving)
        await archive.start()
        await archiving.start()
        history = tickets(30)
        try:
            for envelope in history:
                await archiving.publish(envelope)
            await eventually(lambda: store.count(), until=lambda count: count == 30)
            await client.xtrim(f"{prefix}:events:ticket.created", maxlen=0)
            heard: list[str] = []
            latecomer.subscribe("newcomer", "ticket.created", recorder(heard))
            await latecomer.start()
            await asyncio.sleep(0.5)
            assert heard == []

            replayed = await replay(store, archiving, "newcomer", ["ticket.created"])

            assert replayed == 30
            await eventually(lambda: sorted(heard), until=lambda ids: len(ids) == 30)
            assert sorted(heard) == sorted(envelope.event_id for envelope in history)
        finally:
            await latecomer.stop(grace=0.5)
            await archiving.stop(grace=0.5)
            await archive.stop()
            await client.aclose()

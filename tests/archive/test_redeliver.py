"""Bus.redeliver: an archived event delivered again to one consumer group, and to it alone."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from bus import Envelope, Handler
from bus.redis_streams import RedisStreamsBus
from tests.archive.conftest import BusFactory
from tests.archive.events import a_story, tickets
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


def recorder(heard: list[str]) -> Handler:
    async def handle(envelope: Envelope) -> None:
        heard.append(envelope.event_id)

    return handle


class TestRedeliver:
    async def test_only_the_named_group_hears_the_event_again(self, make_bus: BusFactory) -> None:
        consumer, operator = make_bus(ack_wait=1.0), make_bus()
        heard: dict[str, list[str]] = {"orders": [], "payments": []}
        for group, log in heard.items():
            consumer.subscribe(group, "ticket.created", recorder(log))
        await consumer.start()
        envelope = tickets(1)[0]
        await consumer.publish(envelope)
        await eventually(lambda: heard, until=lambda h: all(len(log) == 1 for log in h.values()))

        await operator.redeliver("orders", envelope)

        await eventually(lambda: heard["orders"], until=lambda log: len(log) == 2, timeout=15)
        await asyncio.sleep(0.5)
        assert heard == {"orders": [envelope.event_id] * 2, "payments": [envelope.event_id]}

    async def test_a_subject_the_group_does_not_handle_is_dropped_and_the_next_one_heard(
        self, make_bus: BusFactory
    ) -> None:
        consumer, operator = make_bus(ack_wait=1.0), make_bus()
        heard: list[str] = []
        consumer.subscribe("orders", "ticket.created", recorder(heard))
        await consumer.start()
        unhandled, handled = a_story()[1], tickets(1)[0]

        await operator.redeliver("orders", unhandled)
        await operator.redeliver("orders", handled)

        await eventually(lambda: heard, until=lambda log: log == [handled.event_id], timeout=15)
        assert await consumer.dead_letters() == []


class TestRedisReplayStream:
    async def test_a_handled_redelivery_leaves_nothing_in_memory(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        bus = RedisStreamsBus(servers.redis, namespace=prefix, instance="p0", block=0.2)
        heard: list[str] = []
        bus.subscribe("orders", "ticket.created", recorder(heard))
        await bus.start()
        client = redis.Redis.from_url(servers.redis)
        try:
            for envelope in tickets(3):
                await bus.redeliver("orders", envelope)
            await eventually(lambda: heard, until=lambda log: len(log) == 3)

            await eventually(lambda: client.xlen(f"{prefix}:replay:orders"), until=lambda n: n == 0)
            assert await client.xlen(f"{prefix}:events:ticket.created") == 0
        finally:
            await bus.stop(grace=0.5)
            await client.aclose()

"""Bus processes for tests, either implementation, on one test's own durable state."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient

from bus import Bus, RetryPolicy
from bus.inprocess import InProcessBus
from bus.redis_streams import RedisStreamsBus
from tests.support.servers import ServerUrls

BusFactory = Callable[..., Bus]
IMPLEMENTATIONS = ["inprocess", "redis"]


@asynccontextmanager
async def bus_processes(
    kind: str, servers: ServerUrls, prefix: str, retry: RetryPolicy
) -> AsyncIterator[BusFactory]:
    """Each call makes one bus process (a replica); all share the same durable state, and
    all are stopped on the way out."""
    client: AsyncMongoClient[Any] = AsyncMongoClient(servers.mongo, tz_aware=True)
    made: list[Bus] = []

    def make(*, retry: RetryPolicy = retry, ack_wait: float = 30.0) -> Bus:
        bus: Bus
        if kind == "redis":
            bus = RedisStreamsBus(
                servers.redis,
                namespace=prefix,
                instance=f"replica{len(made)}",
                retry=retry,
                ack_wait=ack_wait,
                block=0.2,
            )
        else:
            bus = InProcessBus(
                client[f"{prefix}_bus"], retry=retry, ack_wait=timedelta(seconds=ack_wait)
            )
        made.append(bus)
        return bus

    try:
        yield make
    finally:
        for bus in made:
            await bus.stop(grace=0.5)
        await client.close()

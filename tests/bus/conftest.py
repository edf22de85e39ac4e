"""The bus contract fixture: one parameter per Bus implementation, same tests for all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from bus import Bus, Handler, RetryPolicy
from bus.inprocess import InProcessBus
from bus.redis_streams import RedisStreamsBus
from tests.support.servers import ServerUrls

BusFactory = Callable[..., Bus]
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


async def consuming(bus: Bus, handler: Handler, subject: str = "ticket.created") -> Bus:
    """`bus` started with `handler` as the orders group's listener of `subject`."""
    bus.subscribe("orders", subject, handler)
    await bus.start()
    return bus


@pytest.fixture(params=["inprocess", "redis"])
async def make_bus(
    request: pytest.FixtureRequest, servers: ServerUrls, prefix: str
) -> AsyncIterator[BusFactory]:
    """Each call is one bus process (a replica); all calls share the same durable state."""
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
    made: list[Bus] = []

    def make(*, retry: RetryPolicy = FAST_RETRY, ack_wait: float = 30.0) -> Bus:
        bus: Bus
        if request.param == "redis":
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

    yield make
    for bus in made:
        await bus.stop(grace=0.5)
    await client.close()

"""The bus contract fixture: one parameter per Bus implementation, same tests for all."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bus import Bus, Handler, RetryPolicy
from tests.support.buses import IMPLEMENTATIONS, BusFactory, bus_processes
from tests.support.servers import ServerUrls

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


async def consuming(bus: Bus, handler: Handler, subject: str = "ticket.created") -> Bus:
    """`bus` started with `handler` as the orders group's listener of `subject`."""
    bus.subscribe("orders", subject, handler)
    await bus.start()
    return bus


@pytest.fixture(params=IMPLEMENTATIONS)
async def make_bus(
    request: pytest.FixtureRequest, servers: ServerUrls, prefix: str
) -> AsyncIterator[BusFactory]:
    """Each call is one bus process (a replica); all calls share the same durable state."""
    async with bus_processes(request.param, servers, prefix, FAST_RETRY) as make:
        yield make

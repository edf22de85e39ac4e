"""Stopping keeps its deadlines, whatever the servers and handlers are doing (DESIGN §2)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from app.embedded.process import ChildServer
from app.embedded.servers import start_mongo
from bus.inprocess import InProcessBus
from bus.relay import Relay
from bus.stopping import CANCEL_DEADLINE, LOOP_GRACE
from tests.bus.conftest import BusFactory, consuming
from tests.bus.recording import Recorder, Stubborn, ticket_created

SUBJECT = "ticket.created"
GRACE = 0.2
# Loops: their grace, then a cancellation deadline; handlers: the same; then a last write.
STOP_BUDGET = 2 * (LOOP_GRACE + CANCEL_DEADLINE) + GRACE + CANCEL_DEADLINE + 1.0


async def seconds_to_finish(stopping: Awaitable[None], budget: float) -> float:
    """How long `stopping` took; fails (without waiting for it) if it overran `budget`."""
    task = asyncio.ensure_future(stopping)
    started = time.monotonic()
    done, _ = await asyncio.wait({task}, timeout=budget)
    assert done, f"stop did not return within {budget:.1f}s"
    task.result()
    return time.monotonic() - started


@pytest.fixture
def doomed_mongo(tmp_path: Path) -> Iterator[tuple[ChildServer, str]]:
    """A Mongo server of this test's own, to be killed while the app still uses it."""
    server, url = start_mongo(tmp_path)
    yield server, f"{url}&serverSelectionTimeoutMS=60000"
    server.kill()


async def test_the_relay_and_the_bus_stop_on_time_after_mongo_died(
    doomed_mongo: tuple[ChildServer, str],
) -> None:
    server, url = doomed_mongo
    client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True)
    bus = InProcessBus(client["bus"], scan_interval=0.05)
    bus.subscribe("orders", SUBJECT, Recorder())
    relay = Relay(client["tickets"], bus, grace=0, recovery_interval=0.05)
    await bus.start()
    await relay.start()
    server.kill()
    relay.committed([ticket_created()])  # its publish now waits for a server that is gone
    await asyncio.sleep(0.3)  # every loop is inside pymongo's server selection by now

    await seconds_to_finish(asyncio.gather(relay.stop(), bus.stop(GRACE)), STOP_BUDGET)

    await asyncio.wait({asyncio.ensure_future(client.close())}, timeout=CANCEL_DEADLINE)


async def test_a_handler_ignoring_cancellation_does_not_hold_up_stop(
    make_bus: BusFactory,
) -> None:
    bus, stubborn = make_bus(), Stubborn()
    await consuming(bus, stubborn)
    await bus.publish(ticket_created())
    await asyncio.wait_for(stubborn.started.wait(), 5)

    try:
        took = await seconds_to_finish(bus.stop(GRACE), STOP_BUDGET)
    finally:
        stubborn.release.set()

    assert took >= GRACE  # the handler had its grace before it was abandoned

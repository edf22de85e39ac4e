"""Await the moment nothing is in flight: every outbox entry published, every delivery acked."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from tests.support.waiting import eventually


async def in_flight(app: Litestar) -> list[str]:
    """What is still moving, described: deliveries per group and subject, unpublished entries."""
    runtime = app.state.runtime
    deliveries = runtime.client[runtime.settings.database_name("bus")]["deliveries"]
    moving = [
        f"{d['group']} <- {d['envelope']['subject']} x{d['attempts']}: {d.get('last_error')}"
        async for d in deliveries.find({})
    ]
    for name, running in runtime.modules.items():
        unpublished: Any = running.transactions.database["outbox"].find({"published_at": None})
        moving += [f"{name} outbox: {e['envelope']['subject']}" async for e in unpublished]
    return moving


async def until_quiet(app: Litestar, timeout: float = 20) -> None:
    await eventually(lambda: in_flight(app), until=lambda moving: not moving, timeout=timeout)

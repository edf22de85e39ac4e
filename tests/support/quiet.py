"""Await the moment nothing is in flight: every outbox entry published, every delivery acked."""

from __future__ import annotations

from litestar import Litestar

from tests.support.waiting import eventually


async def in_flight(app: Litestar) -> int:
    runtime = app.state.runtime
    settings = app.state.settings
    count = await runtime.client[settings.database_name("bus")]["deliveries"].count_documents({})
    for context in runtime.contexts.values():
        count += await context.database["outbox"].count_documents({"published_at": None})
    return count


async def until_quiet(app: Litestar, timeout: float = 20) -> None:
    await eventually(lambda: in_flight(app), until=lambda count: count == 0, timeout=timeout)

"""The delayed message waits in Redis while no app runs; the next app fires it."""

from __future__ import annotations

from datetime import datetime

from tests.expiration.support import (
    DramatiqQueues,
    await_expiry_state,
    await_published_completion,
    completions,
    expiration_app,
    expiry_state,
    sweep,
    until_past,
)
from tests.support.events import in_seconds, new_id, order_created, publish
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls


async def scheduled_by_an_app_now_stopped(
    servers: ServerUrls, prefix: str, seconds: float
) -> tuple[str, datetime]:
    """An order whose window ends in `seconds`, its expiry scheduled by an app that has since
    stopped: only the delayed message in Redis remembers it."""
    order_id, expires_at = new_id(), in_seconds(seconds)
    async with expiration_app(servers, prefix) as first:
        await publish(first, order_created(order_id, expires_at=expires_at))
        await await_expiry_state(first, order_id, "scheduled")
        await until_quiet(first.app)
    return order_id, expires_at


class TestARestartBeforeTheWindowEnds:
    async def test_a_new_app_on_the_same_prefix_fires_the_expiry_once(
        self, servers: ServerUrls, prefix: str, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = await scheduled_by_an_app_now_stopped(servers, prefix, 3)

        assert await queues.backlog() == 1, "the delayed message should wait in Redis"

        async with expiration_app(servers, prefix) as second:
            assert await expiry_state(second, order_id) == "scheduled"

            entries = await await_published_completion(second, order_id)
            await queues.drained()
            await until_quiet(second.app)

            assert len(await completions(second, order_id)) == 1
            assert datetime.fromisoformat(entries[0]["envelope"]["occurred_at"]) >= expires_at
            assert await expiry_state(second, order_id) == "fired"


class TestAnOutageLongerThanTheWindow:
    async def test_the_overdue_message_fires_as_soon_as_a_worker_is_back(
        self, servers: ServerUrls, prefix: str, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = await scheduled_by_an_app_now_stopped(servers, prefix, 1)

        await until_past(expires_at)
        assert await queues.backlog() == 1

        async with expiration_app(servers, prefix) as second:
            await await_published_completion(second, order_id)
            await queues.drained()

            assert len(await completions(second, order_id)) == 1
            assert await sweep(second) == 0

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
    in_seconds,
    new_order_id,
    order_created,
    publish,
    sweep,
    until_past,
)
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls


class TestARestartBeforeTheWindowEnds:
    async def test_a_new_app_on_the_same_prefix_fires_the_expiry_once(
        self, servers: ServerUrls, prefix: str, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_order_id(), in_seconds(3)
        async with expiration_app(servers, prefix) as first:
            await publish(first, order_created(order_id, expires_at))
            await await_expiry_state(first, order_id, "scheduled")
            await until_quiet(first.app)

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
        order_id, expires_at = new_order_id(), in_seconds(1)
        async with expiration_app(servers, prefix) as first:
            await publish(first, order_created(order_id, expires_at))
            await await_expiry_state(first, order_id, "scheduled")
            await until_quiet(first.app)

        await until_past(expires_at)
        assert await queues.backlog() == 1

        async with expiration_app(servers, prefix) as second:
            await await_published_completion(second, order_id)
            await queues.drained()

            assert len(await completions(second, order_id)) == 1
            assert await sweep(second) == 0

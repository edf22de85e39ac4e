"""An order that ended before its window (order.cancelled) never gets expiration.complete."""

from __future__ import annotations

from tests.expiration.support import (
    DramatiqQueues,
    await_expiry_state,
    completions,
    expiry_state,
    processed,
    sweep,
    until_past,
)
from tests.support.apps import AppClient
from tests.support.events import in_seconds, new_id, order_cancelled, order_created, publish
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestCancelledBeforeItsWindow:
    async def test_the_delayed_message_arrives_and_publishes_nothing(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        # Long enough for the cancellation to be handled first on a loaded machine.
        order_id, expires_at = new_id(), in_seconds(3)
        await publish(client, order_created(order_id, expires_at=expires_at))
        await await_expiry_state(client, order_id, "scheduled")
        assert await queues.backlog() == 1

        await publish(client, order_cancelled(order_id))
        await await_expiry_state(client, order_id, "cancelled")
        await until_past(expires_at)
        await queues.drained()
        await until_quiet(client.app)

        assert await completions(client, order_id) == []
        assert await queues.dead_lettered() == 0
        assert await expiry_state(client, order_id) == "cancelled"


class TestCancelledBeforeItWasCreated:
    async def test_a_late_order_created_schedules_nothing(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, long_overdue = new_id(), in_seconds(-60)
        await publish(client, order_cancelled(order_id))
        await await_expiry_state(client, order_id, "cancelled")

        [created] = await publish(client, order_created(order_id, expires_at=long_overdue))
        await eventually(lambda: processed(client, created))
        await until_quiet(client.app)

        assert await queues.backlog() == 0
        assert await sweep(client) == 0
        assert await completions(client, order_id) == []
        assert await expiry_state(client, order_id) == "cancelled"


class TestCancelledAfterItExpired:
    async def test_the_expiry_stays_fired_and_nothing_more_is_published(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(0.5)
        await publish(client, order_created(order_id, expires_at=expires_at))
        await await_expiry_state(client, order_id, "fired")
        await queues.drained()

        [cancelled] = await publish(client, order_cancelled(order_id))
        await eventually(lambda: processed(client, cancelled))
        await until_quiet(client.app)

        assert await expiry_state(client, order_id) == "fired"
        assert len(await completions(client, order_id)) == 1

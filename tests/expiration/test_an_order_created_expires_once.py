"""order.created schedules an expiry; when it is due, expiration.complete goes out once."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.expiration.support import (
    DramatiqQueues,
    await_expiry_state,
    await_published_completion,
    completions,
    expiry,
    processed,
    scheduler_of,
)
from tests.support.apps import AppClient
from tests.support.events import in_seconds, new_id, order_created, publish
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestAnOrderCreatedIsRecorded:
    async def test_the_expiry_is_scheduled_at_the_orders_expiry_time(
        self, client: AppClient
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(60)
        await publish(client, order_created(order_id, expires_at=expires_at))

        recorded = await await_expiry_state(client, order_id, "scheduled")

        assert abs(recorded["expires_at"] - expires_at) < timedelta(milliseconds=1)
        assert await completions(client, order_id) == []


class TestTheExpiryFires:
    async def test_expiration_complete_is_published_once_when_the_time_comes(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(1)
        await publish(client, order_created(order_id, expires_at=expires_at))

        entries = await await_published_completion(client, order_id)
        await queues.drained()
        await until_quiet(client.app)

        assert len(entries) == 1
        assert len(await completions(client, order_id)) == 1
        assert entries[0]["envelope"]["producer"] == "expiration"
        assert datetime.fromisoformat(entries[0]["envelope"]["occurred_at"]) >= expires_at
        assert (await expiry(client, order_id) or {})["state"] == "fired"
        assert await queues.dead_lettered() == 0

    async def test_the_same_order_created_delivered_twice_fires_once(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(1)
        event = order_created(order_id, expires_at=expires_at)
        [first] = await publish(client, event)
        await publish(client, first)
        [second] = await publish(client, event)
        await eventually(lambda: processed(client, second))

        await await_published_completion(client, order_id)
        await queues.drained()
        await until_quiet(client.app)

        assert len(await completions(client, order_id)) == 1

    async def test_a_delayed_message_delivered_twice_fires_once(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(1)
        await publish(client, order_created(order_id, expires_at=expires_at))
        await await_expiry_state(client, order_id, "scheduled")
        await scheduler_of(client).schedule(order_id, expires_at)

        await await_published_completion(client, order_id)
        await queues.drained()
        await until_quiet(client.app)

        assert len(await completions(client, order_id)) == 1
        assert await queues.dead_lettered() == 0

    async def test_a_message_delivered_again_after_firing_does_nothing(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id, expires_at = new_id(), in_seconds(0.5)
        await publish(client, order_created(order_id, expires_at=expires_at))
        await await_published_completion(client, order_id)
        await queues.drained()

        await scheduler_of(client).schedule(order_id, expires_at)
        await queues.drained()
        await until_quiet(client.app)

        assert len(await completions(client, order_id)) == 1

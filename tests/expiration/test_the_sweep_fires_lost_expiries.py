"""Expiries whose delayed message was lost are fired by the sweep, once, after a grace period."""

from __future__ import annotations

import pytest

from tests.expiration.support import (
    DramatiqQueues,
    await_expiry_state,
    await_published_completion,
    completions,
    expiration_app,
    expiry_state,
    insert_expiry,
    processed,
    sweep,
)
from tests.support.apps import AppClient
from tests.support.events import in_seconds, new_id, order_cancelled, order_created, publish
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

LONG_OVERDUE = -60


@pytest.fixture
def client(idle_client: AppClient) -> AppClient:
    """Sweeps run by hand here, and no worker consumes the delayed messages."""
    return idle_client


class TestSweepingOnDemand:
    async def test_a_lost_expiry_is_fired_once_and_a_second_sweep_fires_nothing(
        self, client: AppClient
    ) -> None:
        order_id = new_id()
        await insert_expiry(client, order_id, in_seconds(LONG_OVERDUE))

        assert await sweep(client) == 1
        assert await sweep(client) == 0

        await await_published_completion(client, order_id)
        assert len(await completions(client, order_id)) == 1
        assert await expiry_state(client, order_id) == "fired"

    async def test_the_fired_event_carries_the_correlation_id_of_the_orders_creation(
        self, client: AppClient
    ) -> None:
        """So that the expiry's lines in any process belong to the request that ordered."""
        order_id = new_id()
        [created] = await publish(
            client, order_created(order_id, expires_at=in_seconds(LONG_OVERDUE))
        )
        await eventually(lambda: processed(client, created))

        assert await sweep(client) == 1

        [completion] = await await_published_completion(client, order_id)
        assert completion["envelope"]["correlation_id"] == created.correlation_id

    async def test_an_order_whose_message_nobody_consumes_is_fired_by_the_sweep(
        self, client: AppClient, queues: DramatiqQueues
    ) -> None:
        order_id = new_id()
        [created] = await publish(
            client, order_created(order_id, expires_at=in_seconds(LONG_OVERDUE))
        )
        await eventually(lambda: processed(client, created))
        assert await queues.backlog() == 1

        assert await sweep(client) == 1
        assert await sweep(client) == 0

        await await_published_completion(client, order_id)
        assert len(await completions(client, order_id)) == 1

    async def test_an_expiry_within_the_grace_period_is_left_to_its_message(
        self, client: AppClient
    ) -> None:
        order_id = new_id()
        await insert_expiry(client, order_id, in_seconds(-1))

        assert await sweep(client) == 0
        assert await expiry_state(client, order_id) == "scheduled"
        assert await completions(client, order_id) == []

    async def test_a_cancelled_expiry_is_never_swept_and_a_fired_one_only_once(
        self, client: AppClient
    ) -> None:
        cancelled, fired = new_id(), new_id()
        for order_id in (cancelled, fired):
            await insert_expiry(client, order_id, in_seconds(LONG_OVERDUE))
        await publish(client, order_cancelled(cancelled))
        await await_expiry_state(client, cancelled, "cancelled")
        assert await sweep(client) == 1

        assert await sweep(client) == 0
        assert await completions(client, cancelled) == []
        assert len(await completions(client, fired)) == 1


class TestThePeriodicSweep:
    async def test_it_fires_a_lost_expiry_once_and_later_rounds_only_new_ones(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        first, second = new_id(), new_id()
        async with expiration_app(
            servers, prefix, run_worker=False, expiration_sweep=0.2
        ) as client:
            await insert_expiry(client, first, in_seconds(LONG_OVERDUE))
            await await_published_completion(client, first)

            await insert_expiry(client, second, in_seconds(LONG_OVERDUE))
            await await_published_completion(client, second)
            await until_quiet(client.app)

            assert len(await completions(client, first)) == 1
            assert len(await completions(client, second)) == 1
            assert await sweep(client) == 0

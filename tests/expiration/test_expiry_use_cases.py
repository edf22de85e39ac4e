"""The use cases on their own, against a real database: each is safe to run twice."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from modules.expiration.use_cases import (
    drop_expiry,
    fire_expiry,
    overdue_order_ids,
    record_expiry,
)
from modules.kernel import Transactions
from tests.expiration.support import (
    completions,
    expiry_state,
)
from tests.support.apps import AppClient
from tests.support.events import in_seconds, new_id


@pytest.fixture
def client(idle_client: AppClient) -> AppClient:
    """The use cases are called by hand here: nothing else may fire or sweep meanwhile."""
    return idle_client


def transactions_of(client: AppClient) -> Transactions:
    return client.app.state.runtime.transactions("expiration")


async def record(client: AppClient, order_id: str, expires_at: datetime) -> bool:
    return await transactions_of(client).run(lambda unit: record_expiry(unit, order_id, expires_at))


async def drop(client: AppClient, order_id: str) -> None:
    await transactions_of(client).run(lambda unit: drop_expiry(unit, order_id))


async def fire(client: AppClient, order_id: str) -> bool:
    return await fire_expiry(transactions_of(client), order_id)


class TestRecordExpiry:
    async def test_a_new_order_is_scheduled(self, client: AppClient) -> None:
        order_id = new_id()

        assert await record(client, order_id, in_seconds(60)) is True
        assert await expiry_state(client, order_id) == "scheduled"

    async def test_a_known_order_returns_false_and_keeps_its_time(self, client: AppClient) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(60))

        assert await record(client, order_id, in_seconds(120)) is False
        assert await overdue_order_ids(in_seconds(90)) == [order_id]

    async def test_an_order_cancelled_first_returns_false(self, client: AppClient) -> None:
        order_id = new_id()
        await drop(client, order_id)

        assert await record(client, order_id, in_seconds(60)) is False
        assert await expiry_state(client, order_id) == "cancelled"


class TestDropExpiry:
    async def test_a_scheduled_expiry_is_cancelled(self, client: AppClient) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(60))

        await drop(client, order_id)
        await drop(client, order_id)

        assert await expiry_state(client, order_id) == "cancelled"

    async def test_a_fired_expiry_stays_fired(self, client: AppClient) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(-1))
        await fire(client, order_id)

        await drop(client, order_id)

        assert await expiry_state(client, order_id) == "fired"


class TestFireExpiry:
    async def test_firing_twice_publishes_one_expiration_complete(self, client: AppClient) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(-1))

        assert await fire(client, order_id) is True
        assert await fire(client, order_id) is False

        entries = await completions(client, order_id)
        assert len(entries) == 1
        assert entries[0]["envelope"]["payload"] == {"order_id": order_id}
        assert await expiry_state(client, order_id) == "fired"

    async def test_concurrent_firings_publish_one_expiration_complete(
        self, client: AppClient
    ) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(-1))

        fired = await asyncio.gather(*(fire(client, order_id) for _ in range(5)))

        assert sorted(fired) == [False, False, False, False, True]
        assert len(await completions(client, order_id)) == 1

    async def test_a_cancelled_expiry_does_not_fire(self, client: AppClient) -> None:
        order_id = new_id()
        await record(client, order_id, in_seconds(-1))
        await drop(client, order_id)

        assert await fire(client, order_id) is False
        assert await completions(client, order_id) == []

    async def test_an_unknown_order_does_not_fire(self, client: AppClient) -> None:
        order_id = new_id()

        assert await fire(client, order_id) is False
        assert await expiry_state(client, order_id) is None
        assert await completions(client, order_id) == []


class TestOverdueOrderIds:
    async def test_only_scheduled_expiries_due_before_the_cutoff(self, client: AppClient) -> None:
        due, later, cancelled = new_id(), new_id(), new_id()
        await record(client, due, in_seconds(-30))
        await record(client, later, in_seconds(30))
        await record(client, cancelled, in_seconds(-30))
        await drop(client, cancelled)

        assert await overdue_order_ids(in_seconds(0)) == [due]

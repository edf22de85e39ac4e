"""Payments' replica of orders under duplicates and reordering."""

from __future__ import annotations

from tests.payments.support import replica
from tests.support.apps import AppClient
from tests.support.databases import deliveries
from tests.support.events import order_cancelled, order_created, publish
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestOrderReplica:
    async def test_a_cancellation_before_its_order_is_applied_after_it(
        self, client: AppClient
    ) -> None:
        created = order_created()
        await publish(client, order_cancelled(created.id))
        await eventually(lambda: _tried(client, "order.cancelled"))  # came back: not ready yet

        await publish(client, created)

        cancelled = await eventually(
            lambda: replica(client, created.id),
            until=lambda r: r is not None and r["status"] == "cancelled",
        )
        assert cancelled["version"] == 1

    async def test_a_cancellation_skipping_a_version_waits_for_the_one_before(
        self, client: AppClient
    ) -> None:
        created = order_created()
        await publish(client, created)
        await eventually(lambda: replica(client, created.id))

        await publish(client, order_cancelled(created.id, version=2))
        await eventually(lambda: _tried(client, "order.cancelled"))

        stored = await replica(client, created.id)
        assert stored is not None
        assert (stored["version"], stored["status"]) == (0, "created")

    async def test_duplicated_announcements_make_one_replica(self, client: AppClient) -> None:
        created = order_created(price=1234)

        await publish(client, created, created, order_cancelled(created.id))
        await publish(client, order_cancelled(created.id))
        await until_quiet(client.app)

        stored = await replica(client, created.id)
        assert stored is not None
        assert (stored["version"], stored["status"], stored["price"]) == (1, "cancelled", 1234)


async def _tried(client: AppClient, subject: str) -> bool:
    query = {"group": "payments", "envelope.subject": subject, "attempts": {"$gte": 1}}
    return await deliveries(client).find_one(query) is not None

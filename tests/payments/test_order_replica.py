"""Payments' replica of orders under duplicates and reordering, and the refund it triggers."""

from __future__ import annotations

from bson import ObjectId

from tests.payments.support import (
    announce,
    known_order,
    local_provider,
    order_cancelled,
    order_created,
    pay,
    payment_of,
    replica,
)
from tests.support.api import sign_up
from tests.support.apps import AppClient
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestOrderReplica:
    async def test_a_cancellation_before_its_order_is_applied_after_it(
        self, client: AppClient
    ) -> None:
        created = order_created(str(ObjectId()))
        await announce(client, order_cancelled(created.id))
        await eventually(lambda: _tried(client, "order.cancelled"))  # came back: not ready yet

        await announce(client, created)

        cancelled = await eventually(
            lambda: replica(client, created.id),
            until=lambda r: r is not None and r["status"] == "cancelled",
        )
        assert cancelled["version"] == 1

    async def test_duplicated_announcements_make_one_replica(self, client: AppClient) -> None:
        created = order_created(str(ObjectId()), price=1234)

        await announce(client, created, created, order_cancelled(created.id))
        await announce(client, order_cancelled(created.id))
        await until_quiet(client.app)

        stored = await replica(client, created.id)
        assert stored is not None
        assert (stored["version"], stored["status"], stored["price"]) == (1, "cancelled", 1234)


class TestRefund:
    async def test_a_paid_order_announced_cancelled_is_refunded_once(
        self, client: AppClient
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        assert (await pay(client, buyer.headers, order_id)).status_code == 201

        await announce(client, order_cancelled(order_id), order_cancelled(order_id))
        await until_quiet(client.app)

        payment = await payment_of(client, order_id)
        assert payment is not None
        assert payment["status"] == "refunded"
        refunds = [r for key, r in local_provider().refunds.items() if key == f"refund-{order_id}"]
        assert len(refunds) == 1 and refunds[0].id == payment["refund_id"]

    async def test_an_unpaid_cancelled_order_refunds_nothing(self, client: AppClient) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        await announce(client, order_cancelled(order_id))
        await until_quiet(client.app)

        assert f"refund-{order_id}" not in local_provider().refunds


async def _tried(client: AppClient, subject: str) -> bool:
    settings = client.app.state.settings
    deliveries = client.app.state.runtime.client[settings.database_name("bus")]["deliveries"]
    query = {"group": "payments", "envelope.subject": subject, "attempts": {"$gte": 1}}
    return await deliveries.find_one(query) is not None

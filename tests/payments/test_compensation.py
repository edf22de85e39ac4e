"""Compensation: the buyer is never charged without a ticket, refunds happen once."""

from __future__ import annotations

import asyncio

from modules.payments.providers import LocalProvider
from tests.payments.fake_stripe import FakeStripe
from tests.payments.support import known_order, pay, payment_of, replica
from tests.support.api import sign_up
from tests.support.apps import AppClient
from tests.support.events import order_cancelled, publish
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestRefundOnCancellation:
    async def test_a_paid_order_announced_cancelled_is_refunded_once(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        assert (await pay(client, buyer.headers, order_id)).status_code == 201

        await publish(client, order_cancelled(order_id), order_cancelled(order_id))
        await until_quiet(client.app)

        payment = await payment_of(client, order_id)
        assert payment is not None
        assert payment["status"] == "refunded"
        refunds = [r for key, r in provider.refunds.items() if key == f"refund-{order_id}"]
        assert len(refunds) == 1 and refunds[0].id == payment["refund_id"]
        assert refunds[0].charge_id == payment["charge_id"]

    async def test_an_unpaid_cancelled_order_refunds_nothing(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        await publish(client, order_cancelled(order_id))
        await until_quiet(client.app)

        assert f"refund-{order_id}" not in provider.refunds


class TestChargeLandingAfterCancellation:
    async def test_the_re_announced_cancellation_refunds_it(
        self, stripe_client: AppClient, stripe_server: FakeStripe
    ) -> None:
        client = stripe_client
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        stripe_server.hold_charges()
        paying = asyncio.create_task(pay(client, buyer.headers, order_id))
        await eventually(lambda: stripe_server.sent("/v1/charges"))  # the replica said payable
        await publish(client, order_cancelled(order_id))
        await eventually(
            lambda: replica(client, order_id), until=lambda r: r["status"] == "cancelled"
        )

        stripe_server.release_charges()
        assert (await paying).status_code == 201
        paid = await payment_of(client, order_id)
        assert paid is not None and paid["status"] == "succeeded"  # heard the cancel too early
        await publish(client, order_cancelled(order_id))  # orders, on hearing payment.created

        refunded = await eventually(
            lambda: payment_of(client, order_id), until=lambda p: p["status"] == "refunded"
        )
        refunds = stripe_server.sent("/v1/refunds")
        assert [(r.form, r.idempotency_key) for r in refunds] == [
            ({"charge": paid["charge_id"]}, f"refund-{order_id}")
        ]
        assert refunded["refund_id"].startswith("re_")

"""POST /api/payments: every rule and error status, against the real app."""

from __future__ import annotations

import asyncio

import pytest

from modules.payments.providers import LocalProvider
from tests.payments.support import known_order, pay, payment_of, replica
from tests.support.announced import announced
from tests.support.api import error_fields, error_messages, sign_up
from tests.support.apps import AppClient
from tests.support.databases import database
from tests.support.events import order_cancelled, publish
from tests.support.waiting import eventually


class TestPay:
    async def test_the_buyer_pays_and_payment_created_is_published(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id, price=4250)

        response = await pay(client, buyer.headers, order_id)

        assert response.status_code == 201, response.text
        payment = await payment_of(client, order_id)
        assert payment is not None and str(payment["_id"]) == response.json()["id"]
        assert payment["status"] == "succeeded"
        charge = provider.charges[payment["attempt"]]
        assert (charge.id, charge.amount) == (payment["charge_id"], 4250)
        [event] = await announced(client, "payments", "payment.created")
        assert event["payload"]["order_id"] == order_id

    async def test_anonymous_gets_401(self, client: AppClient) -> None:
        response = await client.post("/api/payments", json={"orderId": "x", "token": "tok_visa"})

        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("body", "fields"),
        [
            ({}, {"orderId", "token"}),
            ({"orderId": "abc"}, {"token"}),
            ({"token": "t"}, {"orderId"}),
        ],
    )
    async def test_missing_fields_get_400(
        self, client: AppClient, body: dict, fields: set[str]
    ) -> None:
        buyer = await sign_up(client)

        response = await client.post("/api/payments", json=body, headers=buyer.headers)

        assert response.status_code == 400
        assert error_fields(response) == fields

    @pytest.mark.parametrize("order_id", ["0123456789abcdef01234567", "not-an-id"])
    async def test_an_unknown_order_gets_404(self, client: AppClient, order_id: str) -> None:
        buyer = await sign_up(client)

        response = await pay(client, buyer.headers, order_id)

        assert response.status_code == 404

    async def test_someone_elses_order_gets_403(self, client: AppClient) -> None:
        buyer, stranger = await sign_up(client), await sign_up(client)
        order_id = await known_order(client, buyer.id)

        response = await pay(client, stranger.headers, order_id)

        assert response.status_code == 403
        assert await payment_of(client, order_id) is None

    async def test_a_cancelled_order_gets_400(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        await publish(client, order_cancelled(order_id))
        await eventually(
            lambda: replica(client, order_id), until=lambda r: r["status"] == "cancelled"
        )

        response = await pay(client, buyer.headers, order_id)

        assert response.status_code == 400
        assert error_messages(response) == ["Cannot pay for a cancelled order"]
        assert provider.charges == {}

    async def test_a_paid_order_gets_400(self, client: AppClient) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        assert (await pay(client, buyer.headers, order_id)).status_code == 201

        response = await pay(client, buyer.headers, order_id)

        assert response.status_code == 400
        assert error_messages(response) == ["Order already paid"]

    async def test_a_declined_card_gets_402_and_nothing_is_recorded(
        self, client: AppClient
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        response = await pay(client, buyer.headers, order_id, token="tok_chargeDeclined")

        assert response.status_code == 402
        assert error_messages(response) == ["Your card was declined."]
        assert await payment_of(client, order_id) is None
        [declined] = (
            await database(client, "payments")["payments"].find({"order_id": order_id}).to_list()
        )
        assert declined["status"] == "failed"
        assert (await pay(client, buyer.headers, order_id)).status_code == 201

    async def test_an_unknown_token_gets_400(self, client: AppClient) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        response = await pay(client, buyer.headers, order_id, token="tok_nonsense")

        assert response.status_code == 400
        assert error_messages(response) == ["Invalid payment token"]
        assert error_fields(response) == {"token"}
        assert await payment_of(client, order_id) is None


class TestDoubleSubmit:
    async def test_two_concurrent_payments_charge_once(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        responses = await asyncio.gather(
            pay(client, buyer.headers, order_id), pay(client, buyer.headers, order_id)
        )

        # The loser finds the winner pending (409, retry) or already paid (400).
        assert sorted(r.status_code for r in responses) in ([201, 400], [201, 409])
        payments = database(client, "payments")["payments"]
        assert await payments.count_documents({"order_id": order_id}) == 1
        assert len(provider.charges) == 1

    async def test_the_same_order_spelt_in_capitals_is_not_paid_twice(
        self, client: AppClient
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)
        assert (await pay(client, buyer.headers, order_id)).status_code == 201

        response = await pay(client, buyer.headers, order_id.upper())

        assert response.status_code == 400
        assert error_messages(response) == ["Order already paid"]
        assert await database(client, "payments")["payments"].count_documents({}) == 1

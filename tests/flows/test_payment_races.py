"""Paying against the clock: never charged without a ticket."""

from __future__ import annotations

import asyncio

import pytest
from bson import ObjectId

from tests.flows.support import await_order_status, order_once_known, pay_once_known
from tests.support.api import Account, create_ticket, sign_up
from tests.support.apps import AppClient
from tests.support.databases import database
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


class TestPayAtTheEdgeOfExpiry:
    @pytest.mark.parametrize("delay", [0.7, 0.85, 0.95, 1.0, 1.05, 1.2])  # the window is 1 s
    async def test_the_order_completes_or_the_charge_is_refunded(
        self, short_ttl_client: AppClient, delay: float
    ) -> None:
        client = short_ttl_client
        seller, buyer = await sign_up(client), await sign_up(client)
        ticket = await create_ticket(client, seller)
        order = (await order_once_known(client, buyer, ticket["id"])).json()
        replicas = database(client, "payments")["order_replicas"]
        await eventually(lambda: replicas.find_one({"_id": ObjectId(order["id"])}))
        await asyncio.sleep(delay)  # the moment of paying is what this test varies

        response = await client.post(
            "/api/payments",
            json={"orderId": order["id"], "token": "tok_visa"},
            headers=buyer.headers,
        )
        await _settled(client, buyer, order["id"])

        status = (await client.get(f"/api/orders/{order['id']}", headers=buyer.headers)).json()
        payment = await database(client, "payments")["payments"].find_one({"order_id": order["id"]})
        holder = (await client.get(f"/api/tickets/{ticket['id']}")).json()["orderId"]
        if status["status"] == "complete":
            assert response.status_code == 201
            assert payment["status"] == "succeeded" and holder == order["id"]
        else:
            assert status["status"] == "cancelled"
            assert payment is None or payment["status"] == "refunded", payment
            assert holder != order["id"]


class TestCompensation:
    async def test_a_charge_on_an_order_cancelled_meanwhile_is_refunded(
        self, client: AppClient
    ) -> None:
        seller, buyer = await sign_up(client), await sign_up(client)
        ticket = await create_ticket(client, seller)
        order = (await order_once_known(client, buyer, ticket["id"])).json()
        replicas = database(client, "payments")["order_replicas"]
        await eventually(lambda: replicas.find_one({"_id": ObjectId(order["id"])}))
        assert (
            await client.delete(f"/api/orders/{order['id']}", headers=buyer.headers)
        ).status_code == 204
        await until_quiet(client.app)
        # Payments had not heard of the cancellation yet: put its replica back as it was.
        await replicas.update_one(
            {"_id": ObjectId(order["id"])}, {"$set": {"status": "created", "version": 0}}
        )

        response = await pay_once_known(client, buyer, order["id"])

        assert response.status_code == 201, response.text
        payment = await eventually(
            lambda: database(client, "payments")["payments"].find_one({"order_id": order["id"]}),
            until=lambda p: p is not None and p["status"] == "refunded",
        )
        assert payment["refund_id"]
        await await_order_status(client, buyer, order["id"], "cancelled")


async def _settled(client: AppClient, buyer: Account, order_id: str) -> None:
    """Wait for the order to leave `created` (paid or expired) and for events to settle."""
    await eventually(
        lambda: client.get(f"/api/orders/{order_id}", headers=buyer.headers),
        until=lambda r: r.json()["status"] != "created",
        timeout=20,
    )
    await until_quiet(client.app)

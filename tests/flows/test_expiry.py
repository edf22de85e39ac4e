"""Unpaid orders expire and put the ticket back on sale; late expirations free nothing."""

from __future__ import annotations

from bus import ExpirationComplete
from tests.flows.support import await_order_status, order_once_known
from tests.support.api import await_ticket_holder, create_ticket, sign_up
from tests.support.apps import AppClient
from tests.support.events import publish
from tests.support.quiet import until_quiet


class TestExpiry:
    async def test_an_unpaid_order_expires_and_the_ticket_is_on_sale_again(
        self, short_ttl_client: AppClient
    ) -> None:
        client = short_ttl_client
        seller, buyer, next_buyer = [await sign_up(client) for _ in range(3)]
        ticket = await create_ticket(client, seller)
        order = (await order_once_known(client, buyer, ticket["id"])).json()

        await await_order_status(client, buyer, order["id"], "cancelled")

        await await_ticket_holder(client, ticket["id"], None)
        listed = [t["id"] for t in (await client.get("/api/tickets")).json()]
        assert ticket["id"] in listed
        again = await client.post(
            "/api/orders", json={"ticketId": ticket["id"]}, headers=next_buyer.headers
        )
        assert again.status_code == 201, again.text


class TestLateExpiration:
    async def test_a_cancelled_orders_expiration_does_not_free_the_next_buyers_ticket(
        self, client: AppClient
    ) -> None:
        seller, first, second = [await sign_up(client) for _ in range(3)]
        ticket = await create_ticket(client, seller)
        first_order = (await order_once_known(client, first, ticket["id"])).json()
        cancelled = await client.delete(f"/api/orders/{first_order['id']}", headers=first.headers)
        assert cancelled.status_code == 204
        second_order = await client.post(
            "/api/orders", json={"ticketId": ticket["id"]}, headers=second.headers
        )
        assert second_order.status_code == 201, second_order.text
        await await_ticket_holder(client, ticket["id"], second_order.json()["id"])

        await publish(client, ExpirationComplete(order_id=first_order["id"]))
        await until_quiet(client.app)

        await await_order_status(client, second, second_order.json()["id"], "created")
        await await_ticket_holder(client, ticket["id"], second_order.json()["id"])
        await await_order_status(client, first, first_order["id"], "cancelled")

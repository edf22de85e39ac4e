"""Sign up, sell, buy, pay: the happy path with its guarantees, duplicates and reordering on."""

from __future__ import annotations

import asyncio

from tests.flows.support import await_order_status, order_once_known, pay_once_known
from tests.support.api import await_ticket_holder, create_ticket, error_messages, sign_up
from tests.support.apps import AppClient
from tests.support.quiet import until_quiet


class TestBuyAndPay:
    async def test_a_paid_order_completes_and_the_ticket_stays_the_buyers(
        self, client: AppClient
    ) -> None:
        seller, buyer = await sign_up(client), await sign_up(client)
        ticket = await create_ticket(client, seller, price=42.5)

        order = (await order_once_known(client, buyer, ticket["id"])).json()
        await await_ticket_holder(client, ticket["id"], order["id"])
        payment = await pay_once_known(client, buyer, order["id"])

        assert payment.status_code == 201, payment.text
        await await_order_status(client, buyer, order["id"], "complete")
        edit = await client.put(
            f"/api/tickets/{ticket['id']}",
            json={"title": "Changed", "price": 1},
            headers=seller.headers,
        )
        assert edit.status_code == 400
        assert error_messages(edit) == ["Cannot edit a reserved ticket"]
        assert ticket["id"] not in [t["id"] for t in (await client.get("/api/tickets")).json()]
        await until_quiet(client.app)
        assert (await client.get(f"/api/tickets/{ticket['id']}")).json()["orderId"] == order["id"]

    async def test_a_complete_order_cannot_be_cancelled(self, client: AppClient) -> None:
        seller, buyer = await sign_up(client), await sign_up(client)
        ticket = await create_ticket(client, seller)
        order = (await order_once_known(client, buyer, ticket["id"])).json()
        await pay_once_known(client, buyer, order["id"])
        await await_order_status(client, buyer, order["id"], "complete")

        response = await client.delete(f"/api/orders/{order['id']}", headers=buyer.headers)

        assert response.status_code == 400
        await await_order_status(client, buyer, order["id"], "complete")


class TestConcurrentBuyers:
    async def test_thirty_buyers_of_one_ticket_make_exactly_one_order(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)
        buyers = [await sign_up(client) for _ in range(30)]
        ticket = await create_ticket(client, seller)
        first = await order_once_known(client, buyers[0], ticket["id"])
        await client.delete(f"/api/orders/{first.json()['id']}", headers=buyers[0].headers)

        responses = await asyncio.gather(
            *(
                client.post("/api/orders", json={"ticketId": ticket["id"]}, headers=b.headers)
                for b in buyers
            )
        )

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [201] + [400] * 29
        losers = [r for r in responses if r.status_code == 400]
        assert {m for r in losers for m in error_messages(r)} == {"Ticket is already reserved"}
        winner = next(r for r in responses if r.status_code == 201).json()
        await await_ticket_holder(client, ticket["id"], winner["id"])

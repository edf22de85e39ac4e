from __future__ import annotations

import asyncio

import pytest
from bson import ObjectId

from bus import ExpirationComplete
from tests.orders.support import (
    announced,
    cancel,
    complete_order,
    fresh_order,
    known_ticket,
    order_of,
    show,
)
from tests.support.api import accounts, await_ticket_holder, error_messages, ticket_holder
from tests.support.apps import AppClient
from tests.support.events import publish
from tests.support.quiet import until_quiet


class TestCancelOrder:
    async def test_the_buyer_cancels_and_the_ticket_goes_back_on_sale(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller)
        order = await order_of(client, buyer, ticket["id"])
        await await_ticket_holder(client, ticket["id"], order["id"])

        response = await cancel(client, buyer, order["id"])

        assert response.status_code == 204
        cancelled = await show(client, buyer, order["id"])
        assert (cancelled["status"], cancelled["version"]) == ("cancelled", 1)
        assert cancelled["cancelReason"] == "buyer"
        [envelope] = await announced(client, "order.cancelled", order["id"])
        assert envelope["producer"] == "orders"
        assert envelope["payload"] == {
            "id": order["id"],
            "version": 1,
            "ticket": {
                "id": ticket["id"],
            },
            "reason": "buyer",
        }
        await await_ticket_holder(client, ticket["id"], None)
        listed = [t["id"] for t in (await client.get("/api/tickets")).json()]
        assert ticket["id"] in listed

    async def test_cancelling_twice_is_harmless_and_announced_once(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        assert (await cancel(client, buyer, order["id"])).status_code == 204

        response = await cancel(client, buyer, order["id"])

        assert response.status_code == 204
        assert (await show(client, buyer, order["id"]))["status"] == "cancelled"
        await until_quiet(client.app)
        assert len(await announced(client, "order.cancelled", order["id"])) == 1

    async def test_two_cancellations_at_once_are_announced_once(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)

        responses = await asyncio.gather(*(cancel(client, buyer, order["id"]) for _ in range(5)))

        assert [r.status_code for r in responses] == [204] * 5, [r.text for r in responses]
        assert (await show(client, buyer, order["id"]))["version"] == 1
        await until_quiet(client.app)
        assert len(await announced(client, "order.cancelled", order["id"])) == 1

    async def test_anonymous_gets_401_and_the_order_stands(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)

        response = await client.delete(f"/api/orders/{order['id']}")

        assert response.status_code == 401
        assert (await show(client, buyer, order["id"]))["status"] == "created"
        assert await announced(client, "order.cancelled", order["id"]) == []

    async def test_another_user_gets_403_and_the_order_stands(self, client: AppClient) -> None:
        seller, buyer, stranger = await accounts(client, 3)
        order = await fresh_order(client, seller, buyer)

        response = await cancel(client, stranger, order["id"])

        assert response.status_code == 403
        assert (await show(client, buyer, order["id"]))["status"] == "created"
        assert await announced(client, "order.cancelled", order["id"]) == []

    @pytest.mark.parametrize("order_id", [str(ObjectId()), "not-an-id"])
    async def test_an_unknown_or_malformed_id_gets_404(
        self, client: AppClient, order_id: str
    ) -> None:
        [buyer] = await accounts(client, 1)

        response = await cancel(client, buyer, order_id)

        assert response.status_code == 404
        assert error_messages(response) == ["Order not found"]

    async def test_a_complete_order_cannot_be_cancelled(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await complete_order(client, seller, buyer)

        response = await cancel(client, buyer, order["id"])

        assert response.status_code == 400
        assert error_messages(response) == ["Cannot cancel a complete order"]
        assert (await show(client, buyer, order["id"]))["status"] == "complete"
        assert await announced(client, "order.cancelled", order["id"]) == []

    async def test_a_late_expiration_leaves_a_complete_order_complete(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        order = await complete_order(client, seller, buyer)
        await await_ticket_holder(client, order["ticket"]["id"], order["id"])

        await publish(client, ExpirationComplete(order_id=order["id"]))
        await until_quiet(client.app)

        shown = await show(client, buyer, order["id"])
        assert (shown["status"], shown["version"]) == ("complete", 1)
        assert await announced(client, "order.cancelled", order["id"]) == []
        assert await ticket_holder(client, order["ticket"]["id"]) == order["id"]

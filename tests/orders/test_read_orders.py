from __future__ import annotations

import pytest
from bson import ObjectId

from tests.orders.support import fresh_order, known_ticket, order_of
from tests.support.api import accounts, error_messages
from tests.support.apps import AppClient


class TestListMyOrders:
    async def test_a_buyer_sees_their_orders_newest_first_each_with_its_ticket(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        opera = await known_ticket(client, seller, title="Opera", price=10.5)
        ballet = await known_ticket(client, seller, title="Ballet", price=30)
        first = await order_of(client, buyer, opera["id"])
        second = await order_of(client, buyer, ballet["id"])

        response = await client.get("/api/orders", headers=buyer.headers)

        assert response.status_code == 200
        assert response.json() == [second, first]
        assert [order["ticket"] for order in response.json()] == [
            {"id": ballet["id"], "title": "Ballet", "price": 30, "version": 0},
            {"id": opera["id"], "title": "Opera", "price": 10.5, "version": 0},
        ]

    async def test_a_buyer_sees_only_their_own_orders(self, client: AppClient) -> None:
        seller, mine, theirs = await accounts(client, 3)
        my_order = await fresh_order(client, seller, mine)
        await fresh_order(client, seller, theirs)

        response = await client.get("/api/orders", headers=mine.headers)

        assert response.status_code == 200
        assert [order["id"] for order in response.json()] == [my_order["id"]]
        assert {order["userId"] for order in response.json()} == {mine.id}

    async def test_a_buyer_without_orders_gets_an_empty_list(self, client: AppClient) -> None:
        seller, buyer, other = await accounts(client, 3)
        await fresh_order(client, seller, other)

        response = await client.get("/api/orders", headers=buyer.headers)

        assert response.status_code == 200
        assert response.json() == []

    async def test_cancelled_orders_stay_listed_as_cancelled(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        await client.delete(f"/api/orders/{order['id']}", headers=buyer.headers)

        response = await client.get("/api/orders", headers=buyer.headers)

        assert [(o["id"], o["status"]) for o in response.json()] == [(order["id"], "cancelled")]

    async def test_anonymous_gets_401(self, client: AppClient) -> None:
        response = await client.get("/api/orders")

        assert response.status_code == 401
        assert error_messages(response) == ["Not authorized"]


class TestShowOrder:
    async def test_the_buyer_sees_their_order(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)

        response = await client.get(f"/api/orders/{order['id']}", headers=buyer.headers)

        assert response.status_code == 200
        assert response.json() == order

    async def test_anonymous_gets_401(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)

        response = await client.get(f"/api/orders/{order['id']}")

        assert response.status_code == 401

    @pytest.mark.parametrize("who", ["another buyer", "the seller"])
    async def test_anyone_but_the_buyer_gets_403(self, client: AppClient, who: str) -> None:
        seller, buyer, stranger = await accounts(client, 3)
        order = await fresh_order(client, seller, buyer)
        intruder = seller if who == "the seller" else stranger

        response = await client.get(f"/api/orders/{order['id']}", headers=intruder.headers)

        assert response.status_code == 403
        assert "ticket" not in response.text

    @pytest.mark.parametrize("order_id", [str(ObjectId()), "not-an-id", "0" * 25])
    async def test_an_unknown_or_malformed_id_gets_404(
        self, client: AppClient, order_id: str
    ) -> None:
        [buyer] = await accounts(client, 1)

        response = await client.get(f"/api/orders/{order_id}", headers=buyer.headers)

        assert response.status_code == 404
        assert error_messages(response) == ["Order not found"]

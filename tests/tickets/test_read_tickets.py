from __future__ import annotations

import pytest
from bson import ObjectId

from tests.support.api import create_ticket, error_messages, show_ticket, sign_up
from tests.support.apps import AppClient

TICKET_KEYS = {"id", "title", "price", "userId", "version", "orderId"}


class TestListTickets:
    async def test_nothing_listed_yet_is_an_empty_list(self, client: AppClient) -> None:
        response = await client.get("/api/tickets")

        assert response.status_code == 200
        assert response.json() == []

    async def test_anyone_sees_every_ticket_on_sale_oldest_first(self, client: AppClient) -> None:
        alice, bob = await sign_up(client), await sign_up(client)
        first = await create_ticket(client, alice, title="Opera", price=10.5)
        second = await create_ticket(client, bob, title="Ballet", price=20)

        response = await client.get("/api/tickets")

        assert response.status_code == 200
        assert response.json() == [first, second]

    async def test_each_listed_ticket_has_exactly_the_public_fields(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)
        await create_ticket(client, seller, title="Opera", price=12.34)

        [listed] = (await client.get("/api/tickets")).json()

        assert set(listed) == TICKET_KEYS
        assert listed["price"] == 12.34
        assert listed["userId"] == seller.id
        assert listed["orderId"] is None

    async def test_a_whole_price_is_listed_as_a_whole_number(self, client: AppClient) -> None:
        seller = await sign_up(client)
        await create_ticket(client, seller, price=20)

        [listed] = (await client.get("/api/tickets")).json()

        assert listed["price"] == 20
        assert isinstance(listed["price"], int)


class TestShowTicket:
    async def test_anyone_sees_a_ticket_by_its_id(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller, title="Opera", price=10.5)

        shown = await show_ticket(client, ticket["id"])

        assert shown == ticket
        assert set(shown) == TICKET_KEYS
        assert shown == {
            "id": ticket["id"],
            "title": "Opera",
            "price": 10.5,
            "userId": seller.id,
            "version": 0,
            "orderId": None,
        }

    async def test_an_id_in_capitals_names_the_same_ticket(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)

        assert await show_ticket(client, ticket["id"].upper()) == ticket

    async def test_an_unknown_id_gets_404(self, client: AppClient) -> None:
        response = await client.get(f"/api/tickets/{ObjectId()}")

        assert response.status_code == 404
        assert error_messages(response) == ["Ticket not found"]

    @pytest.mark.parametrize(
        "ticket_id",
        ["not-an-id", "123", "abcdefghijkl", "zzzzzzzzzzzzzzzzzzzzzzzz", "0" * 25, "%24ne"],
    )
    async def test_a_malformed_id_gets_404(self, client: AppClient, ticket_id: str) -> None:
        response = await client.get(f"/api/tickets/{ticket_id}")

        assert response.status_code == 404, response.text
        assert error_messages(response) == ["Ticket not found"]

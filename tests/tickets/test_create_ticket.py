from __future__ import annotations

import pytest

from tests.support.announced import announced as announced_by
from tests.support.api import create_ticket, error_fields, sign_up
from tests.support.apps import AppClient
from tests.support.databases import database
from tests.tickets.support import all_published, announced, stored


class TestCreateTicket:
    async def test_a_signed_in_seller_lists_a_ticket(self, client: AppClient) -> None:
        seller = await sign_up(client)

        ticket = await create_ticket(client, seller, title="Opera", price=10.5)

        assert ticket["title"] == "Opera"
        assert ticket["price"] == 10.5
        assert ticket["userId"] == seller.id
        assert ticket["version"] == 0
        assert ticket["orderId"] is None

    async def test_the_stored_ticket_keeps_the_price_in_integer_cents(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)

        ticket = await create_ticket(client, seller, title="Opera", price=10.5)

        document = await stored(client, ticket["id"])
        assert document is not None
        assert document["price"] == 1050
        assert (document["title"], document["user_id"], document["version"]) == (
            "Opera",
            seller.id,
            0,
        )
        assert document.get("order_id") is None

    @pytest.mark.parametrize(
        ("price", "cents", "shown"),
        [
            ("12.30", 1230, 12.3),
            (0.29, 29, 0.29),
            (0.01, 1, 0.01),
            (1000000, 100000000, 1000000),
            (999999.99, 99999999, 999999.99),
        ],
    )
    async def test_a_price_with_at_most_two_decimals_is_kept_to_the_cent(
        self, client: AppClient, price: object, cents: int, shown: float
    ) -> None:
        seller = await sign_up(client)

        ticket = await create_ticket(client, seller, price=price)

        assert ticket["price"] == shown
        document = await stored(client, ticket["id"])
        assert document is not None
        assert document["price"] == cents

    async def test_the_title_is_trimmed_and_may_be_200_characters_long(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)

        ticket = await create_ticket(client, seller, title=f"  {'x' * 200}  ")

        assert ticket["title"] == "x" * 200

    async def test_listing_announces_ticket_created_through_the_outbox(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller, title="Opera", price=10.5)

        [entry] = await all_published(client, ticket["id"])

        assert announced([entry]) == [("ticket.created", 0)]
        envelope = entry["envelope"]
        assert envelope["producer"] == "tickets"
        assert envelope["payload"] == {
            "id": ticket["id"],
            "version": 0,
            "title": "Opera",
            "price": 1050,
            "user_id": seller.id,
        }

    async def test_anonymous_gets_401_and_nothing_is_stored(self, client: AppClient) -> None:
        response = await client.post("/api/tickets", json={"title": "Opera", "price": 10})

        assert response.status_code == 401
        assert await database(client, "tickets")["tickets"].count_documents({}) == 0
        assert await announced_by(client, "tickets") == []

    async def test_every_invalid_field_is_reported_at_once(self, client: AppClient) -> None:
        seller = await sign_up(client)

        response = await client.post(
            "/api/tickets", json={"title": "", "price": -1}, headers=seller.headers
        )

        assert response.status_code == 400
        assert error_fields(response) == {"title", "price"}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"price": 10}, "title"),
            ({"title": "   ", "price": 10}, "title"),
            ({"title": "x" * 201, "price": 10}, "title"),
            ({"title": "Opera"}, "price"),
            ({"title": "Opera", "price": 0}, "price"),
            ({"title": "Opera", "price": -5}, "price"),
            ({"title": "Opera", "price": 10.555}, "price"),
            ({"title": "Opera", "price": 1000000.01}, "price"),
            ({"title": "Opera", "price": "Infinity"}, "price"),
            ({"title": "Opera", "price": True}, "price"),
            ({"title": "Opera", "price": "1E-999999999"}, "price"),
            ({"title": "Opera", "price": "0.100000000000000000000000000000000000001"}, "price"),
            ({"title": "Opera", "price": "NaN"}, "price"),
            ({"title": "Opera", "price": [1]}, "price"),
            ({"title": {"$ne": ""}, "price": 10}, "title"),
        ],
    )
    async def test_invalid_listing_gets_400_naming_the_field(
        self, client: AppClient, body: dict, field: str
    ) -> None:
        seller = await sign_up(client)

        response = await client.post("/api/tickets", json=body, headers=seller.headers)

        assert response.status_code == 400, response.text
        assert field in error_fields(response)
        assert (await client.get("/api/tickets")).json() == []
        assert await announced_by(client, "tickets") == []

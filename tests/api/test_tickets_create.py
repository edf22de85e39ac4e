from __future__ import annotations

import pytest

from tests.support.api import create_ticket, error_fields, sign_up
from tests.support.apps import AppClient


class TestCreateTicket:
    async def test_a_signed_in_seller_lists_a_ticket(self, client: AppClient) -> None:
        seller = await sign_up(client)

        ticket = await create_ticket(client, seller, title="Opera", price=10.5)

        assert ticket["title"] == "Opera"
        assert ticket["price"] == 10.5
        assert ticket["userId"] == seller.id
        assert ticket["version"] == 0
        assert ticket["orderId"] is None

    async def test_anonymous_gets_401(self, client: AppClient) -> None:
        response = await client.post("/api/tickets", json={"title": "Opera", "price": 10})

        assert response.status_code == 401

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

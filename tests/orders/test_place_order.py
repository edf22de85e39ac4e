from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from tests.orders.support import (
    MODULES,
    active_orders_on,
    announced,
    known_ticket,
    order_of,
    place_order,
)
from tests.support.api import accounts, create_ticket, error_fields, error_messages
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

MILLISECOND = timedelta(milliseconds=1)  # Mongo keeps milliseconds; orders rounds down to them


class TestPlaceOrder:
    async def test_a_buyer_orders_a_ticket_and_reserves_it(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller, title="Opera", price=42.5)

        response = await place_order(client, buyer, ticket["id"])

        assert response.status_code == 201, response.text
        order = response.json()
        assert set(order) == {
            "id",
            "userId",
            "status",
            "expiresAt",
            "version",
            "ticket",
            "cancelReason",
        }
        assert order["cancelReason"] is None
        assert order["userId"] == buyer.id
        assert order["status"] == "created"
        assert order["version"] == 0
        assert order["ticket"] == {
            "id": ticket["id"],
            "title": "Opera",
            "price": 42.5,
            "version": 0,
        }
        assert [o["_id"] for o in await active_orders_on(client, ticket["id"])] == [
            ObjectId(order["id"])
        ]

    async def test_placing_an_order_announces_it(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller, price=25)

        order = await order_of(client, buyer, ticket["id"])

        [envelope] = await announced(client, "order.created", order["id"])
        assert envelope["producer"] == "orders"
        assert envelope["payload"]["user_id"] == buyer.id
        assert envelope["payload"]["status"] == "created"
        assert envelope["payload"]["ticket"] == {"id": ticket["id"], "price": 2500}

    async def test_anonymous_gets_401(self, client: AppClient) -> None:
        [seller] = await accounts(client, 1)
        ticket = await known_ticket(client, seller)

        response = await client.post("/api/orders", json={"ticketId": ticket["id"]})

        assert response.status_code == 401
        assert await active_orders_on(client, ticket["id"]) == []

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"ticketId": None},
            {"ticketId": ""},
            {"ticketId": "not-an-id"},
            {"ticketId": "0123456789abcdef0123456"},
            {"ticketId": 123},
            {"ticketId": {"$ne": ""}},
        ],
    )
    async def test_a_missing_or_malformed_ticket_id_gets_400_naming_the_field(
        self, client: AppClient, body: dict
    ) -> None:
        [buyer] = await accounts(client, 1)

        response = await client.post("/api/orders", json=body, headers=buyer.headers)

        assert response.status_code == 400, response.text
        assert "ticketId" in error_fields(response)

    async def test_an_unknown_ticket_gets_404(self, client: AppClient) -> None:
        [buyer] = await accounts(client, 1)

        response = await place_order(client, buyer, str(ObjectId()))

        assert response.status_code == 404
        assert error_messages(response) == ["Ticket not found"]

    async def test_a_reserved_ticket_cannot_be_ordered_again(self, client: AppClient) -> None:
        seller, first, second = await accounts(client, 3)
        ticket = await known_ticket(client, seller)
        held = await order_of(client, first, ticket["id"])

        response = await place_order(client, second, ticket["id"])

        assert response.status_code == 400
        assert error_messages(response) == ["Ticket is already reserved"]
        assert error_fields(response) == {"ticketId"}
        assert [o["_id"] for o in await active_orders_on(client, ticket["id"])] == [
            ObjectId(held["id"])
        ]

    async def test_the_same_ticket_spelt_in_capitals_is_still_reserved(
        self, client: AppClient
    ) -> None:
        seller, first, second = await accounts(client, 3)
        ticket = await known_ticket(client, seller)
        await order_of(client, first, ticket["id"])

        response = await place_order(client, second, ticket["id"].upper())

        assert response.status_code == 400, response.text
        assert error_messages(response) == ["Ticket is already reserved"]
        assert len(await active_orders_on(client, ticket["id"])) == 1

    async def test_an_order_names_its_ticket_as_the_ticket_is_named(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller)

        order = await order_of(client, buyer, ticket["id"].upper())

        assert order["ticket"]["id"] == ticket["id"]
        [envelope] = await announced(client, "order.created", order["id"])
        assert envelope["payload"]["ticket"]["id"] == ticket["id"]

    async def test_the_same_buyer_cannot_reserve_a_ticket_twice(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller)
        await order_of(client, buyer, ticket["id"])

        response = await place_order(client, buyer, ticket["id"])

        assert response.status_code == 400
        assert error_messages(response) == ["Ticket is already reserved"]

    async def test_a_seller_cannot_buy_their_own_ticket(self, client: AppClient) -> None:
        [seller] = await accounts(client, 1)
        ticket = await known_ticket(client, seller)

        response = await place_order(client, seller, ticket["id"])

        assert response.status_code == 400
        assert error_messages(response) == ["You cannot buy your own ticket"]
        assert error_fields(response) == {"ticketId"}
        assert await active_orders_on(client, ticket["id"]) == []

    async def test_a_ticket_not_yet_heard_of_is_404_until_orders_hears_of_it(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await create_ticket(client, seller)

        response = await eventually(
            lambda: place_order(client, buyer, ticket["id"]),
            until=lambda answer: answer.status_code != 404,
            timeout=15,
        )

        assert response.status_code == 201, response.text


async def placed_between(client: AppClient) -> tuple[datetime, datetime, datetime]:
    """A fresh order's expiry, between the moments just before and just after placing it."""
    seller, buyer = await accounts(client, 2)
    ticket = await known_ticket(client, seller)
    before = datetime.now(UTC)
    order = await order_of(client, buyer, ticket["id"])
    after = datetime.now(UTC)
    return before, datetime.fromisoformat(order["expiresAt"]), after


class TestReservationWindow:
    async def test_an_order_expires_order_ttl_seconds_after_it_is_placed(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with running(build_app(servers, prefix, modules=MODULES, order_ttl=120)) as client:
            before, expires_at, after = await placed_between(client)

        assert before + timedelta(seconds=120) - MILLISECOND <= expires_at
        assert expires_at <= after + timedelta(seconds=120)

    async def test_the_default_window_is_fifteen_minutes(self, client: AppClient) -> None:
        before, expires_at, after = await placed_between(client)

        assert before + timedelta(minutes=15) - MILLISECOND <= expires_at
        assert expires_at <= after + timedelta(minutes=15)

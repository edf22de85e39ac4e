from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId

from tests.support.api import (
    Account,
    create_ticket,
    error_fields,
    error_messages,
    show_ticket,
    sign_up,
)
from tests.support.apps import AppClient
from tests.tickets.support import all_published, announced, outbox_of, reserve, stored


def edit(client: AppClient, ticket_id: str, body: dict[str, Any], account: Account | None) -> Any:
    headers = account.headers if account else {}
    return client.put(f"/api/tickets/{ticket_id}", json=body, headers=headers)


async def snapshot(client: AppClient, ticket_id: str) -> tuple[Any, ...]:
    """What a refused edit must leave alone: the stored ticket and everything it announced."""
    return await stored(client, ticket_id), announced(await outbox_of(client, ticket_id))


class TestUpdateTicket:
    async def test_the_seller_changes_title_and_price(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller, title="Opera", price=10)

        response = await edit(client, ticket["id"], {"title": "Ballet", "price": 12.34}, seller)

        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": ticket["id"],
            "title": "Ballet",
            "price": 12.34,
            "userId": seller.id,
            "version": 1,
            "orderId": None,
        }
        assert await show_ticket(client, ticket["id"]) == response.json()

    async def test_the_new_price_is_stored_in_cents(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller, price=10)

        await edit(client, ticket["id"], {"title": "Opera", "price": "0.29"}, seller)

        document = await stored(client, ticket["id"])
        assert document is not None
        assert document["price"] == 29
        assert (await show_ticket(client, ticket["id"]))["price"] == 0.29

    async def test_every_edit_bumps_the_version(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)

        versions = []
        for title in ("One", "Two", "Three"):
            response = await edit(client, ticket["id"], {"title": title, "price": 5}, seller)
            versions.append(response.json()["version"])

        assert versions == [1, 2, 3]

    async def test_each_edit_announces_ticket_updated_through_the_outbox(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller, title="Opera", price=10)

        await edit(client, ticket["id"], {"title": "Ballet", "price": 7.5}, seller)

        entries = await all_published(client, ticket["id"])
        assert announced(entries) == [("ticket.created", 0), ("ticket.updated", 1)]
        envelope = entries[1]["envelope"]
        assert envelope["producer"] == "tickets"
        assert envelope["payload"] == {
            "id": ticket["id"],
            "version": 1,
            "title": "Ballet",
            "price": 750,
            "user_id": seller.id,
            "order_id": None,
        }

    async def test_anonymous_gets_401_and_nothing_changes(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)
        before = await snapshot(client, ticket["id"])

        response = await edit(client, ticket["id"], {"title": "Mine", "price": 1}, None)

        assert response.status_code == 401
        assert await snapshot(client, ticket["id"]) == before

    async def test_someone_else_gets_403_and_nothing_changes(self, client: AppClient) -> None:
        seller, stranger = await sign_up(client), await sign_up(client)
        ticket = await create_ticket(client, seller)
        before = await snapshot(client, ticket["id"])

        response = await edit(client, ticket["id"], {"title": "Mine", "price": 1}, stranger)

        assert response.status_code == 403
        assert error_messages(response) == ["Only the seller can edit this ticket"]
        assert await snapshot(client, ticket["id"]) == before

    @pytest.mark.parametrize(
        ("body", "fields"),
        [
            ({"price": 10}, {"title"}),
            ({"title": "  ", "price": 10}, {"title"}),
            ({"title": "x" * 201, "price": 10}, {"title"}),
            ({"title": "Opera"}, {"price"}),
            ({"title": "Opera", "price": 0}, {"price"}),
            ({"title": "Opera", "price": 1.001}, {"price"}),
            ({"title": "Opera", "price": "Infinity"}, {"price"}),
            ({}, {"title", "price"}),
        ],
    )
    async def test_an_invalid_edit_gets_400_naming_the_fields_and_nothing_changes(
        self, client: AppClient, body: dict[str, Any], fields: set[str]
    ) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)
        before = await snapshot(client, ticket["id"])

        response = await edit(client, ticket["id"], body, seller)

        assert response.status_code == 400, response.text
        assert error_fields(response) == fields
        assert await snapshot(client, ticket["id"]) == before

    async def test_a_reserved_ticket_gets_400_and_nothing_changes(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)
        await reserve(client, ticket["id"])
        before = await snapshot(client, ticket["id"])

        response = await edit(client, ticket["id"], {"title": "Later", "price": 1}, seller)

        assert response.status_code == 400
        assert error_messages(response) == ["Cannot edit a reserved ticket"]
        assert await snapshot(client, ticket["id"]) == before

    async def test_an_unknown_ticket_gets_404(self, client: AppClient) -> None:
        seller = await sign_up(client)

        response = await edit(client, str(ObjectId()), {"title": "Opera", "price": 1}, seller)

        assert response.status_code == 404
        assert error_messages(response) == ["Ticket not found"]

    async def test_a_malformed_id_gets_404(self, client: AppClient) -> None:
        seller = await sign_up(client)

        response = await edit(client, "not-an-id", {"title": "Opera", "price": 1}, seller)

        assert response.status_code == 404

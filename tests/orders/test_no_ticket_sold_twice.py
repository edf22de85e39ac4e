"""At most one active order per ticket, held by the database under concurrent requests."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from tests.orders.support import active_orders_on, cancel, known_ticket, order_of, place_order
from tests.support.api import Account, accounts, await_ticket_holder, error_messages
from tests.support.apps import AppClient
from tests.support.databases import database

BUYERS = 30


async def race(client: AppClient, buyers: list[Account], ticket_id: str) -> list[Any]:
    """Every buyer orders the ticket at the same moment."""
    return await asyncio.gather(*(place_order(client, buyer, ticket_id) for buyer in buyers))


def second_order(order: dict[str, Any], status: str) -> dict[str, Any]:
    """A raw order document on the same ticket as `order`, as another writer might insert it."""
    copy = {key: value for key, value in order.items() if key != "_id"}
    return copy | {"user_id": "someone-else", "status": status}


class TestOneActiveOrderPerTicket:
    async def test_the_database_itself_refuses_a_second_active_order(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller)
        await order_of(client, buyer, ticket["id"])
        [held] = await active_orders_on(client, ticket["id"])
        orders = database(client, "orders")["orders"]

        for status in ("created", "awaiting:payment", "complete"):
            with pytest.raises(DuplicateKeyError):
                await orders.insert_one(second_order(held, status))
        await orders.insert_one(second_order(held, "cancelled"))

        assert [o["_id"] for o in await active_orders_on(client, ticket["id"])] == [held["_id"]]


class TestConcurrentBuyers:
    async def test_thirty_buyers_at_once_make_exactly_one_order(self, client: AppClient) -> None:
        seller, *buyers = await accounts(client, BUYERS + 1)
        ticket = await known_ticket(client, seller)

        responses = await race(client, buyers, ticket["id"])

        assert Counter(r.status_code for r in responses) == {201: 1, 400: BUYERS - 1}
        refusals = {m for r in responses if r.status_code == 400 for m in error_messages(r)}
        assert refusals == {"Ticket is already reserved"}
        [winner] = [r.json() for r in responses if r.status_code == 201]
        assert [str(o["_id"]) for o in await active_orders_on(client, ticket["id"])] == [
            winner["id"]
        ]
        await await_ticket_holder(client, ticket["id"], winner["id"])

    async def test_once_the_order_is_cancelled_another_buyer_gets_the_ticket(
        self, client: AppClient
    ) -> None:
        seller, *buyers = await accounts(client, BUYERS + 1)
        ticket = await known_ticket(client, seller)
        responses = await race(client, buyers, ticket["id"])
        [(winner, first)] = [
            (buyer, answer.json())
            for buyer, answer in zip(buyers, responses, strict=True)
            if answer.status_code == 201
        ]
        newcomer = next(buyer for buyer in buyers if buyer is not winner)

        assert (await cancel(client, winner, first["id"])).status_code == 204
        response = await place_order(client, newcomer, ticket["id"])

        assert response.status_code == 201, response.text
        second = response.json()
        assert [str(o["_id"]) for o in await active_orders_on(client, ticket["id"])] == [
            second["id"]
        ]
        await await_ticket_holder(client, ticket["id"], second["id"])

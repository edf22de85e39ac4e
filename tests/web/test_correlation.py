"""The correlation id starts with the request and follows every event it leads to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.announced import announced
from tests.support.api import sign_up
from tests.support.apps import AppClient, build_app, running
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The modules a purchase request crosses: orders' events reach tickets, which answers."""
    async with running(build_app(servers, prefix, modules="auth,tickets,orders")) as app_client:
        yield app_client


class TestCorrelation:
    async def test_the_request_header_names_the_events_it_causes(self, client: AppClient) -> None:
        seller, buyer = await sign_up(client), await sign_up(client)
        response = await client.post(
            "/api/tickets",
            json={"title": "Opera", "price": 10},
            headers=seller.headers | {"x-correlation-id": "listing-opera"},
        )
        ticket_id = response.json()["id"]
        await until_quiet(client.app)
        order = await client.post(
            "/api/orders",
            json={"ticketId": ticket_id},
            headers=buyer.headers | {"x-correlation-id": "buying-opera"},
        )
        assert order.status_code == 201, order.text
        await until_quiet(client.app)

        [created] = await announced(client, "tickets", "ticket.created")
        [locked] = await announced(client, "tickets", "ticket.updated")
        assert created["correlation_id"] == "listing-opera"
        assert locked["correlation_id"] == "buying-opera"

    async def test_a_request_without_the_header_gets_a_fresh_id(self, client: AppClient) -> None:
        seller = await sign_up(client)

        await client.post("/api/tickets", json={"title": "A", "price": 1}, headers=seller.headers)
        await client.post("/api/tickets", json={"title": "B", "price": 1}, headers=seller.headers)

        ids = {envelope["correlation_id"] for envelope in await announced(client, "tickets")}
        assert len(ids) == 2 and all(ids)

"""A request's id: the caller's when it is plain and short, else a fresh one; always answered."""

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
    async with running(build_app(servers, prefix, modules="auth,tickets")) as app_client:
        yield app_client


class TestRequestIds:
    async def test_the_callers_request_id_is_answered_and_names_the_events(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)

        answer = await client.post(
            "/api/tickets",
            json={"title": "Opera", "price": 10},
            headers=seller.headers | {"x-request-id": "sell-opera.1"},
        )
        await until_quiet(client.app)

        assert answer.headers["x-request-id"] == "sell-opera.1"
        [created] = await announced(client, "tickets", "ticket.created")
        assert created["correlation_id"] == "sell-opera.1"

    @pytest.mark.parametrize("sent", ["a" * 65, "two words", 'x"}{"level":"ERROR'])
    async def test_an_id_that_could_forge_a_log_line_is_replaced(
        self, client: AppClient, sent: str
    ) -> None:
        answer = await client.get("/api/users/currentuser", headers={"x-request-id": sent})

        assert answer.status_code == 200
        assert answer.headers["x-request-id"] != sent
        assert len(answer.headers["x-request-id"]) == 32

    async def test_an_unrouted_request_is_answered_with_an_id_too(self, client: AppClient) -> None:
        answer = await client.get("/api/nowhere", headers={"x-correlation-id": "lost-1"})

        assert answer.status_code == 404
        assert answer.headers["x-request-id"] == "lost-1"

"""Abuse limits: failed sign-ins per account and per address, sign-ups per address (429)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import error_messages, new_email, sign_up
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls

PASSWORD = "secret123"


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Auth alone, with small limits so a test can reach them."""
    app = build_app(
        servers,
        prefix,
        modules="auth",
        signin_failures_per_account=3,
        signin_failures_per_address=6,
        signups_per_address=5,
    )
    async with running(app) as app_client:
        yield app_client


def sign_in(client: AppClient, email: str, password: str) -> object:
    return client.post("/api/users/signin", json={"email": email, "password": password})


class TestFailedSignIns:
    async def test_an_account_is_refused_with_429_after_its_failures_even_with_the_password(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)
        for _ in range(3):
            assert (await sign_in(client, account.email, "wrong password")).status_code == 400

        refused = await sign_in(client, account.email, PASSWORD)

        assert refused.status_code == 429
        assert error_messages(refused) == ["Too many attempts; try again later"]
        assert 0 < int(refused.headers["retry-after"]) <= 900

    async def test_a_success_clears_the_accounts_count(self, client: AppClient) -> None:
        account = await sign_up(client)
        for _ in range(2):
            await sign_in(client, account.email, "wrong password")
        assert (await sign_in(client, account.email, PASSWORD)).status_code == 200

        for _ in range(2):
            assert (await sign_in(client, account.email, "wrong password")).status_code == 400
        assert (await sign_in(client, account.email, PASSWORD)).status_code == 200

    async def test_one_address_guessing_many_accounts_is_refused(self, client: AppClient) -> None:
        for _ in range(6):
            await sign_in(client, new_email(), "wrong password")

        refused = await sign_in(client, new_email(), "wrong password")

        assert refused.status_code == 429

    async def test_another_account_is_not_held_by_one_under_attack(self, client: AppClient) -> None:
        victim, bystander = await sign_up(client), await sign_up(client)
        for _ in range(3):
            await sign_in(client, victim.email, "wrong password")

        assert (await sign_in(client, bystander.email, PASSWORD)).status_code == 200


class TestSignUps:
    async def test_one_address_creating_accounts_is_refused_after_its_limit(
        self, client: AppClient
    ) -> None:
        for _ in range(5):
            await sign_up(client)

        refused = await client.post(
            "/api/users/signup", json={"email": new_email(), "password": PASSWORD}
        )

        assert refused.status_code == 429
        assert "retry-after" in refused.headers

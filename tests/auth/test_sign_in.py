from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import error_fields, new_email, sign_up
from tests.support.apps import AppClient

SIGN_IN = "/api/users/signin"
INVALID_CREDENTIALS = {"errors": [{"message": "Invalid credentials"}]}


async def signin(client: AppClient, email: Any, password: Any = "secret123") -> Any:
    return await client.post(SIGN_IN, json={"email": email, "password": password})


async def current_user(client: AppClient) -> Any:
    return (await client.get("/api/users/currentuser")).json()["currentUser"]


class TestSignIn:
    async def test_the_right_password_gets_200_with_id_and_email_and_a_session_cookie(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)

        response = await signin(client, account.email)

        assert response.status_code == 200, response.text
        assert response.json() == {"id": account.id, "email": account.email}
        assert response.cookies["session"]
        assert (await current_user(client))["id"] == account.id

    async def test_the_email_may_differ_in_case_and_surrounding_blanks(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)

        response = await signin(client, f" {account.email.upper()}  ")

        assert response.status_code == 200, response.text
        assert response.json()["email"] == account.email

    async def test_blanks_around_the_password_are_part_of_it(self, client: AppClient) -> None:
        account = await sign_up(client)

        response = await signin(client, account.email, " secret123\t")

        assert response.status_code == 400, response.text

    async def test_a_password_with_blanks_is_kept_exactly_as_typed(self, client: AppClient) -> None:
        email = new_email()
        await client.post("/api/users/signup", json={"email": email, "password": "  pass1234  "})
        client.cookies.clear()

        assert (await signin(client, email, "pass1234")).status_code == 400
        assert (await signin(client, email, "  pass1234  ")).status_code == 200

    @pytest.mark.parametrize("password", ["wrong-password", "SECRET123", "secret12", "a" * 5000])
    async def test_a_wrong_password_gets_400_invalid_credentials_and_no_session(
        self, client: AppClient, password: str
    ) -> None:
        account = await sign_up(client)

        response = await signin(client, account.email, password)

        assert response.status_code == 400
        assert response.json() == INVALID_CREDENTIALS
        assert "session" not in response.cookies
        assert await current_user(client) is None

    async def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(
        self, client: AppClient
    ) -> None:
        await sign_up(client)

        response = await signin(client, new_email())

        assert response.status_code == 400
        assert response.json() == INVALID_CREDENTIALS
        assert "session" not in response.cookies

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"password": "secret123"}, "email"),
            ({"email": "", "password": "secret123"}, "email"),
            ({"email": "not-an-email", "password": "secret123"}, "email"),
            ({"email": "user@example.com"}, "password"),
            ({"email": "user@example.com", "password": None}, "password"),
            ({"email": "user@example.com", "password": ""}, "password"),
        ],
    )
    async def test_a_missing_or_invalid_field_gets_400_naming_it(
        self, client: AppClient, body: dict[str, Any], field: str
    ) -> None:
        response = await client.post(SIGN_IN, json=body)

        assert response.status_code == 400, response.text
        assert error_fields(response) == {field}
        assert "session" not in response.cookies

    async def test_a_missing_password_says_one_must_be_supplied(self, client: AppClient) -> None:
        response = await client.post(SIGN_IN, json={"email": "user@example.com"})

        assert response.json() == {
            "errors": [{"message": "You must supply a password", "field": "password"}]
        }

    async def test_signing_in_replaces_the_session_of_another_user(self, client: AppClient) -> None:
        first, second = await sign_up(client), await sign_up(client)
        client.cookies.set("session", first.cookie)
        assert (await current_user(client))["id"] == first.id

        response = await signin(client, second.email)

        assert response.status_code == 200
        assert (await current_user(client))["id"] == second.id

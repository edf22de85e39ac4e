from __future__ import annotations

import asyncio
from typing import Any

import pytest
from argon2 import PasswordHasher
from pymongo.asynchronous.collection import AsyncCollection

from tests.support.api import error_fields, error_messages, new_email
from tests.support.apps import AppClient
from tests.support.databases import database

SIGN_UP = "/api/users/signup"


def users(client: AppClient) -> AsyncCollection:
    """The auth module's own `users` collection, read with plain pymongo, not through the app."""
    return database(client, "auth")["users"]


async def signup(client: AppClient, email: Any, password: Any = "secret123") -> Any:
    response = await client.post(SIGN_UP, json={"email": email, "password": password})
    client.cookies.clear()
    return response


class TestSignUp:
    async def test_a_new_user_gets_201_with_id_and_email_and_a_session_cookie(
        self, client: AppClient
    ) -> None:
        email = new_email()

        response = await client.post(SIGN_UP, json={"email": email, "password": "secret123"})

        assert response.status_code == 201, response.text
        assert set(response.json()) == {"id", "email"}
        assert response.json()["email"] == email
        assert response.cookies["session"]
        current = (await client.get("/api/users/currentuser")).json()["currentUser"]
        assert current["id"] == response.json()["id"]
        assert current["email"] == email

    async def test_the_password_is_stored_only_as_an_argon2id_hash_at_the_configured_cost(
        self, deployed_hashing_client: AppClient
    ) -> None:
        client, email = deployed_hashing_client, new_email()

        await signup(client, email, "secret123")

        stored = await users(client).find_one({"email": email})
        assert stored is not None
        assert stored["password_hash"].startswith("$argon2id$v=19$m=19456,t=3,p=1$")
        assert "secret123" not in str(stored)
        assert PasswordHasher().verify(stored["password_hash"], "secret123")

    async def test_the_password_is_hashed_exactly_as_typed(self, client: AppClient) -> None:
        email = new_email()

        response = await signup(client, email, "  secret123 \t")

        assert response.status_code == 201, response.text
        stored = await users(client).find_one({"email": email})
        assert stored is not None
        assert PasswordHasher().verify(stored["password_hash"], "  secret123 \t")

    async def test_the_email_is_stored_lower_case_without_surrounding_blanks(
        self, client: AppClient
    ) -> None:
        email = new_email()

        response = await signup(client, f"  {email.upper()} ")

        assert response.status_code == 201, response.text
        assert response.json()["email"] == email
        assert await users(client).count_documents({"email": email}) == 1

    @pytest.mark.parametrize("password", ["abcdefgh", "a" * 128, "  abcd  ", "correct horse"])
    async def test_passwords_of_8_to_128_characters_are_accepted(
        self, client: AppClient, password: str
    ) -> None:
        response = await signup(client, new_email(), password)

        assert response.status_code == 201, response.text

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"password": "secret123"}, "email"),
            ({"email": None, "password": "secret123"}, "email"),
            ({"email": "", "password": "secret123"}, "email"),
            ({"email": "   ", "password": "secret123"}, "email"),
            ({"email": "not-an-email", "password": "secret123"}, "email"),
            ({"email": "user@example", "password": "secret123"}, "email"),
            ({"email": "two words@example.com", "password": "secret123"}, "email"),
            ({"email": "a@b@example.com", "password": "secret123"}, "email"),
            ({"email": "nul\x00byte@example.com", "password": "secret123"}, "email"),
            ({"email": "a" * 250 + "@b.com", "password": "secret123"}, "email"),
            ({"email": "user@example.com"}, "password"),
            ({"email": "user@example.com", "password": None}, "password"),
            ({"email": "user@example.com", "password": ""}, "password"),
            ({"email": "user@example.com", "password": "abc"}, "password"),
            ({"email": "user@example.com", "password": "1234567"}, "password"),
            ({"email": "user@example.com", "password": "a" * 129}, "password"),
            ({"email": "rtl\u202eevil@example.com", "password": "secret123"}, "email"),
            ({"email": "zero\u200bwidth@example.com", "password": "secret123"}, "email"),
        ],
    )
    async def test_an_invalid_field_gets_400_naming_it_and_creates_no_user(
        self, client: AppClient, body: dict[str, Any], field: str
    ) -> None:
        response = await client.post(SIGN_UP, json=body)

        assert response.status_code == 400, response.text
        assert error_fields(response) == {field}
        assert "session" not in response.cookies
        assert await users(client).count_documents({}) == 0

    async def test_every_invalid_field_is_reported_at_once(self, client: AppClient) -> None:
        response = await client.post(SIGN_UP, json={"email": "nope", "password": "x"})

        assert response.status_code == 400
        assert response.json() == {
            "errors": [
                {"message": "Email must be valid", "field": "email"},
                {"message": "Password must be between 8 and 128 characters", "field": "password"},
            ]
        }

    async def test_a_second_sign_up_gets_400_email_in_use(self, client: AppClient) -> None:
        email = new_email()
        await signup(client, email)

        response = await signup(client, email, "another-password")

        assert response.status_code == 400
        assert response.json() == {"errors": [{"message": "Email in use", "field": "email"}]}
        assert "session" not in response.cookies
        assert await users(client).count_documents({"email": email}) == 1

    async def test_case_and_blanks_do_not_make_a_different_account(self, client: AppClient) -> None:
        await signup(client, "A@B.com")

        response = await signup(client, "a@b.com ")

        assert response.status_code == 400
        assert error_messages(response) == ["Email in use"]
        assert await users(client).count_documents({}) == 1

    async def test_twenty_concurrent_sign_ups_create_exactly_one_user(
        self, client: AppClient
    ) -> None:
        email = new_email()
        body = {"email": email, "password": "secret123"}

        responses = await asyncio.gather(*(client.post(SIGN_UP, json=body) for _ in range(20)))

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [201] + [400] * 19
        rejected = [response for response in responses if response.status_code == 400]
        assert all(error_messages(response) == ["Email in use"] for response in rejected)
        assert await users(client).count_documents({"email": email}) == 1

    async def test_uniqueness_is_held_by_a_unique_index_on_email(self, client: AppClient) -> None:
        await signup(client, new_email())

        indexes = await users(client).index_information()

        assert any(
            index.get("unique") and index["key"] == [("email", 1)] for index in indexes.values()
        )

"""Bodies must be declared JSON, so a cross-site HTML form cannot act for a signed-in user."""

from __future__ import annotations

import pytest

from tests.support.api import error_messages, new_email, sign_up
from tests.support.apps import AppClient


class TestJsonBodiesOnly:
    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
    )
    async def test_a_form_posted_sign_in_is_refused_with_415(
        self, client: AppClient, content_type: str
    ) -> None:
        account = await sign_up(client)
        body = f'{{"email": "{account.email}", "password": "secret123"}}'

        response = await client.post(
            "/api/users/signin", content=body, headers={"content-type": content_type}
        )

        assert response.status_code == 415
        assert error_messages(response) == ["Content-Type must be application/json"]
        assert "session" not in response.cookies

    async def test_a_form_posted_sign_up_creates_nobody(self, client: AppClient) -> None:
        email = new_email()

        response = await client.post(
            "/api/users/signup",
            content=f"email={email}&password=secret123",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )

        assert response.status_code == 415
        again = await client.post(
            "/api/users/signup", json={"email": email, "password": "secret123"}
        )
        assert again.status_code == 201

    async def test_json_with_a_charset_is_accepted(self, client: AppClient) -> None:
        response = await client.post(
            "/api/users/signup",
            content=f'{{"email": "{new_email()}", "password": "secret123"}}',
            headers={"content-type": "application/json; charset=utf-8"},
        )

        assert response.status_code == 201

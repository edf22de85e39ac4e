"""A page on another site cannot change anything through a signed-in visitor's browser (CSRF)."""

from __future__ import annotations

import pytest

from tests.support.api import error_messages, new_email, sign_up
from tests.support.apps import AppClient

OWN_ORIGIN = "http://testserver.local"  # the test client's base URL
FOREIGN_ORIGINS = [
    "https://evil.example",
    "http://testserver.local.evil.example",
    "http://testserver.local:8080",
    "null",
]


class TestCrossSiteRequestsAreRefused:
    @pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
    async def test_a_bodiless_cross_site_sign_out_is_refused_and_the_session_stays(
        self, client: AppClient, origin: str
    ) -> None:
        account = await sign_up(client)

        response = await client.post(
            "/api/users/signout", headers=account.headers | {"origin": origin}
        )

        assert response.status_code == 403
        assert error_messages(response) == ["Cross-site request refused"]
        assert "set-cookie" not in response.headers
        current = await client.get("/api/users/currentuser", headers=account.headers)
        assert current.json()["currentUser"]["email"] == account.email

    async def test_a_cross_site_sign_up_creates_nobody(self, client: AppClient) -> None:
        email = new_email()

        refused = await client.post(
            "/api/users/signup",
            json={"email": email, "password": "secret123"},
            headers={"origin": "https://evil.example"},
        )

        assert refused.status_code == 403
        assert "session" not in refused.cookies
        again = await client.post(
            "/api/users/signup", json={"email": email, "password": "secret123"}
        )
        assert again.status_code == 201, again.text

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("PUT", "/api/tickets/6b0a9dc3561676568ffc8fcc"),
            ("DELETE", "/api/orders/6b0a9dc3561676568ffc8fcc"),
        ],
    )
    async def test_put_and_delete_from_another_site_are_refused_before_anything_else(
        self, client: AppClient, method: str, path: str
    ) -> None:
        account = await sign_up(client)

        response = await client.request(
            method, path, json={}, headers=account.headers | {"origin": "https://evil.example"}
        )

        assert response.status_code == 403
        assert error_messages(response) == ["Cross-site request refused"]

    async def test_without_origin_a_cross_site_fetch_metadata_header_is_enough_to_refuse(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)

        response = await client.post(
            "/api/users/signout", headers=account.headers | {"sec-fetch-site": "cross-site"}
        )

        assert response.status_code == 403


class TestSameSiteAndNonBrowserRequestsPass:
    async def test_a_same_origin_sign_out_works(self, client: AppClient) -> None:
        account = await sign_up(client)

        response = await client.post(
            "/api/users/signout", headers=account.headers | {"origin": OWN_ORIGIN}
        )

        assert response.status_code == 200
        assert "session=" in response.headers["set-cookie"]

    async def test_a_client_that_sends_no_origin_is_not_concerned(self, client: AppClient) -> None:
        response = await client.post(
            "/api/users/signup", json={"email": new_email(), "password": "secret123"}
        )

        assert response.status_code == 201, response.text

    async def test_behind_a_proxy_the_forwarded_host_is_the_own_origin(
        self, client: AppClient
    ) -> None:
        response = await client.post(
            "/api/users/signup",
            json={"email": new_email(), "password": "secret123"},
            headers={"origin": "https://shop.example", "x-forwarded-host": "shop.example"},
        )

        assert response.status_code == 201, response.text

    async def test_reading_is_never_refused_whatever_the_origin(self, client: AppClient) -> None:
        response = await client.get(
            "/api/users/currentuser", headers={"origin": "https://evil.example"}
        )

        assert response.status_code == 200

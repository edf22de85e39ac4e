"""Every answer tells the browser not to sniff, frame or leak it; API answers are never cached."""

from __future__ import annotations

import httpx
import pytest

from tests.support.apps import AppClient

ANSWERS = [
    ("GET", "/api/users/currentuser", 200),
    ("GET", "/api/tickets/not-an-id", 404),
    ("POST", "/api/tickets", 401),
    ("POST", "/api/users/signup", 400),
    ("GET", "/api/nothing-here", 404),
    ("GET", "/api/schema/openapi.json", 200),
    ("GET", "/api/schema", 200),
]


async def answer(client: AppClient, method: str, path: str) -> httpx.Response:
    return await client.request(method, path, json={} if method == "POST" else None)


class TestSecurityHeaders:
    @pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
    async def test_every_answer_carries_the_browser_security_headers(
        self, client: AppClient, method: str, path: str, status: int
    ) -> None:
        response = await answer(client, method, path)

        assert response.status_code == status, response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "same-origin"

    @pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
    async def test_api_answers_are_never_stored_by_a_cache(
        self, client: AppClient, method: str, path: str, status: int
    ) -> None:
        response = await answer(client, method, path)

        assert response.headers["cache-control"] == "no-store"

    async def test_an_answer_outside_the_api_has_the_headers_too(self, client: AppClient) -> None:
        response = await client.get("/not-a-page")

        assert response.status_code == 404
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]

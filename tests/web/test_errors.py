from __future__ import annotations

import json
from typing import Any

import pytest

from app.factory import MAX_BODY_BYTES
from tests.support.api import new_email, sign_up
from tests.support.apps import AppClient
from tests.support.databases import database

SIGN_UP = "/api/users/signup"
SIGN_IN = "/api/users/signin"
JSON = {"content-type": "application/json"}


def assert_error_format(response: Any, status: int) -> list[dict[str, Any]]:
    """The status, and a body of `{"errors": [{"message", "field"?}]}` only: never a trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) <= {"message", "field"}
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error.get("field", ""), str)
    return body["errors"]


async def no_user_exists(client: AppClient) -> bool:
    return await database(client, "auth")["users"].count_documents({}) == 0


def padded(body: dict[str, Any], size: int) -> bytes:
    """The body as JSON, padded with trailing blanks (still valid JSON) to exactly `size` bytes."""
    encoded = json.dumps(body).encode()
    return encoded + b" " * (size - len(encoded))


class TestUnknownRoutes:
    @pytest.mark.parametrize("path", ["/nope", "/api/nothing/here", "/api/users/nobody"])
    async def test_an_unknown_route_gets_404_in_the_error_format(
        self, client: AppClient, path: str
    ) -> None:
        for method in ("GET", "POST"):
            response = await client.request(method, path)

            assert_error_format(response, 404)

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", SIGN_UP),
            ("GET", SIGN_IN),
            ("GET", "/api/users/signout"),
            ("POST", "/api/users/currentuser"),
            ("DELETE", "/api/users/currentuser"),
            ("PUT", SIGN_UP),
        ],
    )
    async def test_a_wrong_method_gets_405_in_the_error_format(
        self, client: AppClient, method: str, path: str
    ) -> None:
        response = await client.request(method, path)

        assert_error_format(response, 405)


class TestHostileBodies:
    @pytest.mark.parametrize("path", [SIGN_UP, SIGN_IN])
    @pytest.mark.parametrize(
        "content",
        [
            b'{"email": ',
            b"{'email': 'a@b.com'}",
            b'{"email": "a@b.com", "password": "secret123"',
            b"\xff\xfe not utf-8",
            b'{"email": "\xff@b.com", "password": "secret123"}',
            b"[" * 20_000 + b"]" * 20_000,
            b'{"email": ' + b"{" * 5_000 + b"}" * 5_000 + b"}",
        ],
        ids=["cut", "single-quotes", "unclosed", "latin-1", "latin-1-field", "deep", "deep-field"],
    )
    async def test_a_body_that_is_not_json_gets_400(
        self, client: AppClient, path: str, content: bytes
    ) -> None:
        response = await client.post(path, content=content, headers=JSON)

        errors = assert_error_format(response, 400)
        assert errors == [{"message": "Request body is not valid JSON"}]
        assert await no_user_exists(client)

    @pytest.mark.parametrize("path", [SIGN_UP, SIGN_IN])
    @pytest.mark.parametrize("content", [b"", b"null", b"[]", b'"a@b.com"', b"42", b"true"])
    async def test_a_body_that_is_not_an_object_gets_400(
        self, client: AppClient, path: str, content: bytes
    ) -> None:
        response = await client.post(path, content=content, headers=JSON)

        assert_error_format(response, 400)
        assert await no_user_exists(client)

    @pytest.mark.parametrize("path", [SIGN_UP, SIGN_IN])
    async def test_a_missing_body_says_so(self, client: AppClient, path: str) -> None:
        response = await client.post(path, headers=JSON)

        assert assert_error_format(response, 400) == [
            {"message": "Request body must be a JSON object"}
        ]

    @pytest.mark.parametrize("path", [SIGN_UP, SIGN_IN])
    @pytest.mark.parametrize(
        ("body", "fields"),
        [
            ({"email": 42, "password": "secret123"}, {"email"}),
            ({"email": ["a@b.com"], "password": "secret123"}, {"email"}),
            ({"email": True, "password": 1234}, {"email", "password"}),
            ({"email": "a@b.com", "password": 12345678}, {"password"}),
            ({"email": "a@b.com", "password": ["secret123"]}, {"password"}),
            ({"email": "a" * 60_000 + "@b.com", "password": "secret123"}, {"email"}),
        ],
    )
    async def test_a_field_of_the_wrong_type_or_size_gets_400_naming_it(
        self, client: AppClient, path: str, body: dict[str, Any], fields: set[str]
    ) -> None:
        response = await client.post(path, json=body)

        errors = assert_error_format(response, 400)
        assert {error.get("field") for error in errors} == fields
        assert await no_user_exists(client)

    async def test_a_huge_password_is_refused_at_sign_up_and_does_not_match_at_sign_in(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)
        huge = {"email": account.email, "password": "p" * 60_000}

        refused = await client.post(SIGN_UP, json=huge | {"email": new_email()})
        mismatched = await client.post(SIGN_IN, json=huge)

        assert assert_error_format(refused, 400)[0]["field"] == "password"
        assert assert_error_format(mismatched, 400) == [{"message": "Invalid credentials"}]


class TestBodySizeLimit:
    @pytest.mark.parametrize("path", [SIGN_UP, SIGN_IN])
    async def test_a_body_over_64_kib_gets_413_in_the_error_format(
        self, client: AppClient, path: str
    ) -> None:
        body = {"email": new_email(), "password": "secret123"}

        response = await client.post(path, content=padded(body, MAX_BODY_BYTES + 1), headers=JSON)

        assert_error_format(response, 413)
        assert "session" not in response.cookies
        assert await no_user_exists(client)

    async def test_a_body_of_exactly_64_kib_is_accepted(self, client: AppClient) -> None:
        body = {"email": new_email(), "password": "secret123"}

        response = await client.post(SIGN_UP, content=padded(body, MAX_BODY_BYTES), headers=JSON)

        assert response.status_code == 201, response.text


class TestOperatorInjection:
    @pytest.mark.parametrize(
        "email",
        [{"$ne": 1}, {"$ne": None}, {"$gt": ""}, {"$regex": ".*"}, {"$exists": True}],
    )
    async def test_an_operator_as_email_signs_nobody_in(
        self, client: AppClient, email: dict[str, Any]
    ) -> None:
        await sign_up(client)

        response = await client.post(SIGN_IN, json={"email": email, "password": "secret123"})

        errors = assert_error_format(response, 400)
        assert {error.get("field") for error in errors} == {"email"}
        assert "session" not in response.cookies
        assert (await client.get("/api/users/currentuser")).json() == {"currentUser": None}

    @pytest.mark.parametrize("password", [{"$ne": 1}, {"$gt": ""}, {"$exists": True}])
    async def test_an_operator_as_password_signs_nobody_in(
        self, client: AppClient, password: dict[str, Any]
    ) -> None:
        account = await sign_up(client)

        response = await client.post(SIGN_IN, json={"email": account.email, "password": password})

        errors = assert_error_format(response, 400)
        assert {error.get("field") for error in errors} == {"password"}
        assert (await client.get("/api/users/currentuser")).json() == {"currentUser": None}

    async def test_an_operator_as_email_creates_no_user(self, client: AppClient) -> None:
        response = await client.post(SIGN_UP, json={"email": {"$ne": 1}, "password": "secret123"})

        assert_error_format(response, 400)
        assert await no_user_exists(client)

    async def test_an_operator_does_not_make_an_email_look_taken(self, client: AppClient) -> None:
        await sign_up(client)
        await client.post(SIGN_UP, json={"email": {"$regex": ".*"}, "password": "secret123"})

        response = await client.post(SIGN_UP, json={"email": new_email(), "password": "secret123"})

        assert response.status_code == 201, response.text

    async def test_operator_keys_beside_the_fields_are_ignored(self, client: AppClient) -> None:
        account = await sign_up(client)
        body = {"email": account.email, "password": "wrong", "$where": "true", "$or": [{}]}

        response = await client.post(SIGN_IN, json=body)

        assert assert_error_format(response, 400) == [{"message": "Invalid credentials"}]

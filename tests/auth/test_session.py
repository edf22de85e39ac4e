from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

import jwt
import pytest

from modules.kernel import SessionCodec
from tests.support.api import Account, new_email, sign_up
from tests.support.apps import TEST_JWT_KEY, AppClient, build_app, running
from tests.support.servers import ServerUrls

ONE_DAY = 24 * 3600
CREDENTIALS = {"password": "secret123"}


def session_cookie(response: Any) -> Morsel[str]:
    """The one `session` Set-Cookie of a response, with its attributes."""
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith("session=")]
    assert len(headers) == 1, headers
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(headers[0])
    return cookie["session"]


async def issue_session(client: AppClient, path: str) -> Any:
    """Sign up (or up, then in) a fresh user through `path`; the response carries the cookie."""
    email = new_email()
    response = await client.post("/api/users/signup", json={"email": email, **CREDENTIALS})
    if path.endswith("signin"):
        response = await client.post(path, json={"email": email, **CREDENTIALS})
    client.cookies.clear()
    return response


async def current_user_with(client: AppClient, token: str) -> Any:
    response = await client.get("/api/users/currentuser", headers={"cookie": f"session={token}"})
    assert response.status_code == 200
    return response.json()["currentUser"]


def session_of(account: Account) -> str:
    """The session id inside an account's token (read, not verified: tests forge with it)."""
    return str(jwt.decode(account.cookie, options={"verify_signature": False})["sid"])


def act(client: AppClient, headers: dict[str, str]) -> Any:
    """Something only a signed-in user may do (auth's own route: these tests boot auth alone)."""
    return client.post("/api/users/signout/everywhere", headers=headers)


def cookie(token: str) -> dict[str, str]:
    return {"cookie": f"session={token}"}


def with_claims(token: str, **claims: Any) -> str:
    """The token with its payload changed but the original signature kept."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed = json.dumps(decoded | claims).encode()
    return ".".join([header, base64.urlsafe_b64encode(changed).decode().rstrip("="), signature])


ROUTES = ["/api/users/signup", "/api/users/signin"]


class TestSessionCookie:
    @pytest.mark.parametrize("path", ROUTES)
    async def test_it_is_http_only_same_site_lax_for_a_day_on_the_whole_site(
        self, client: AppClient, path: str
    ) -> None:
        cookie = session_cookie(await issue_session(client, path))

        assert cookie["httponly"] is True
        assert cookie["samesite"].lower() == "lax"
        assert cookie["max-age"] == str(ONE_DAY)
        assert cookie["path"] == "/"
        assert not cookie["secure"]

    @pytest.mark.parametrize("path", ROUTES)
    async def test_it_is_secure_when_the_setting_asks_for_it(
        self, servers: ServerUrls, prefix: str, path: str
    ) -> None:
        async with running(
            build_app(servers, prefix, modules="auth", cookie_secure=True)
        ) as secure_client:
            cookie = session_cookie(await issue_session(secure_client, path))

        assert cookie["secure"] is True
        assert cookie["httponly"] is True

    async def test_it_holds_a_jwt_signed_with_the_deployment_key_naming_the_user(
        self, client: AppClient
    ) -> None:
        response = await issue_session(client, "/api/users/signup")

        claims = SessionCodec(TEST_JWT_KEY, timedelta(days=7)).read(session_cookie(response).value)

        assert claims is not None
        assert (claims.id, claims.email) == (response.json()["id"], response.json()["email"])
        assert claims.expires_at - claims.issued_at == ONE_DAY


class TestCurrentUser:
    async def test_anonymous_gets_null(self, client: AppClient) -> None:
        response = await client.get("/api/users/currentuser")

        assert response.status_code == 200
        assert response.json() == {"currentUser": None}

    async def test_a_signed_in_user_gets_their_id_email_and_session_times(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)

        current = await current_user_with(client, account.cookie)

        assert current["id"] == account.id
        assert current["email"] == account.email
        assert current["exp"] - current["iat"] == ONE_DAY

    async def test_a_token_for_an_open_session_signed_with_the_key_is_accepted(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)
        codec = SessionCodec(TEST_JWT_KEY, timedelta(minutes=5))
        token = codec.issue(account.id, account.email, session_of(account))

        assert (await current_user_with(client, token))["id"] == account.id

    async def test_a_token_forged_with_the_key_for_a_session_never_opened_gives_null(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)
        codec = SessionCodec(TEST_JWT_KEY, timedelta(minutes=5))

        assert await current_user_with(client, codec.issue(account.id, account.email, "x")) is None

    async def test_a_token_forged_with_the_key_for_a_user_who_does_not_exist_gives_null(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)
        codec = SessionCodec(TEST_JWT_KEY, timedelta(minutes=5))
        forged = codec.issue("0123456789abcdef01234567", "ghost@example.com", session_of(account))

        assert await current_user_with(client, forged) is None
        assert (await act(client, cookie(forged))).status_code == 401

    async def test_an_expired_token_gives_null(self, client: AppClient) -> None:
        account = await sign_up(client)
        codec = SessionCodec(TEST_JWT_KEY, timedelta(seconds=-1))
        token = codec.issue(account.id, account.email, session_of(account))

        assert await current_user_with(client, token) is None

    async def test_a_token_signed_with_another_key_gives_null(self, client: AppClient) -> None:
        account = await sign_up(client)
        forger = SessionCodec("a-forger-key-that-is-also-long-enough-for-hs256", timedelta(days=7))
        token = forger.issue(account.id, account.email, session_of(account))

        assert await current_user_with(client, token) is None

    async def test_a_token_whose_claims_were_edited_gives_null(self, client: AppClient) -> None:
        victim, attacker = await sign_up(client), await sign_up(client)
        forged = with_claims(attacker.cookie, id=victim.id, email=victim.email)

        assert await current_user_with(client, forged) is None

    async def test_an_unsigned_token_gives_null(self, client: AppClient) -> None:
        account = await sign_up(client)
        unsigned = jwt.encode(
            {"id": account.id, "email": account.email, "iat": 0, "exp": 2**31},
            None,
            algorithm="none",
        )

        assert await current_user_with(client, unsigned) is None

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "%00", "x" * 4000])
    async def test_a_malformed_token_gives_null(self, client: AppClient, token: str) -> None:
        assert await current_user_with(client, token) is None


class TestSignOut:
    async def test_it_answers_200_with_an_empty_object_and_clears_the_cookie(
        self, client: AppClient
    ) -> None:
        await client.post("/api/users/signup", json={"email": new_email(), **CREDENTIALS})
        assert (await client.get("/api/users/currentuser")).json()["currentUser"] is not None

        response = await client.post("/api/users/signout")

        assert response.status_code == 200
        assert response.json() == {}
        cookie = session_cookie(response)
        assert cookie.value == ""
        assert cookie["max-age"] == "0"
        assert cookie["path"] == "/"
        assert (await client.get("/api/users/currentuser")).json() == {"currentUser": None}

    async def test_signing_out_when_not_signed_in_is_harmless(self, client: AppClient) -> None:
        response = await client.post("/api/users/signout")

        assert response.status_code == 200
        assert response.json() == {}

    async def test_the_account_can_sign_in_again_afterwards(self, client: AppClient) -> None:
        account: Account = await sign_up(client)
        await client.post("/api/users/signout", headers=account.headers)

        response = await client.post(
            "/api/users/signin", json={"email": account.email, **CREDENTIALS}
        )

        assert response.status_code == 200
        current = (await client.get("/api/users/currentuser")).json()["currentUser"]
        assert current["id"] == account.id


class TestSessionsEnd:
    async def test_a_signed_out_cookie_is_refused_even_if_copied_before(
        self, client: AppClient
    ) -> None:
        account = await sign_up(client)

        await client.post("/api/users/signout", headers=account.headers)

        assert await current_user_with(client, account.cookie) is None
        assert (await act(client, account.headers)).status_code == 401

    async def test_signing_out_ends_only_that_session(self, client: AppClient) -> None:
        laptop = await sign_up(client)
        phone = await sign_in(client, laptop)

        await client.post("/api/users/signout", headers=laptop.headers)

        assert await current_user_with(client, laptop.cookie) is None
        assert (await current_user_with(client, phone.cookie))["id"] == laptop.id

    async def test_signing_out_everywhere_ends_every_session(self, client: AppClient) -> None:
        laptop = await sign_up(client)
        phone = await sign_in(client, laptop)

        response = await client.post("/api/users/signout/everywhere", headers=phone.headers)

        assert response.status_code == 200
        assert await current_user_with(client, laptop.cookie) is None
        assert await current_user_with(client, phone.cookie) is None

    async def test_signing_out_everywhere_needs_a_session(self, client: AppClient) -> None:
        assert (await client.post("/api/users/signout/everywhere")).status_code == 401


class TestSlidingRenewal:
    async def test_a_session_past_half_its_life_is_renewed_on_use(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with running(build_app(servers, prefix, modules="auth", session_ttl=4)) as client:
            account = await sign_up(client)
            first = jwt.decode(account.cookie, options={"verify_signature": False})
            await asyncio.sleep(2.1)

            response = await client.get("/api/users/currentuser", headers=account.headers)

            renewed = session_cookie(response)
            claims = jwt.decode(renewed.value, options={"verify_signature": False})
            assert claims["sid"] == first["sid"] and claims["exp"] > first["exp"]
            await asyncio.sleep(2.1)  # the first token has expired by now; the renewed one lives
            assert await current_user_with(client, account.cookie) is None
            assert (await current_user_with(client, renewed.value))["id"] == account.id


async def sign_in(client: AppClient, account: Account) -> Account:
    """A second session of the same account (another device)."""
    response = await client.post("/api/users/signin", json={"email": account.email, **CREDENTIALS})
    assert response.status_code == 200
    client.cookies.clear()
    return Account(account.id, account.email, response.cookies["session"])

"""Two app instances on one Redis, as two processes of a split deployment: each remembers the
sessions it saw open, and a sign-out on one is heard by the other at once, long before its cache
bound runs out. The second runs tickets (Beanie binds a document class to one app per process)
and is asked through a route that needs a signed-in user."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from tests.auth.test_session import session_of, sign_in
from tests.support.api import sign_up
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

LONG_BOUND = 30.0  # far longer than any test here waits: only a notification can end a session


@asynccontextmanager
async def replicas(
    servers: ServerUrls, prefix: str, bound: float
) -> AsyncIterator[tuple[AppClient, AppClient]]:
    async with (
        running(build_app(servers, prefix, modules="auth", session_check_cache=bound)) as one,
        running(build_app(servers, prefix, modules="tickets", session_check_cache=bound)) as two,
    ):
        yield one, two


async def signed_in_on(tickets: AppClient, token: str) -> bool:
    response = await tickets.post(
        "/api/tickets", json={"title": "Show", "price": 5}, headers={"cookie": f"session={token}"}
    )
    assert response.status_code in (201, 401), response.text
    return response.status_code == 201


class TestSignOutAcrossReplicas:
    async def test_a_sign_out_on_one_replica_ends_the_session_on_the_other_at_once(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with replicas(servers, prefix, LONG_BOUND) as (one, two):
            account = await sign_up(one)
            assert await signed_in_on(two, account.cookie)  # now remembered open by two

            await one.post("/api/users/signout", headers=account.headers)
            signed_out_at = time.monotonic()

            await eventually(lambda: signed_in_on(two, account.cookie), until=lambda on: not on)
            assert time.monotonic() - signed_out_at < 1.0

    async def test_signing_out_everywhere_on_one_replica_ends_every_session_on_the_other(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with replicas(servers, prefix, LONG_BOUND) as (one, two):
            laptop = await sign_up(one)
            phone = await sign_in(one, laptop)
            assert await signed_in_on(two, laptop.cookie) and await signed_in_on(two, phone.cookie)

            await one.post("/api/users/signout/everywhere", headers=phone.headers)

            async def either_open() -> bool:
                return any(
                    [await signed_in_on(two, laptop.cookie), await signed_in_on(two, phone.cookie)]
                )

            await eventually(either_open, until=lambda open_: not open_, timeout=1)

    async def test_a_session_ended_without_a_notification_lasts_at_most_the_bound(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        """Redis lost the notification (here: the session key removed behind the app's back):
        the remembered session is trusted until the bound, then asked about again."""
        async with replicas(servers, prefix, 1.0) as (one, two):
            account = await sign_up(one)
            assert await signed_in_on(two, account.cookie)
            redis = Redis.from_url(servers.redis)
            await redis.delete(f"{prefix}:session:{session_of(account)}")
            await redis.aclose()
            removed_at = time.monotonic()

            assert await signed_in_on(two, account.cookie)  # remembered: Redis was not asked
            await eventually(lambda: signed_in_on(two, account.cookie), until=lambda on: not on)
            assert time.monotonic() - removed_at < 1.5

"""A password hashed with older parameters is hashed again with today's on the next sign-in."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from modules.auth.passwords import HashCost, Passwords
from tests.support.api import sign_up
from tests.support.apps import AppClient, build_app, running
from tests.support.databases import database
from tests.support.servers import ServerUrls

OLD = HashCost(time_cost=1, memory_kib=8, parallelism=1)
NEW = HashCost(time_cost=2, memory_kib=16, parallelism=1)


def hashing_at(
    servers: ServerUrls, prefix: str, cost: HashCost
) -> AbstractAsyncContextManager[AppClient]:
    adapters = {"auth": {"passwords": Passwords(cost, workers=1)}}
    return running(build_app(servers, prefix, modules="auth", adapters=adapters))


class TestPasswordUpgrade:
    async def test_signing_in_rehashes_with_the_new_parameters_and_the_password_still_works(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with hashing_at(servers, prefix, OLD) as before:
            account = await sign_up(before)
        async with hashing_at(servers, prefix, NEW) as after:
            users = database(after, "auth")["users"]
            assert (
                "m=8,t=1,p=1" in (await users.find_one({"email": account.email}))["password_hash"]
            )
            credentials = {"email": account.email, "password": "secret123"}

            assert (await after.post("/api/users/signin", json=credentials)).status_code == 200
            stored = (await users.find_one({"email": account.email}))["password_hash"]
            assert "m=16,t=2,p=1" in stored
            assert (await after.post("/api/users/signin", json=credentials)).status_code == 200

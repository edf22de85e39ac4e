"""Build the real app for a test, on its own databases, and drop them afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from litestar import Litestar
from pymongo import AsyncMongoClient

from app.factory import create_app
from app.registry import select_modules
from app.runtime import Runtime
from app.settings import Settings, load_module_settings
from bus.archive import Archive
from bus.chaos import Chaos
from modules.auth.passwords import HashCost, Passwords
from modules.kernel import Module
from tests.support.announced import EventLog
from tests.support.servers import ServerUrls

CHAOS = Chaos()
# Every test client signs up from one address: limits are tested where they are set low.
NO_ABUSE_LIMITS = {"signups_per_address": 100_000, "signin_failures_per_address": 100_000}
TEST_JWT_KEY = "test-signing-key-that-is-long-enough-for-hs256"
# Argon2id at its cheapest: the settings refuse less than OWASP's minimum, which costs a test
# tens of milliseconds of CPU per sign-up, sign-in and app start.
FAST_HASHING = HashCost(time_cost=1, memory_kib=8, parallelism=1)


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def test_settings(urls: ServerUrls, prefix: str, **overrides: Any) -> Settings:
    """The deployment's settings for a test; module settings among `overrides` are ignored."""
    values: dict[str, Any] = {
        "mongo_url": urls.mongo,
        "redis_url": urls.redis,
        "jwt_key": TEST_JWT_KEY,
        "db_prefix": prefix,
        "bus_max_attempts": 20,
    }
    return Settings(**(values | overrides))


def build_app(
    urls: ServerUrls,
    prefix: str,
    *,
    modules: str | None = None,
    chaos: Chaos | None = CHAOS,
    adapters: Mapping[str, Mapping[str, Any]] | None = None,
    archive: Archive | None = None,
    **overrides: Any,
) -> Litestar:
    """The app on this test's databases. `overrides` set deployment or module settings by
    name; `adapters` swap what a module's bootstrap would build, e.g.
    `adapters={"payments": {"provider": LocalProvider()}}`. Auth hashes at FAST_HASHING
    unless the test chooses its hashing (an auth adapter or a `password_*` setting)."""
    chosen = adapters or {}
    own_hashing = "auth" in chosen or any(name.startswith("password_") for name in overrides)
    if not own_hashing:
        chosen = {**chosen, "auth": {"passwords": Passwords(FAST_HASHING, workers=2)}}
    if any(module.name == "auth" for module in select_modules(modules)):
        overrides = NO_ABUSE_LIMITS | overrides
    selected = [
        with_adapters(module, **chosen.get(module.name, {})) for module in select_modules(modules)
    ]
    return create_app(
        test_settings(urls, prefix, **overrides),
        selected,
        mongo_url=urls.mongo,
        redis_url=urls.redis,
        jwt_key=TEST_JWT_KEY,
        module_settings=load_module_settings(selected, **overrides),
        chaos=chaos,
        archive=archive,
    )


def with_adapters(module: Module[Any], **adapters: Any) -> Module[Any]:
    """The module, its bootstrap given these adapters by keyword (cosmicpython's bootstrap)."""
    if not adapters:
        return module
    return replace(module, bootstrap=partial(module.bootstrap, **adapters))


class AppClient(httpx.AsyncClient):
    """An HTTP client over the app in the test's own event loop, so tests may also use the
    app's bus and Mongo client directly (Litestar's AsyncTestClient runs the app elsewhere)."""

    app: Litestar
    events: EventLog


def runtime_of(client: AppClient) -> Runtime:
    """What the running app composed: its bus, its modules' transactions, its settings."""
    runtime: Runtime = client.app.state.runtime
    return runtime


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[AppClient]:
    """Run the app's lifespan (start-up, shutdown) around an HTTP client talking to it, with
    every event its bus delivers recorded (`client.events`)."""
    events = EventLog()
    events.subscribe(app.state.runtime.bus)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with AppClient(transport=transport, base_url="http://testserver.local") as client:
            client.app, client.events = app, events
            yield client


async def drop_databases(urls: ServerUrls, prefix: str, names: Sequence[str] = ()) -> None:
    client: AsyncMongoClient = AsyncMongoClient(urls.mongo)
    try:
        for name in names or await client.list_database_names():
            if name.startswith(f"{prefix}_"):
                await client.drop_database(name)
    finally:
        await client.close()

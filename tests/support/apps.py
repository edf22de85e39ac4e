"""Build the real app for a test, on its own databases, and drop them afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from litestar import Litestar
from pymongo import AsyncMongoClient

from app.factory import create_app
from app.registry import select_modules
from app.settings import Settings
from bus.inprocess import Chaos
from tests.support.servers import ServerUrls

CHAOS = Chaos()
TEST_JWT_KEY = "test-signing-key-that-is-long-enough-for-hs256"


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def test_settings(urls: ServerUrls, prefix: str, **overrides: Any) -> Settings:
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
    **overrides: Any,
) -> Litestar:
    settings = test_settings(urls, prefix, **overrides)
    return create_app(
        settings,
        select_modules(modules),
        mongo_url=urls.mongo,
        redis_url=urls.redis,
        jwt_key=TEST_JWT_KEY,
        chaos=chaos,
    )


async def drop_databases(urls: ServerUrls, prefix: str, names: Sequence[str] = ()) -> None:
    client: AsyncMongoClient = AsyncMongoClient(urls.mongo)
    try:
        for name in names or await client.list_database_names():
            if name.startswith(f"{prefix}_"):
                await client.drop_database(name)
    finally:
        await client.close()

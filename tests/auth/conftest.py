from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The auth module alone: nothing else listens to or serves what these tests touch."""
    async with running(build_app(servers, prefix, modules="auth")) as app_client:
        yield app_client


@pytest.fixture
async def deployed_hashing_client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Auth hashing passwords at the cost its settings give, as deployed (no adapter swapped)."""
    app = build_app(servers, prefix, modules="auth", adapters={"auth": {}})
    async with running(app) as app_client:
        yield app_client

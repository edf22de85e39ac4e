from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Auth alone: what the web layer does to a request is the same for every module's routes."""
    async with running(build_app(servers, prefix, modules="auth")) as app_client:
        yield app_client

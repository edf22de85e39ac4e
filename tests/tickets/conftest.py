from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Auth and tickets only: the tests play the orders module by publishing its events."""
    async with running(build_app(servers, prefix, modules="auth,tickets")) as app_client:
        yield app_client

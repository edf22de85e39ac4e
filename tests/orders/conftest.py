from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.orders.support import MODULES
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Orders with the modules it hears tickets from; no payments, no expiration worker."""
    async with running(build_app(servers, prefix, modules=MODULES)) as app_client:
        yield app_client

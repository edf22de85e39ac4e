from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls

SHORT_TTL = 1


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The purchase path's modules; a late expiration is played by publishing its event."""
    app = build_app(servers, prefix, modules="auth,tickets,orders,payments")
    async with running(app) as app_client:
        yield app_client


@pytest.fixture
async def short_ttl_client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """Every module, orders expiring one second after they are placed."""
    async with running(build_app(servers, prefix, order_ttl=SHORT_TTL)) as app_client:
        yield app_client

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.expiration.support import DramatiqQueues, expiration_app
from tests.support.apps import AppClient
from tests.support.servers import ServerUrls


@pytest.fixture(autouse=True)
async def queues(servers: ServerUrls, prefix: str) -> AsyncIterator[DramatiqQueues]:
    """This test's dramatiq queues in Redis; its keys are deleted afterwards."""
    queues = DramatiqQueues(servers, prefix)
    yield queues
    await queues.forget()


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The expiration module alone, its dramatiq worker firing expiries when they are due."""
    async with expiration_app(servers, prefix) as app_client:
        yield app_client


@pytest.fixture
async def idle_client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The expiration module alone with no worker and no periodic sweep to act behind the
    test's back: the test fires and sweeps by hand."""
    async with expiration_app(servers, prefix, run_worker=False, expiration_sweep=3600.0) as app:
        yield app

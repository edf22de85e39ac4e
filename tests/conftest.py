from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.apps import AppClient, build_app, drop_databases, running, unique_prefix
from tests.support.servers import ServerUrls, test_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerUrls]:
    with test_servers(tmp_path_factory.mktemp("servers")) as urls:
        yield urls


@pytest.fixture
async def prefix(servers: ServerUrls) -> AsyncIterator[str]:
    """A database-name prefix of this test's own; its databases are dropped afterwards."""
    value = unique_prefix()
    yield value
    await drop_databases(servers, value)


@pytest.fixture
async def client(servers: ServerUrls, prefix: str) -> AsyncIterator[AppClient]:
    """The whole app, every module, in-process bus with duplicates and reordering on. A folder
    about one module overrides it with only the modules its tests need.

    Without the expiry worker: no order's window (15 minutes) ends within a test, so it would
    only be started and stopped, half a second per test. The expiry tests run it."""
    async with running(build_app(servers, prefix, run_worker=False)) as app_client:
        yield app_client

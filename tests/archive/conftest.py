from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bus import RetryPolicy
from bus.archive import Archive, ArchiveStore
from tests.archive.stores import StoreUnderTest, postgres_database, postgres_server
from tests.archive.support import archived_app
from tests.support.apps import AppClient, running
from tests.support.buses import IMPLEMENTATIONS, BusFactory, bus_processes
from tests.support.servers import ServerUrls

FAST_RETRY = RetryPolicy(max_attempts=20, base_delay=0.01, max_delay=0.2)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The PostgreSQL server of the run, asked for by the PostgreSQL half only."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreUnderTest]:
    """An empty archive store of this test's own, on each kind of store."""
    if request.param == "sqlite":
        yield StoreUnderTest("sqlite", f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    else:
        async with postgres_database(request.getfixturevalue("postgres")) as url:
            yield StoreUnderTest("postgresql", url)


@pytest.fixture
async def archive(target: StoreUnderTest) -> AsyncIterator[Archive]:
    """An archive on the test's store; whoever starts it (an app, a bus test) stops it."""
    yield Archive(ArchiveStore.open(target.database_url))


@pytest.fixture
async def store(target: StoreUnderTest) -> AsyncIterator[ArchiveStore]:
    """A second view of the archive's store, as a reader (CLI, timeline page) has it."""
    opened = ArchiveStore.open(target.database_url)
    yield opened
    await opened.close()


@pytest.fixture(params=IMPLEMENTATIONS)
async def make_bus(
    request: pytest.FixtureRequest, servers: ServerUrls, prefix: str
) -> AsyncIterator[BusFactory]:
    """Each call is one bus process (a replica); all calls share the same durable state."""
    async with bus_processes(request.param, servers, prefix, FAST_RETRY) as make:
        yield make


@pytest.fixture
async def archived_client(
    servers: ServerUrls, prefix: str, archive: Archive
) -> AsyncIterator[AppClient]:
    """The whole app with its archive, in-process bus with duplicates and reordering on."""
    async with running(archived_app(servers, prefix, archive)) as client:
        yield client

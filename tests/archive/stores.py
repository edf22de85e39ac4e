"""The two archive stores every archive test runs on: a SQLite file, a PostgreSQL database.

PostgreSQL comes from TICKETING_TEST_POSTGRES_URL (`.ci/run` starts a throwaway
cluster and sets it); without it the tests start their own with `.ci/postgres`
from Debian's `postgresql` package. If neither works the PostgreSQL half fails,
loudly: it is never skipped.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bus.archive import ArchiveSettings

POSTGRES_ENV = "TICKETING_TEST_POSTGRES_URL"
CLUSTER = str(Path(__file__).parents[2] / ".ci" / "postgres")


@dataclass(frozen=True)
class StoreUnderTest:
    kind: str  # "sqlite" or "postgresql"
    url: str  # as an operator sets TICKETING_ARCHIVE_URL

    @property
    def database_url(self) -> str:
        """With its async driver, as the archive opens it."""
        return ArchiveSettings(url=self.url).database_url(Path("."))

    def outage(self) -> AbstractAsyncContextManager[None]:
        """The store unreachable while inside: locked (SQLite), refusing connections (Postgres)."""
        if self.kind == "sqlite":
            return _async(sqlite_outage(Path(make_url(self.url).database or "")))
        return postgres_outage(self.url)


@asynccontextmanager
async def _async(outage: AbstractContextManager[None]) -> AsyncIterator[None]:
    with outage:
        yield


@contextmanager
def postgres_server() -> Iterator[str]:
    """TICKETING_TEST_POSTGRES_URL, or a throwaway cluster of our own while inside."""
    if url := os.environ.get(POSTGRES_ENV):
        yield url
        return
    started = subprocess.run([CLUSTER, "start"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        pytest.fail(
            f"the PostgreSQL half of the archive tests needs {POSTGRES_ENV} or a PostgreSQL "
            f"server to start (apt-get install postgresql); `.ci/postgres start` said: "
            f"{started.stderr.strip()}",
            pytrace=False,
        )
    exported = dict(
        line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines()
    )
    try:
        yield exported[POSTGRES_ENV]
    finally:
        subprocess.run([CLUSTER, "stop", exported["TICKETING_TEST_POSTGRES_DIR"]], check=False)


@asynccontextmanager
async def postgres_database(server_url: str) -> AsyncIterator[str]:
    """A database of this test's own on the test cluster, dropped afterwards."""
    server = make_url(server_url)
    name = f"archive_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_plain(server.render_as_string(hide_password=False)))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def postgres_outage(url: str) -> AsyncIterator[None]:
    """The archive's database refuses connections and its open ones are cut, for a while."""
    parsed = make_url(url)
    admin = await asyncpg.connect(
        _plain(parsed.set(database="postgres").render_as_string(hide_password=False))
    )
    try:
        await admin.execute(f'ALTER DATABASE "{parsed.database}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            parsed.database,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{parsed.database}" ALLOW_CONNECTIONS true')
        await admin.close()


@contextmanager
def sqlite_outage(path: Path) -> Iterator[None]:
    """Another process's exclusive lock on the file: every write waits, then fails."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _plain(url: str) -> str:
    """asyncpg wants a libpq URL, without SQLAlchemy's `+driver`."""
    return url.replace("postgresql+asyncpg://", "postgresql://")

"""The archive's relational store: append once by event id, and the reads its uses need."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bus.archive.rows import ArchivedEvent, event_of
from bus.archive.schema import archived_events as table

SQLITE_BUSY_TIMEOUT = 2.0  # seconds a writer waits on a locked file before the error
WAL_FILES = ("-wal", "-shm")


def create_engine(url: str) -> AsyncEngine:
    """SQLite in WAL mode (readers never block the writer), synced on every commit."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    if parsed.database:
        _private_file(Path(parsed.database))
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def _private_file(database: Path) -> None:
    """Every event is in there: 0600, like the rest of the data dir. SQLite gives its -wal and
    -shm files the database file's mode, so creating that one private is enough; files left by
    an earlier version are tightened."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    for path in (database, *(database.with_name(database.name + end) for end in WAL_FILES)):
        if path.exists() and (mode := stat.S_IMODE(path.stat().st_mode)) & 0o077:
            path.chmod(mode & ~0o077)


class ArchiveStore:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert(table).on_conflict_do_nothing(index_elements=["event_id"])

    @classmethod
    def open(cls, url: str) -> ArchiveStore:
        return cls(create_engine(url))

    async def close(self) -> None:
        await self.engine.dispose()

    async def append(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert the rows in one transaction; an event id already archived is skipped."""
        async with self.engine.begin() as connection:
            await connection.execute(self._insert, list(rows))

    async def writable(self) -> bool:
        """Whether the store takes a write now: one that changes nothing, but locks like any."""
        try:
            async with self.engine.begin() as connection:
                await connection.execute(delete(table).where(table.c.position < 0))
        except Exception:
            return False
        return True

    async def by_correlation(self, correlation_id: str) -> list[ArchivedEvent]:
        return await self._all(_in_story_order(table.c.correlation_id == correlation_id))

    async def timeline(self, order_id: str) -> list[ArchivedEvent]:
        """The order's story: its own events, and its ticket's events they caused (the release
        after a cancellation carries no order id, only the cancellation's correlation id)."""
        own = await self._all(_in_story_order(table.c.order_id == order_id))
        if not own:
            return []
        tickets = {e.envelope.payload["ticket"]["id"] for e in own if e.subject == "order.created"}
        caused = await self._all(
            select(table).where(
                table.c.subject == "ticket.updated",
                table.c.order_id.is_(None),
                table.c.aggregate_id.in_(tickets),
                table.c.correlation_id.in_({e.envelope.correlation_id for e in own}),
                table.c.occurred_at >= own[0].envelope.occurred_at,
            )
        )
        return sorted(own + caused, key=lambda e: (e.envelope.occurred_at, e.position))

    async def ticket_owner(self, ticket_id: str) -> str | None:
        """The seller a ticket's own events name (a ticket never changes hands)."""
        query = (
            select(table.c.payload)
            .where(
                table.c.aggregate_id == ticket_id,
                table.c.subject.in_(("ticket.created", "ticket.updated")),
            )
            .order_by(table.c.occurred_at)
            .limit(1)
        )
        async with self.engine.connect() as connection:
            payload = await connection.scalar(query)
        return str(payload["user_id"]) if payload else None

    async def after(
        self,
        position: int,
        *,
        subjects: Collection[str] | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[ArchivedEvent]:
        """The next events in archive order: a page for `tail` and `replay`."""
        query = select(table).where(table.c.position > position)
        if subjects is not None:
            query = query.where(table.c.subject.in_(subjects))
        if since is not None:
            query = query.where(table.c.occurred_at >= since)
        return await self._all(query.order_by(table.c.position).limit(limit))

    async def last_position(self) -> int:
        async with self.engine.connect() as connection:
            return (await connection.scalar(select(func.max(table.c.position)))) or 0

    async def count(self) -> int:
        async with self.engine.connect() as connection:
            return (await connection.scalar(select(func.count()).select_from(table))) or 0

    async def prune(self, before: datetime) -> int:
        """Forget events that occurred before `before`; returns how many."""
        async with self.engine.begin() as connection:
            result = await connection.execute(delete(table).where(table.c.occurred_at < before))
        return result.rowcount

    async def _all(self, query: Select[Any]) -> list[ArchivedEvent]:
        async with self.engine.connect() as connection:
            return [event_of(row) for row in await connection.execute(query)]


def _in_story_order(condition: Any) -> Select[Any]:
    return select(table).where(condition).order_by(table.c.occurred_at, table.c.position)

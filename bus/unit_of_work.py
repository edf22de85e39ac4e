"""One Mongo transaction in a module's database: its state changes plus its outgoing events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope
from bus.events import Event
from bus.outbox import OUTBOX, outbox_entry

T = TypeVar("T")

INBOX = "inbox"


class UnitOfWork:
    """Handed to a use case or listener: what it writes with `session` commits with its events."""

    def __init__(self, session: AsyncClientSession, database: AsyncDatabase, producer: str):
        self.session = session
        self._database = database
        self._producer = producer
        self._pending: list[Envelope] = []

    def publish(self, event: Event) -> None:
        """Queue an event: written to the outbox in this transaction, published after commit."""
        self._pending.append(Envelope.wrap(event, self._producer))

    async def already_processed(self, event_id: str) -> bool:
        """Record `event_id` in the inbox; True if an earlier transaction already did."""
        inbox = self._database[INBOX]
        if await inbox.find_one({"_id": event_id}, session=self.session):
            return True
        await inbox.insert_one(
            {"_id": event_id, "processed_at": datetime.now(UTC)}, session=self.session
        )
        return False

    async def _flush(self) -> list[Envelope]:
        if self._pending:
            await self._database[OUTBOX].insert_many(
                [outbox_entry(envelope) for envelope in self._pending], session=self.session
            )
        return self._pending


class Transactions:
    """Runs units of work for one module, retrying transient transaction conflicts."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: AsyncDatabase,
        producer: str,
        on_commit: Callable[[Sequence[Envelope]], None] = lambda envelopes: None,
    ):
        self.database = database
        self.producer = producer
        self._client = client
        self._on_commit = on_commit

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in a transaction; pymongo retries it whole on a transient write conflict."""

        async def attempt(session: AsyncClientSession) -> tuple[T, list[Envelope]]:
            unit = UnitOfWork(session, self.database, self.producer)
            result = await work(unit)
            return result, await unit._flush()

        async with self._client.start_session() as session:
            result, published = await session.with_transaction(attempt)
        if published:
            self._on_commit(published)
        return result

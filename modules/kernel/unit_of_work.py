"""One Mongo transaction in a module's database: its writes plus the events they announce.

A use case reads and writes through the unit it is given, never with a session
of its own, so nothing it writes can miss the transaction that carries its events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import pymongo
from beanie import Document, PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ExecutionTimeout

from bus import Envelope, Event
from bus.outbox import OUTBOX, outbox_entry
from modules.kernel.errors import Conflict
from modules.kernel.versioned import Versioned

T = TypeVar("T")
D = TypeVar("D", bound=Document)
V = TypeVar("V", bound=Versioned)

_encoder = Encoder(to_db=True)


class UnitOfWork:
    def __init__(self, session: AsyncClientSession, database: AsyncDatabase[Any], producer: str):
        self._session = session
        self._database = database
        self._producer = producer
        self._pending: list[Envelope] = []

    @property
    def session(self) -> AsyncClientSession:
        """For the kernel's own collections (the inbox); modules use the methods below."""
        return self._session

    async def get(self, kind: type[D], document_id: PydanticObjectId) -> D | None:
        return await kind.get(document_id, session=self._session)

    async def find_one(self, kind: type[D], *criteria: Mapping[str, Any] | bool) -> D | None:
        return await kind.find_one(*criteria, session=self._session)

    async def insert(self, document: D) -> D:
        await document.insert(session=self._session)
        return document

    async def insert_if_absent(self, document: D) -> bool:
        """Insert unless a document with its id exists; False if one did. One round trip
        (an upsert that sets only on insert), where reading first would take two."""
        fields = _encoder.encode(document)
        document_id = fields.pop("_id")
        result = await document.get_pymongo_collection().update_one(
            {"_id": document_id}, {"$setOnInsert": fields}, upsert=True, session=self._session
        )
        return result.upserted_id is not None

    async def save_if_unchanged(self, document: V, *, new_version: bool = True) -> None:
        """Write the document only if the stored one is still the version read; else Conflict.

        The write is the next version, unless `new_version=False`: bookkeeping that
        readers of the version need not hear about (it still fails on a concurrent change).
        """
        read_version = document.version
        document.version = read_version + 1 if new_version else read_version
        result = await document.get_pymongo_collection().replace_one(
            {"_id": document.id, "version": _stored(read_version)},
            _encoder.encode(document),
            session=self._session,
        )
        if result.matched_count == 0:
            document.version = read_version
            raise Conflict()

    def publish(self, event: Event) -> None:
        """Queue an event: written to the outbox in this transaction, published after commit."""
        self._pending.append(Envelope.wrap(event, self._producer))

    async def _commit_events(self) -> list[Envelope]:
        if self._pending:
            entries = [outbox_entry(envelope) for envelope in self._pending]
            await self._database[OUTBOX].insert_many(entries, session=self._session)
        return self._pending


# A whole transaction, retries included: without it a dead server is retried for 120 s.
TRANSACTION_DEADLINE = 5.0
# Transactions of one module at once in a process; the rest wait their turn (at most
# SLOT_WAIT seconds, then 503) before their deadline starts. A burst of a thousand buyers
# otherwise runs a thousand transactions at once: they conflict, queue in the server, and
# time out together instead of finishing one after another.
CONCURRENT_TRANSACTIONS = 16
SLOT_WAIT = 30.0


class Transactions:
    """Runs units of work for one module and tells the relay what each commit announced."""

    def __init__(
        self,
        client: AsyncMongoClient[Any],
        database: AsyncDatabase[Any],
        producer: str,
        on_commit: Callable[[Sequence[Envelope]], None] = lambda _: None,
    ):
        self.database = database
        self.producer = producer
        self._client = client
        self._on_commit = on_commit
        self._slots = asyncio.Semaphore(CONCURRENT_TRANSACTIONS)
        self._after_commit: list[Callable[[Sequence[Envelope]], Awaitable[None]]] = []

    def after_commit(self, hook: Callable[[Sequence[Envelope]], Awaitable[None]]) -> None:
        """`hook` runs after each commit that announced events, before the use case returns."""
        self._after_commit.append(hook)

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in a transaction; pymongo runs it again whole on a transient conflict."""

        async def attempt(session: AsyncClientSession) -> tuple[T, list[Envelope]]:
            unit = UnitOfWork(session, self.database, self.producer)
            result = await work(unit)
            return result, await unit._commit_events()

        try:
            async with asyncio.timeout(SLOT_WAIT):
                await self._slots.acquire()
        except TimeoutError:
            raise ExecutionTimeout(f"no transaction slot within {SLOT_WAIT:g} s") from None
        try:
            async with self._client.start_session() as session:
                with pymongo.timeout(TRANSACTION_DEADLINE):
                    result, committed = await session.with_transaction(attempt)
        finally:
            self._slots.release()
        if committed:
            # Hooks first: the relay then gets the envelopes at the same point of the request
            # as without hooks, after which nothing awaits before the answer goes out.
            for hook in self._after_commit:
                await hook(committed)
            self._on_commit(committed)
        return result


def _stored(version: int) -> object:
    """How the version read is stored; version 0 may be absent (written before it existed)."""
    return {"$in": [0, None]} if version == 0 else version

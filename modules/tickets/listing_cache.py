"""GET /api/tickets served from memory while a version kept in Redis says nothing changed."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bus import Envelope
from modules.kernel import DEFAULT_PAGE, PageRequest, next_page_link
from modules.tickets.schemas import TicketListed
from modules.tickets.use_cases import available_tickets

log = logging.getLogger(__name__)
FIRST_PAGE = PageRequest(DEFAULT_PAGE, None)
T = TypeVar("T")


@dataclass(frozen=True)
class Listing:
    """A page of the listing, encoded once: the body, its ETag and its `Link` header."""

    body: bytes
    etag: str
    headers: dict[str, str]


@dataclass(frozen=True)
class _Kept(Generic[T]):
    version: bytes | str
    value: T
    read_at: float


class Memo(Generic[T]):
    """One rendering of the first page (the API's body, the home page's list), kept per
    process under the listing's version. `building` lets requests that find it stale at the
    same moment wait for one rebuild instead of each reading Mongo."""

    def __init__(self) -> None:
        self.kept: _Kept[T] | None = None
        self.building: asyncio.Future[_Kept[T]] | None = None


class ListingCache:
    """The first page, cached per process and checked against a version counter in Redis.

    Every commit of tickets that announced an event (anything a listing shows changes
    only so) bumps the counter before the use case returns; a reader takes the counter
    *before* reading Mongo and keeps the page under it. So a page is never kept under a
    version that misses a change, and whoever changed a ticket sees it in the next
    listing from any replica. If a process dies between its commit and the bump, the
    others serve the old page for at most `max_age` seconds. Costs a Redis GET instead
    of a Mongo query that reads a hundred documents (docs/adr/0801).
    """

    def __init__(self, connect: Callable[[], Redis], key: str, max_age: float = 1.0):
        self._connect = connect
        self._redis: Redis | None = None
        self._key = key
        self._max_age = max_age
        self._first_page: Memo[Listing] = Memo()

    async def start(self) -> None:
        self._redis = self._connect()

    async def stop(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def changed(self, _: Sequence[Envelope]) -> None:
        """After a commit of tickets: a failure here only delays the change by `max_age`."""
        try:
            await self._client().incr(self._key)
        except Exception as error:
            log.warning(
                "listing: could not bump the version (%r); caches expire in %ss",
                error,
                self._max_age,
            )

    async def page(self, page: PageRequest, path: str) -> Listing:
        if page != FIRST_PAGE:
            return await read_listing(page, path)
        return await self.kept(self._first_page, lambda: read_listing(page, path))

    async def kept(self, memo: Memo[T], build: Callable[[], Awaitable[T]]) -> T:
        """`memo`'s value while the version is unchanged and younger than `max_age`, else
        built again (from Mongo) and kept under the version read before building."""
        try:
            version = await self._client().get(self._key) or b"0"
        except RedisError:
            log.warning("listing: version unreadable; reading the listing from Mongo")
            return await build()  # the listing never needed Redis before
        kept = memo.kept
        if kept is not None and kept.version == version and not self._too_old(kept):
            return kept.value
        if memo.building is None:
            memo.building = asyncio.ensure_future(self._build(version, build))
            memo.building.add_done_callback(lambda _: setattr(memo, "building", None))
        built = await asyncio.shield(memo.building)
        if built.version != version:  # built under an older version than this reader saw
            return await build()
        memo.kept = built
        return built.value

    def _too_old(self, kept: _Kept[T]) -> bool:
        return time.monotonic() - kept.read_at >= self._max_age

    @staticmethod
    async def _build(version: bytes | str, build: Callable[[], Awaitable[T]]) -> _Kept[T]:
        read_at = time.monotonic()
        return _Kept(version, await build(), read_at)

    def _client(self) -> Redis:
        if self._redis is None:
            raise RuntimeError("the listing cache is not started")
        return self._redis


async def read_listing(page: PageRequest, path: str) -> Listing:
    documents = await available_tickets(page)
    body = msgspec.json.encode([TicketListed.of_document(document) for document in documents])
    links = next_page_link(path, page, [document["_id"] for document in documents])
    return Listing(body, _etag(body), links)


def _etag(body: bytes) -> str:
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'

"""Archive throughput next to the bus's, in one run: `python -m tests.benchmarks.archive`.

On the embedded Redis, one consumer group at a time, each on fresh streams:
- live: one producer publishes while the group consumes, timed from the first
  publish to the last event handled (for the no-op group, `tests.benchmarks.bus`'s
  own `through_bus`);
- backlog: the events are published first, then the group drains them: what the
  consumer side takes when the producer is not the limit;
for a no-op handler (8 deliveries in flight, the bus's default), and for the
archive's group (64 in flight, as `ticketing archive run` has it) storing into
SQLite and, when TICKETING_TEST_POSTGRES_URL is set, PostgreSQL (a fresh
database each time).
Then the archive as split mode deploys it: `ticketing archive run` in its own process
(SQLite), consuming while this process publishes live; and the archive's writer alone,
fed by concurrent handlers without a bus.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx

from app.embedded import EmbeddedServers
from app.embedded.process import free_port
from bus import Bus, Envelope
from bus.archive import CONCURRENCY, Archive, ArchiveSettings, ArchiveStore
from bus.redis_streams import RedisStreamsBus
from tests.archive.stores import POSTGRES_ENV, postgres_database
from tests.benchmarks.bus import EVENTS, _envelope, raw_loop, through_bus

WRITER_EVENTS = 20_000
Store = Callable[[], AbstractAsyncContextManager[str]]


class Counting:
    """The no-op handler of the bus benchmark, counting."""

    def __init__(self) -> None:
        self.handled = 0

    async def handle(self, _: Envelope) -> None:
        self.handled += 1


async def timed(redis_url: str, archive: Archive | None, *, backlog: bool) -> float:
    """Events/s on fresh streams: published live or beforehand, until every one is handled."""
    bus = RedisStreamsBus(
        redis_url,
        namespace=f"bench-{uuid.uuid4().hex[:8]}",
        instance="b1",
        concurrency=CONCURRENCY if archive else 8,  # as `ticketing archive run` / the default
    )
    counting = Counting()
    if archive:
        archive.subscribe(bus)
        await archive.start()
    else:
        bus.subscribe("bench", "ticket.created", counting.handle)
    envelopes = [_envelope(n) for n in range(EVENTS)]
    if backlog:
        await _publish(bus, envelopes)
        started = time.perf_counter()
        await bus.start()
    else:  # as `through_bus` does
        await bus.start()
        started = time.perf_counter()
        await _publish(bus, envelopes)
    while (await archive.store.count() if archive else counting.handled) < EVENTS:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await bus.stop()
    if archive:
        await archive.stop()
    return EVENTS / elapsed


async def _publish(bus: Bus, envelopes: list[Envelope]) -> None:
    for envelope in envelopes:
        await bus.publish(envelope)


async def writer_alone(archive: Archive) -> float:
    """The store's ceiling through the archive: 1000 handlers at a time, no bus."""
    await archive.start()
    envelopes = [_envelope(n) for n in range(WRITER_EVENTS)]
    started = time.perf_counter()
    for first in range(0, WRITER_EVENTS, 1000):
        await asyncio.gather(*(archive.handle(e) for e in envelopes[first : first + 1000]))
    elapsed = time.perf_counter() - started
    await archive.stop()
    return WRITER_EVENTS / elapsed


async def in_its_own_process(redis_url: str, mongo_url: str, data_dir: Path) -> float:
    """Events/s published live by this process and archived by `ticketing archive run`; it
    keeps up if it archives the last event soon after the producer published it."""
    namespace, health = f"bench_{uuid.uuid4().hex[:8]}", free_port()
    url = f"sqlite+aiosqlite:///{data_dir / namespace}.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("TICKETING_")}
    env.update(
        TICKETING_BUS="redis",
        TICKETING_REDIS_URL=redis_url,
        TICKETING_MONGO_URL=mongo_url,
        TICKETING_DB_PREFIX=namespace,
        TICKETING_ARCHIVE_URL=url,
        TICKETING_DATA_DIR=str(data_dir / namespace),
        TICKETING_JWT_KEY=secrets.token_urlsafe(48),
        TICKETING_HEALTH_PORT=str(health),
        TICKETING_LOG_LEVEL="WARNING",
    )
    ticketing = Path(sys.executable).parent / "ticketing"
    process = await asyncio.create_subprocess_exec(str(ticketing), "archive", "run", env=env)
    store = ArchiveStore.open(url)
    producer = RedisStreamsBus(redis_url, namespace=namespace, instance="producer")
    try:
        await _until_ready(process, f"http://127.0.0.1:{health}/readyz")
        envelopes = [_envelope(n) for n in range(EVENTS)]
        started = time.perf_counter()
        await _publish(producer, envelopes)
        published = time.perf_counter()
        while await store.count() < EVENTS:
            await asyncio.sleep(0.01)
        archived = time.perf_counter()
        print(
            f"{'  published by this process:':<34} live {EVENTS / (published - started):7.0f}"
            f" events/s; the last archived {(archived - published) * 1000:.0f} ms after"
        )
        return EVENTS / (archived - started)
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        await producer.stop()
        await store.close()


async def _until_ready(process: asyncio.subprocess.Process, url: str) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        while process.returncode is None and time.monotonic() < deadline:
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"`ticketing archive run` not ready (exit status {process.returncode})")


def sqlite_files(data_dir: Path) -> Store:
    @asynccontextmanager
    async def fresh() -> AsyncIterator[str]:
        yield f"sqlite+aiosqlite:///{data_dir / uuid.uuid4().hex}.sqlite3"

    return fresh


def postgres_databases(server_url: str) -> Store:
    @asynccontextmanager
    async def fresh() -> AsyncIterator[str]:
        async with postgres_database(server_url) as url:
            yield ArchiveSettings(url=url).database_url(Path("."))

    return fresh


async def with_archive(store: Store, measure: Callable[[Archive], Awaitable[float]]) -> float:
    """`measure` on an archive over a fresh store."""
    async with store() as url:
        return await measure(Archive(ArchiveStore.open(url)))


def line(label: str, live: float, backlog: float | None = None) -> None:
    drained = "" if backlog is None else f"   backlog {backlog:7.0f} events/s"
    print(f"{label + ':':<34} live {live:7.0f} events/s{drained}")


async def run(redis_url: str, mongo_url: str, data_dir: Path) -> None:
    stores = {"SQLite": sqlite_files(data_dir)}
    if postgres := os.environ.get(POSTGRES_ENV):
        stores["PostgreSQL"] = postgres_databases(postgres)
    print(f"{EVENTS} events, one producer, one consumer group, Redis Streams bus (embedded Redis)")
    line("raw redis-py loop (bus benchmark)", await raw_loop(redis_url))
    bus = RedisStreamsBus(redis_url, namespace=f"bench-{uuid.uuid4().hex[:8]}", instance="b1")
    live = await through_bus(bus)
    line("no-op group (bus benchmark)", live, await timed(redis_url, None, backlog=True))
    for name, store in stores.items():
        line(
            f"archive ({name})",
            await with_archive(store, lambda a: timed(redis_url, a, backlog=False)),
            await with_archive(store, lambda a: timed(redis_url, a, backlog=True)),
        )
    line(
        "archive in its own process (SQLite)",
        await in_its_own_process(redis_url, mongo_url, data_dir),
    )
    for name, store in stores.items():
        rate = await with_archive(store, writer_alone)
        print(f"{f'archive writer alone ({name}):':<34} {rate:12.0f} events/s, no bus")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-") as data_dir:
        servers = EmbeddedServers(Path(data_dir))
        servers.start(need_mongo=True, need_redis=True)
        try:
            asyncio.run(run(servers.redis_url or "", servers.mongo_url or "", Path(data_dir)))
        finally:
            servers.stop()


if __name__ == "__main__":
    main()

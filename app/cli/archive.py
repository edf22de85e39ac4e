"""`ticketing archive`: run the archive as its own process, upgrade its schema, prune it."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.buses import build_bus
from app.environment import attached_environment
from app.observability import configure_logging
from app.settings import Settings, load_settings
from bus.archive import (
    CONCURRENCY,
    Archive,
    ArchiveStore,
    current_revision,
    head,
    load_archive_settings,
)
from bus.archive import upgrade as upgrade_schema


def register(commands: Any) -> None:
    archive = commands.add_parser("archive", help="the event archive: run, upgrade, prune")
    actions = archive.add_subparsers(required=True, metavar="ACTION")
    run = actions.add_parser("run", help="archive every event (its own process, Redis bus)")
    run.set_defaults(run=lambda _: _run())
    upgrade = actions.add_parser("upgrade", help="migrate the archive's schema to the newest")
    upgrade.set_defaults(run=lambda _: with_store(_upgrade, schema_ready=False))
    prune = actions.add_parser("prune", help="forget events that occurred before a date")
    prune.add_argument("--before", required=True, type=moment, help="e.g. 2025-01-31")
    prune.set_defaults(run=lambda args: with_store(lambda store: _prune(store, args.before)))


def moment(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date or time: {text!r} (e.g. 2025-01-31 or 2025-01-31T12:00)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def with_store(
    action: Callable[[ArchiveStore], Awaitable[int]], *, schema_ready: bool = True
) -> int:
    """Run `action` on the configured archive store; a store not yet migrated is an error."""

    async def run() -> int:
        async with archive_store(load_settings(), schema_ready=schema_ready) as store:
            return await action(store)

    try:
        return asyncio.run(run())
    except SQLAlchemyError as error:
        print(f"ticketing: the archive's store failed: {error}", file=sys.stderr)
        return 1


@asynccontextmanager
async def archive_store(settings: Settings, *, schema_ready: bool) -> AsyncIterator[ArchiveStore]:
    url = load_archive_settings().database_url(settings.data_dir)
    store = ArchiveStore.open(url)
    try:
        if schema_ready and await current_revision(store.engine) != head():
            where = make_url(url).render_as_string(hide_password=True)
            raise ValueError(
                f"the archive at {where} is not at the newest schema: "
                "run `ticketing archive upgrade` (the archive also upgrades it when it starts)"
            )
        yield store
    finally:
        await store.close()


async def _upgrade(store: ArchiveStore) -> int:
    print(f"archive schema at revision {await upgrade_schema(store.engine)}")
    return 0


async def _prune(store: ArchiveStore, before: datetime) -> int:
    pruned = await store.prune(before)
    print(f"pruned {pruned} event(s) that occurred before {before.isoformat()}")
    return 0


def _run() -> int:
    settings = load_settings()
    archive_settings = load_archive_settings()
    if settings.bus != "redis":
        raise ValueError(
            "`ticketing archive run` is the archive's own process on the Redis bus "
            "(TICKETING_BUS=redis); with the in-process bus `ticketing serve` runs the archive"
        )
    configure_logging(settings)
    with attached_environment(settings) as endpoints:
        archive = Archive.from_settings(archive_settings, settings.data_dir)
        asyncio.run(_archive(settings, archive, endpoints.mongo_url, endpoints.redis_url))
    return 0


async def _archive(settings: Settings, archive: Archive, mongo_url: str, redis_url: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    mongo: AsyncMongoClient[Any] = AsyncMongoClient(mongo_url)  # unused by the Redis bus
    bus = build_bus(settings, mongo, redis_url, concurrency=CONCURRENCY)
    archive.subscribe(bus)
    await archive.start()
    await bus.start()
    print("ticketing: archive running", flush=True)
    try:
        await stop.wait()
    finally:
        await bus.stop()
        await archive.stop()
        await mongo.close()

"""`ticketing archive`: run the archive as its own process, upgrade its schema, prune it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.cli.lifecycle import Lifecycle, stop_on_sigterm_like_sigint
from app.cli.serve import address_settings
from app.environment import attached_environment
from app.factory import create_app
from app.observability import configure_logging, tracing
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
    run = actions.add_parser(
        "run", help="archive every event and serve the timeline pages (its own process, Redis bus)"
    )
    run.add_argument("--host", help="bind address (TICKETING_HOST, default 127.0.0.1)")
    run.set_defaults(run=_run)
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


def _announce(message: str) -> None:
    """Once started: the schema migrated, the group subscribed, the bus consuming."""
    print(f"ticketing: {message}", flush=True)


async def _upgrade(store: ArchiveStore) -> int:
    print(f"archive schema at revision {await upgrade_schema(store.engine)}")
    return 0


async def _prune(store: ArchiveStore, before: datetime) -> int:
    pruned = await store.prune(before)
    print(f"pruned {pruned} event(s) that occurred before {before.isoformat()}")
    return 0


def _run(args: argparse.Namespace) -> int:
    """The archive's consumer group, and over HTTP its timeline pages, /healthz and /readyz:
    the app with no module and the archive, as `ticketing serve` is the app with modules. Like
    the worker, a process without API, it listens on the health port (TICKETING_HEALTH_PORT)."""
    settings = load_settings(**address_settings(args))
    archive_settings = load_archive_settings()
    if settings.bus != "redis":
        raise ValueError(
            "`ticketing archive run` is the archive's own process on the Redis bus "
            "(TICKETING_BUS=redis); with the in-process bus `ticketing serve` runs the archive"
        )
    configure_logging(settings)
    stop_on_sigterm_like_sigint()
    with tracing(settings, "ticketing-archive"), attached_environment(settings) as endpoints:
        archive = Archive.from_settings(archive_settings, settings.data_dir)
        app = create_app(
            settings,
            [],
            mongo_url=endpoints.mongo_url,
            redis_url=endpoints.redis_url,
            jwt_key=endpoints.jwt_key,
            module_settings={},
            readiness={"archive": archive.ready},
            archive=archive,
            bus_concurrency=CONCURRENCY,
        )
        address = f"http://{settings.host}:{settings.health_port}"
        app.on_startup.append(lambda: _announce(f"archive running, timeline pages on {address}"))
        return Lifecycle(settings.shutdown_grace, endpoints.servers).serve(
            app, host=settings.host, port=settings.health_port, log_level=settings.log_level
        )

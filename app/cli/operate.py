"""Operator commands: dead letters (list, replay) and per-group bus status."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from app.buses import build_bus
from app.cli.tables import table
from app.environment import attached_environment
from app.settings import load_settings
from bus import Bus


def register(commands: Any) -> None:
    dead = commands.add_parser("deadletter", help="list or replay dead-lettered events")
    actions = dead.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list dead letters")
    listing.add_argument("--group", help="only this consumer group (module)")
    listing.set_defaults(run=lambda args: _with_bus(lambda bus: _list(bus, args.group)))
    replay = actions.add_parser("replay", help="deliver dead letters again")
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?", help="the dead letter's id (from `list`)")
    target.add_argument("--all", action="store_true", help="replay every dead letter")
    replay.set_defaults(run=lambda args: _with_bus(lambda bus: _replay(bus, args.id, args.all)))

    bus = commands.add_parser("bus", help="inspect the event bus")
    bus_actions = bus.add_subparsers(required=True, metavar="ACTION")
    status = bus_actions.add_parser("status", help="per subject and group: backlog, pending")
    status.set_defaults(run=lambda _: _with_bus(_status))


def _with_bus(action: Callable[[Bus], Awaitable[int]]) -> int:
    settings = load_settings()
    with attached_environment(settings) as endpoints:

        async def run() -> int:
            mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
                endpoints.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000
            )
            bus = build_bus(settings, mongo, endpoints.redis_url)
            try:
                return await action(bus)
            except (PyMongoError, RedisError) as error:
                print(f"ticketing: cannot reach the bus's servers: {error}", file=sys.stderr)
                return 1
            finally:
                await bus.stop(grace=0)
                await mongo.close()

        return asyncio.run(run())


async def _list(bus: Bus, group: str | None) -> int:
    letters = await bus.dead_letters(group)
    rows = [
        (
            letter.id,
            letter.group,
            letter.envelope.subject,
            letter.envelope.event_id,
            letter.attempts,
            letter.dead_at.strftime("%Y-%m-%d %H:%M:%S"),
            letter.error[:60],
        )
        for letter in letters
    ]
    headers = ("id", "group", "subject", "event", "attempts", "dead at (UTC)", "error")
    print(table(headers, rows) if rows else "no dead letters")
    return 0


async def _replay(bus: Bus, dead_letter_id: str | None, everything: bool) -> int:
    ids = [letter.id for letter in await bus.dead_letters()] if everything else [dead_letter_id]
    missing = [i for i in ids if i and not await bus.replay(i)]
    print(f"replayed {len(ids) - len(missing)} dead letter(s)")
    if missing:
        print(f"not found: {', '.join(str(i) for i in missing)}")
        return 1
    return 0


async def _status(bus: Bus) -> int:
    rows = [
        (
            row.subject,
            row.group,
            row.length,
            row.pending,
            "?" if row.lag is None else row.lag,
            "-" if row.oldest_pending_age is None else f"{row.oldest_pending_age:.1f}s",
            row.dead_letters,
        )
        for row in await bus.status()
    ]
    headers = ("subject", "group", "length", "pending", "lag", "oldest pending", "dead")
    print(table(headers, rows) if rows else "nothing in flight, no dead letters")
    return 0

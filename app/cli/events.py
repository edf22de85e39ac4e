"""`ticketing events`: follow the archived flow, show an order's story, replay to one group."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable, Collection, Sequence
from typing import Any

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from app.cli.archive import archive_store, moment, with_store
from app.cli.tables import table
from app.environment import Endpoints, attached_environment
from app.registry import AVAILABLE, select_modules
from app.runtime import Runtime
from app.settings import Settings, load_module_settings, load_settings
from bus import Event
from bus.archive import ArchivedEvent, ArchiveStore, replay
from bus.events import EVENT_TYPES

FOLLOW_INTERVAL = 0.5


def register(commands: Any) -> None:
    events = commands.add_parser("events", help="archived events: tail, show, replay")
    actions = events.add_subparsers(required=True, metavar="ACTION")
    tail = actions.add_parser("tail", help="follow events live as they are archived")
    tail.add_argument("--subject", choices=sorted(EVENT_TYPES), help="only this subject")
    tail.set_defaults(run=lambda args: _tail(args.subject))
    show = actions.add_parser("show", help="an order's story, or one correlation id's events")
    which = show.add_mutually_exclusive_group(required=True)
    which.add_argument("--order", help="an order id: its timeline")
    which.add_argument("--correlation", help="a correlation id: every event it led to")
    show.set_defaults(run=lambda args: with_store(lambda store: _show(store, args)))
    replay = actions.add_parser("replay", help="deliver archived events again to one group")
    replay.add_argument("--group", required=True, choices=sorted(AVAILABLE), help="consumer group")
    replay.add_argument("--subject", choices=sorted(EVENT_TYPES), help="only this subject")
    replay.add_argument("--since", type=moment, help="only events that occurred since then")
    replay.set_defaults(run=_replay)


def _tail(subject: str | None) -> int:
    print("following archived events (Ctrl-C to stop)", file=sys.stderr, flush=True)
    emit = functools.partial(print, flush=True)
    try:
        return with_store(lambda store: follow(store, [subject] if subject else None, emit))
    except KeyboardInterrupt:
        return 0


async def follow(
    store: ArchiveStore,
    subjects: Collection[str] | None,
    emit: Callable[[str], None],
    interval: float = FOLLOW_INTERVAL,
) -> int:
    """Print each event archived from now on, in archive order, until cancelled."""
    position = await store.last_position()
    while True:
        page = await store.after(position, subjects=subjects)
        for event in page:
            emit(line_of(event))
        if page:
            position = page[-1].position
        else:
            await asyncio.sleep(interval)


def line_of(event: ArchivedEvent) -> str:
    envelope = event.envelope
    return (
        f"{envelope.occurred_at:%Y-%m-%d %H:%M:%S.%f}"[:-3]
        + f"  {envelope.subject:<19}  {envelope.producer:<10}  {_aggregate(event):<28}"
        + f"  {summary(event)}  correlation={envelope.correlation_id}"
    )


async def _show(store: ArchiveStore, args: Any) -> int:
    if args.order:
        found, what = await store.timeline(args.order), f"order {args.order}"
    else:
        found, what = await store.by_correlation(args.correlation), "that correlation id"
    if not found:
        print(f"no archived events for {what}")
        return 1
    print(table(SHOW_HEADERS, show_rows(found)))
    return 0


SHOW_HEADERS = ("time (UTC)", "after", "subject", "module", "aggregate", "what", "correlation")


def show_rows(events: Sequence[ArchivedEvent]) -> list[tuple[str, ...]]:
    start = events[0].envelope.occurred_at
    return [
        (
            f"{e.envelope.occurred_at:%Y-%m-%d %H:%M:%S.%f}"[:-3],
            f"+{(e.envelope.occurred_at - start).total_seconds():.3f}s",
            e.subject,
            e.envelope.producer,
            _aggregate(e),
            summary(e),
            e.envelope.correlation_id,
        )
        for e in events
    ]


def summary(event: ArchivedEvent) -> str:
    """The payload in a few words: what the event says beyond its aggregate and version."""
    parts = []
    for key, value in event.envelope.payload.items():
        if key not in ("id", "version"):
            shown = value.get("id") if isinstance(value, dict) else value
            parts.append(f"{key}={shown}")
    text = " ".join(parts)
    return text if len(text) <= 60 else text[:59] + "…"


def _aggregate(event: ArchivedEvent) -> str:
    if event.aggregate_id is None:
        return "-"
    version = "" if event.aggregate_version is None else f" v{event.aggregate_version}"
    return f"{event.aggregate_id}{version}"


def _replay(args: Any) -> int:
    settings = load_settings()
    with attached_environment(settings) as endpoints:
        return asyncio.run(_replay_from_archive(settings, endpoints, args))


async def _replay_from_archive(settings: Settings, endpoints: Endpoints, args: Any) -> int:
    """The modules composed as a deployment composes them (connecting to nothing) tell which
    subjects the group handles; their bus carries the replay."""
    modules = select_modules(None)
    runtime = Runtime(
        settings,
        modules,
        load_module_settings(modules),
        mongo_url=endpoints.mongo_url,
        redis_url=endpoints.redis_url,
        consume=False,
    )
    try:
        subjects = _subjects(args, runtime.modules[args.group].wiring.listeners)
        async with archive_store(settings, schema_ready=True) as store:
            replayed = await replay(store, runtime.bus, args.group, subjects, args.since)
    except (SQLAlchemyError, PyMongoError, RedisError) as error:
        print(f"ticketing: replay failed: {error}", file=sys.stderr)
        return 1
    finally:
        await runtime.bus.stop(grace=0)
        await runtime.client.close()
    print(f"replayed {replayed} event(s) to {args.group}")
    return 0


def _subjects(args: Any, listeners: Collection[type[Event]]) -> list[str]:
    handled = sorted(event.subject for event in listeners)
    if not handled:
        raise ValueError(f"{args.group} handles no events")
    if args.subject and args.subject not in handled:
        listed = ", ".join(handled)
        raise ValueError(f"{args.group} does not handle {args.subject}; it handles {listed}")
    return [args.subject] if args.subject else handled

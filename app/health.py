"""`/healthz` and `/readyz` for probes and supervisors, on every process.

Liveness only says the event loop answers: restarting a process because its
database is down would not bring the database back. Readiness runs named
checks (plain async callables, so any runtime can supply them) and answers 503
naming each one that failed, so traffic goes elsewhere until it recovers.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from litestar import Response, Router, get
from pymongo.asynchronous.database import AsyncDatabase

from app.connections import redis_client
from app.embedded import EmbeddedServers
from modules.kernel import NO_STORE

Check = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT = 1.5

log = logging.getLogger("ticketing.health")


def health_router(checks: Mapping[str, Check]) -> Router:
    """The two probe routes; `checks` maps a name shown in the answer to its check."""

    @get("/healthz", include_in_schema=False, sync_to_thread=False)
    def healthz() -> Response[dict[str, str]]:
        return Response({"status": "alive"}, headers=NO_STORE)

    @get("/readyz", include_in_schema=False)
    async def readyz() -> Response[dict[str, Any]]:
        results = await asyncio.gather(*(_passes(name, check) for name, check in checks.items()))
        outcome = dict(zip(checks, results, strict=True))
        ready = all(results)
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {name: "ok" if ok else "failed" for name, ok in outcome.items()},
        }
        return Response(body, status_code=200 if ready else 503, headers=NO_STORE)

    return Router(path="/", route_handlers=[healthz, readyz])


async def _passes(name: str, check: Check) -> bool:
    try:
        if await asyncio.wait_for(check(), CHECK_TIMEOUT):
            return True
        log.warning("readiness: %s failed", name)
    except TimeoutError:
        log.warning("readiness: %s did not answer within %.1f s", name, CHECK_TIMEOUT)
    except Exception as error:
        log.warning("readiness: %s failed: %s: %s", name, type(error).__name__, error)
    return False


def mongo_answers(databases: Callable[[], Iterable[AsyncDatabase[Any]]]) -> Check:
    """Every Mongo server the modules use answers a ping (none yet: not ready)."""

    async def check() -> bool:
        clients = {id(database.client): database.client for database in databases()}
        await asyncio.gather(*(client.admin.command("ping") for client in clients.values()))
        return bool(clients)

    return check


def dependency_checks(
    databases: Callable[[], Iterable[AsyncDatabase[Any]]], redis_url: str
) -> dict[str, Check]:
    """What every process's readiness asks first: its Mongo servers and Redis answer."""
    return {"mongo": mongo_answers(databases), "redis": redis_answers(redis_url)}


def redis_answers(url: str) -> Check:
    """Redis answers PING, on a connection of its own so a busy pool cannot hide a dead server."""

    async def check() -> bool:
        async with redis_client(url) as client:
            return bool(await client.ping())

    return check


def embedded_readiness(servers: EmbeddedServers | None) -> dict[str, Check]:
    """Readiness of the servers this process started itself (none when URLs name them)."""
    if servers is None or (servers.mongo, servers.redis) == (None, None):
        return {}

    async def alive() -> bool:
        return servers.alive

    return {"embedded-servers": alive}


class BackgroundTasks:
    """The long-running tasks a start-up created (relays, consumers, scans), watched for death.

    Those loops name their tasks, and end only when asked to stop; a loop that
    raised or was cancelled is dead. Unnamed tasks, and named ones that simply
    returned (a delivery's handler), are short-lived work, not loops.
    """

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[Any]] = []

    async def started_by(self, start: Callable[[], Awaitable[None]]) -> None:
        before = asyncio.all_tasks()
        await start()
        self._tasks = [task for task in asyncio.all_tasks() - before if _named(task)]

    async def running(self) -> bool:
        dead = [task.get_name() for task in self._tasks if _died(task)]
        if dead:
            log.warning("readiness: background tasks ended: %s", ", ".join(sorted(dead)))
        return not dead


def _died(task: asyncio.Task[Any]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


def _named(task: asyncio.Task[Any]) -> bool:
    return re.fullmatch(r"Task-\d+", task.get_name()) is None

"""Drive the expiration module alone: publish order events, read its expiries, outbox, queues."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from redis.asyncio import Redis

from bus import Envelope
from modules.expiration.scheduler import QUEUE, ExpiryScheduler
from modules.expiration.use_cases import sweep_overdue
from tests.support.announced import announced
from tests.support.apps import AppClient, build_app, running
from tests.support.databases import database
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


@asynccontextmanager
async def expiration_app(
    servers: ServerUrls, prefix: str, **overrides: Any
) -> AsyncIterator[AppClient]:
    """The app with only the expiration module: nothing else reacts to its events."""
    async with running(build_app(servers, prefix, modules="expiration", **overrides)) as client:
        yield client


async def expiry(client: AppClient, order_id: str) -> dict[str, Any] | None:
    return await database(client, "expiration")["expiries"].find_one({"_id": ObjectId(order_id)})


async def expiry_state(client: AppClient, order_id: str) -> str | None:
    found = await expiry(client, order_id)
    return found["state"] if found else None


async def await_expiry_state(client: AppClient, order_id: str, state: str) -> dict[str, Any]:
    await eventually(lambda: expiry_state(client, order_id), until=lambda now: now == state)
    found = await expiry(client, order_id)
    assert found is not None
    return found


async def insert_expiry(client: AppClient, order_id: str, expires_at: datetime) -> None:
    """A scheduled expiry whose delayed message never made it (lost with a crashed worker)."""
    document = {"_id": ObjectId(order_id), "expires_at": expires_at, "state": "scheduled"}
    await database(client, "expiration")["expiries"].insert_one(document)


async def completions(client: AppClient, order_id: str) -> list[dict[str, Any]]:
    """The `expiration.complete` events for one order, published or not, as outbox entries."""
    envelopes = await announced(client, "expiration", "expiration.complete", order_id=order_id)
    return [{"envelope": envelope} for envelope in envelopes]


async def await_published_completion(
    client: AppClient, order_id: str, timeout: float = 15
) -> list[dict[str, Any]]:
    return await eventually(
        lambda: completions(client, order_id),
        until=lambda entries: any(
            entry["envelope"]["event_id"] in client.events.published for entry in entries
        ),
        timeout=timeout,
    )


async def processed(client: AppClient, envelope: Envelope) -> bool:
    """The module's inbox holds the event: its listener ran and committed."""
    inbox = database(client, "expiration")["inbox"]
    return await inbox.find_one({"_id": envelope.event_id}) is not None


class DramatiqQueues:
    """The expiration queues in Redis, as dramatiq's Redis broker lays them out."""

    def __init__(self, servers: ServerUrls, prefix: str):
        self._redis = Redis.from_url(servers.redis)
        self._namespace = f"{prefix}-dramatiq"

    async def backlog(self) -> int:
        """Messages enqueued and not yet acknowledged, delayed or due (acked = processed)."""
        delayed = await self._redis.hlen(f"{self._namespace}:{QUEUE}.DQ.msgs")
        due = await self._redis.hlen(f"{self._namespace}:{QUEUE}.msgs")
        return int(delayed) + int(due)

    async def dead_lettered(self) -> int:
        return int(await self._redis.zcard(f"{self._namespace}:{QUEUE}.XQ"))

    async def drained(self, timeout: float = 15) -> None:
        await eventually(self.backlog, until=lambda count: count == 0, timeout=timeout)

    async def forget(self) -> None:
        keys = [key async for key in self._redis.scan_iter(match=f"{self._namespace}:*")]
        if keys:
            await self._redis.delete(*keys)
        await self._redis.aclose()


async def until_past(moment: datetime, timeout: float = 15) -> None:
    """Await the wall clock passing `moment` (polling, not a fixed sleep)."""
    await eventually(lambda: datetime.now(UTC) > moment, timeout=timeout)


async def sweep(client: AppClient) -> int:
    """One sweep for lost expiries, on demand, as the module's periodic sweep runs it."""
    return await sweep_overdue(client.app.state.runtime.transactions("expiration"))


def scheduler_of(client: AppClient) -> ExpiryScheduler:
    """The expiry scheduler the expiration module's bootstrap built for this app."""
    services = client.app.state.runtime.modules["expiration"].wiring.services
    return next(service for service in services if isinstance(service, ExpiryScheduler))

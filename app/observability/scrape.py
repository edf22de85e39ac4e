"""`/metrics`: what the process counted, plus the gauges that need a query, read at scrape time.

Pending, lag and dead letters come from `Bus.status()`, the outbox backlog
from each module's outbox (holding only unpublished entries, found by index):
a few small queries per scrape, none on the request or event path. A scrape
whose queries do not answer in time serves the last values.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Response, Router, get
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from bus import Bus, metrics
from bus.outbox import OUTBOX

log = logging.getLogger("ticketing.metrics")
SAMPLE_TIMEOUT = 2.0
LOOP_LAG = Histogram(
    "ticketing_event_loop_lag_seconds",
    "How late the event loop ran a timer: time it spent busy on something else",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

Sample = Callable[[], Awaitable[None]]


def metrics_router(sample: Sample) -> Router:
    # A `_created` twin of every series would double the scrape for nothing.
    disable_created_metrics()  # type: ignore[no-untyped-call]

    @get("/metrics", include_in_schema=False)
    async def serve_metrics() -> Response[bytes]:
        try:
            await asyncio.wait_for(sample(), SAMPLE_TIMEOUT)
        except Exception as error:  # a database down: serve what is counted, and the old gauges
            log.warning("metrics: sampling failed: %s: %s", type(error).__name__, error)
        return Response(
            generate_latest(REGISTRY),
            media_type=CONTENT_TYPE_LATEST,
            headers={"cache-control": "no-store"},
        )

    return Router(path="/", route_handlers=[serve_metrics])


def sampler(bus: Bus, outboxes: Callable[[], dict[str, AsyncDatabase[Any]]]) -> Sample:
    """Reads the bus's groups and each module's outbox into their gauges."""

    async def sample() -> None:
        statuses, backlogs = await asyncio.gather(
            bus.status(),
            asyncio.gather(*(_outbox(db) for db in outboxes().values())),
        )
        metrics.record_statuses(statuses)
        for module, (backlog, oldest) in zip(outboxes(), backlogs, strict=True):
            metrics.record_outbox(module, backlog, oldest)

    return sample


async def _outbox(database: AsyncDatabase[Any]) -> tuple[int, datetime | None]:
    outbox = database[OUTBOX]
    backlog = await outbox.count_documents({})
    first = await outbox.find_one({}, sort=[("held_until", ASCENDING)]) if backlog else None
    return backlog, (datetime.fromisoformat(first["envelope"]["occurred_at"]) if first else None)


class LoopLag:
    """Measures how late the event loop wakes a timer: a blocked loop delays every request."""

    def __init__(self, interval: float = 0.5):
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})
            self._task = None

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self._interval)
            LOOP_LAG.observe(max(0.0, time.monotonic() - before - self._interval))

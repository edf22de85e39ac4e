"""Which bus this deployment uses: the one place that reads TICKETING_BUS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient

from app.settings import Settings
from bus import Bus, RetryPolicy
from bus.chaos import Chaos, ChaosBus
from bus.inprocess import InProcessBus
from bus.redis_streams import RedisStreamsBus

# Deliveries in flight per group and process: concurrent handler commits share disk syncs.
DEFAULT_CONCURRENCY = 16


def build_bus(
    settings: Settings,
    mongo: AsyncMongoClient[dict[str, Any]],
    redis_url: str,
    chaos: Chaos | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Bus:
    """The configured bus; with `chaos`, wrapped so handlers see duplicates and reordering.
    `concurrency`: deliveries in flight per group and process."""
    bus = _implementation(settings, mongo, redis_url, concurrency)
    return ChaosBus(bus, chaos) if chaos else bus


def _implementation(
    settings: Settings, mongo: AsyncMongoClient[dict[str, Any]], redis_url: str, concurrency: int
) -> Bus:
    retry = RetryPolicy(max_attempts=settings.bus_max_attempts)
    if settings.bus == "redis":
        return RedisStreamsBus(
            redis_url,
            namespace=settings.db_prefix,
            instance=settings.instance,
            retry=retry,
            ack_wait=settings.bus_ack_wait,
            concurrency=concurrency,
        )
    return InProcessBus(
        mongo[settings.database_name("bus")],
        retry=retry,
        ack_wait=timedelta(seconds=settings.bus_ack_wait),
        concurrency=concurrency,
    )

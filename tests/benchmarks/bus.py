"""Bus throughput: `python -m tests.benchmarks.bus`.

One producer, one consumer group with a no-op handler: events/s through the
Redis Streams bus and the in-process bus, against a raw redis-py
XADD / XREADGROUP / XACK loop on the same server.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import redis.asyncio as redis
from pymongo import AsyncMongoClient

from app.embedded import EmbeddedServers
from bus import Bus, Envelope, TicketCreated
from bus.inprocess import InProcessBus
from bus.redis_streams import RedisStreamsBus

EVENTS = 5_000


def _envelope(number: int) -> Envelope:
    event = TicketCreated(id=str(number), version=0, title="Bench", price=100, user_id="u")
    return Envelope.wrap(event, producer="bench")


async def raw_loop(url: str) -> float:
    """The floor: one producer task and one consumer task, concurrently, nothing else."""
    client = redis.Redis.from_url(url, decode_responses=True)
    reader = redis.Redis.from_url(url, decode_responses=True)
    stream = "raw:events"
    await client.delete(stream)
    await client.xgroup_create(stream, "bench", id="0", mkstream=True)
    payloads = [_envelope(n).model_dump_json() for n in range(EVENTS)]

    async def produce() -> None:
        for payload in payloads:
            await client.xadd(stream, {"envelope": payload})

    async def consume() -> None:
        handled = 0
        while handled < EVENTS:
            response = await reader.xreadgroup("bench", "c1", {stream: ">"}, count=100, block=1000)
            for _, entries in response:
                for entry_id, fields in entries:
                    Envelope.model_validate_json(fields["envelope"])
                    await client.xack(stream, "bench", entry_id)
                    handled += 1

    started = time.perf_counter()
    await asyncio.gather(produce(), consume())
    elapsed = time.perf_counter() - started
    await client.aclose()
    await reader.aclose()
    return EVENTS / elapsed


async def through_bus(bus: Bus) -> float:
    done = asyncio.Event()
    handled = 0

    async def count(_: Envelope) -> None:
        nonlocal handled
        handled += 1
        if handled == EVENTS:
            done.set()

    bus.subscribe("bench", "ticket.created", count)
    await bus.start()
    envelopes = [_envelope(n) for n in range(EVENTS)]
    started = time.perf_counter()
    for envelope in envelopes:
        await bus.publish(envelope)
    await asyncio.wait_for(done.wait(), 600)
    elapsed = time.perf_counter() - started
    await bus.stop()
    return EVENTS / elapsed


async def run(mongo_url: str, redis_url: str) -> None:
    print(f"{EVENTS} events, one producer, one group, no-op handler")
    print(f"raw redis-py XADD/XREADGROUP/XACK loop: {await raw_loop(redis_url):8.0f} events/s")
    redis_bus = RedisStreamsBus(redis_url, namespace="bench", instance="b1")
    print(f"Redis Streams bus:                      {await through_bus(redis_bus):8.0f} events/s")
    mongo: AsyncMongoClient = AsyncMongoClient(mongo_url, tz_aware=True)
    in_process = InProcessBus(mongo["bench_bus"])
    print(f"in-process bus (Mongo-backed):          {await through_bus(in_process):8.0f} events/s")
    await mongo.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-") as data_dir:
        servers = EmbeddedServers(Path(data_dir))
        servers.start(need_mongo=True, need_redis=True)
        try:
            asyncio.run(run(servers.mongo_url or "", servers.redis_url or ""))
        finally:
            servers.stop()


if __name__ == "__main__":
    main()

"""What the same servers give with nothing of ours in the way, measured in the same run.

Raw pymongo on the app's own database process (a transaction inserting two small
documents; a plain `find` of 100 documents), and a bare Litestar route returning a
constant, served by uvicorn as its own process with the app's loop and HTTP parser.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from app.cli.lifecycle import FAST_PROTOCOLS
from app.embedded.process import free_port
from tests.benchmarks.load import CONNECTIONS, Load, Request, run_load
from tests.benchmarks.report import percentile
from tests.benchmarks.server import wait_until_up

# The bare route, as an app of its own; uvicorn imports it by name.
BARE_APP = "tests.benchmarks.ceilings:bare_app"


def bare_app() -> object:
    from litestar import Litestar, get

    @get("/")
    async def constant() -> dict[str, bool]:
        return {"ok": True}

    return Litestar([constant])


def bare_route(seconds: float, warm_up: float) -> Load:
    port = free_port()
    flags = [f"--{name}={value}" for name, value in FAST_PROTOCOLS.items()]
    command = [sys.executable, "-m", "uvicorn", "--factory", BARE_APP, "--port", str(port)]
    process = subprocess.Popen([*command, *flags, "--no-access-log", "--log-level=warning"])
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, process, "/")
        run_load(Request(f"{base}/"), warm_up)
        return run_load(Request(f"{base}/"), seconds)
    finally:
        process.terminate()
        process.wait(10)


def two_document_transactions(mongo_url: str, seconds: float) -> Load:
    async def measure(client: AsyncMongoClient) -> Load:
        pair = client["bench_ceiling"]["pairs"]

        async def both(session: AsyncClientSession) -> None:
            await pair.insert_one({"kind": "state", "n": 1}, session=session)
            await pair.insert_one({"kind": "event", "n": 1}, session=session)

        async def once() -> None:
            async with client.start_session() as session:
                await session.with_transaction(both)

        return await _concurrently(once, seconds)

    return asyncio.run(_with_client(mongo_url, measure))


def plain_finds(mongo_url: str, seconds: float) -> Load:
    async def measure(client: AsyncMongoClient) -> Load:
        hundred = client["bench_ceiling"]["hundred"]
        await hundred.drop()
        await hundred.insert_many([{"title": f"Show {n}", "price": 2500} for n in range(100)])

        async def once() -> None:
            assert len(await hundred.find({}).to_list()) == 100

        return await _concurrently(once, seconds)

    return asyncio.run(_with_client(mongo_url, measure))


async def _with_client(url: str, measure: Callable[[AsyncMongoClient], Awaitable[Load]]) -> Load:
    client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True)
    try:
        return await measure(client)
    finally:
        await client.close()


async def _concurrently(once: Callable[[], Awaitable[None]], seconds: float) -> Load:
    """CONNECTIONS callers at once, as wrk's connections: warmed up a second, then timed."""
    latencies: list[float] = []
    errors = 0

    async def caller(deadline: float, record: bool) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await once()
            except Exception:
                errors += 1
            if record:
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(caller(time.perf_counter() + 1, False) for _ in range(CONNECTIONS)))
    started = time.perf_counter()
    await asyncio.gather(*(caller(started + seconds, True) for _ in range(CONNECTIONS)))
    return Load(
        requests=len(latencies),
        seconds=time.perf_counter() - started,
        p50_ms=percentile(latencies, 0.5) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        errors=errors,
        tool="pymongo",
    )

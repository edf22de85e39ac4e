"""`ticketing archive run`: the archive as its own process on the Redis bus (split mode), serving
the timeline pages and its probes."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
import pytest

from app.embedded.process import free_port
from bus.archive import ArchiveStore
from bus.redis_streams import RedisStreamsBus
from tests.archive.events import a_story
from tests.archive.stores import StoreUnderTest
from tests.archive.support import TICKETING, environment
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

pytestmark = pytest.mark.processes
ANY_ORDER = "5f0000000000000000000000"


async def announcement(output: asyncio.StreamReader) -> bytes:
    """The process's own first line, past what libraries log while it starts."""
    while not (line := await output.readline()).startswith(b"ticketing:") and line:
        pass
    return line


class TestTheArchiveProcess:
    async def test_archives_what_the_modules_publish_serves_its_pages_and_stops_on_sigterm(
        self,
        servers: ServerUrls,
        prefix: str,
        target: StoreUnderTest,
        store: ArchiveStore,
        tmp_path: Path,
    ) -> None:
        env = environment(servers, prefix, target, tmp_path, bus="redis", instance="test")
        process = await asyncio.create_subprocess_exec(
            str(TICKETING),
            "archive",
            "run",
            "--port",
            str(port := free_port()),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        producer = RedisStreamsBus(servers.redis, namespace=prefix)
        try:
            assert process.stdout is not None
            started = await asyncio.wait_for(announcement(process.stdout), 60)
            assert started.startswith(b"ticketing: archive running, timeline pages on http://")
            story = a_story()
            for envelope in story:
                await producer.publish(envelope)

            archived = await eventually(
                lambda: store.after(0), until=lambda events: len(events) == 6, timeout=30
            )
            by_time = sorted(archived, key=lambda e: e.envelope.occurred_at)
            assert [e.envelope for e in by_time] == story  # streams of subjects interleave freely
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                ready = await eventually(
                    lambda: http.get("/readyz"), until=lambda r: r.status_code == 200
                )
                page = await http.get(f"/timeline/{ANY_ORDER}", headers={"accept": "text/html"})
            assert ready.status_code == 200
            assert page.status_code == 303  # a visitor is sent to Sign In
            assert page.headers["location"].startswith("/auth/signin?next=/timeline/")

            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await producer.stop(grace=0)

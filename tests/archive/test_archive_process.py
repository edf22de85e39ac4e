"""`ticketing archive run`: the archive as its own process on the Redis bus (split mode)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

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


class TestTheArchiveProcess:
    async def test_archives_what_the_modules_publish_and_stops_cleanly_on_sigterm(
        self,
        servers: ServerUrls,
        prefix: str,
        target: StoreUnderTest,
        store: ArchiveStore,
        tmp_path: Path,
    ) -> None:
        env = environment(
            servers,
            prefix,
            target,
            tmp_path,
            bus="redis",
            instance="test",
            health_port=str(free_port()),
        )
        process = await asyncio.create_subprocess_exec(
            str(TICKETING),
            "archive",
            "run",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        producer = RedisStreamsBus(servers.redis, namespace=prefix)
        try:
            assert process.stdout is not None
            started = await asyncio.wait_for(process.stdout.readline(), 60)
            assert started.startswith(b"ticketing: archive running")
            story = a_story()
            for envelope in story:
                await producer.publish(envelope)

            archived = await eventually(
                lambda: store.after(0), until=lambda events: len(events) == 6, timeout=30
            )
            by_time = sorted(archived, key=lambda e: e.envelope.occurred_at)
            assert [e.envelope for e in by_time] == story  # streams of subjects interleave freely

            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await producer.stop(grace=0)

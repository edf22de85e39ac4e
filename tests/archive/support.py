"""The app with its archive, and `ticketing` commands aimed at the test's servers and store."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from litestar import Litestar

from bus.archive import Archive
from tests.archive.stores import StoreUnderTest
from tests.support.apps import TEST_JWT_KEY, build_app
from tests.support.servers import ServerUrls

TICKETING = Path(sys.executable).parent / "ticketing"


def archived_app(urls: ServerUrls, prefix: str, archive: Archive, **overrides: Any) -> Litestar:
    """`build_app`'s app with the archive in its runtime and its timeline page, as `ticketing
    serve` runs it (the runtime subscribes and starts it when the app starts)."""
    return build_app(urls, prefix, archive=archive, **overrides)


def environment(
    urls: ServerUrls, prefix: str, target: StoreUnderTest, workdir: Path, **settings: str
) -> dict[str, str]:
    """Our environment without anybody's TICKETING_* settings, plus the test's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TICKETING_")}
    env.update(
        PYTHONUNBUFFERED="1",
        TICKETING_MONGO_URL=urls.mongo,
        TICKETING_REDIS_URL=urls.redis,
        TICKETING_JWT_KEY=TEST_JWT_KEY,
        TICKETING_DB_PREFIX=prefix,
        TICKETING_DATA_DIR=str(workdir / "data"),
        TICKETING_ARCHIVE_URL=target.url,
        TICKETING_LOG_LEVEL="WARNING",
    )
    env.update({f"TICKETING_{key.upper()}": value for key, value in settings.items()})
    return env


async def ticketing(env: dict[str, str], *args: str, timeout: float = 60) -> tuple[int, str]:
    """Run a `ticketing` command to its end without blocking the test's event loop."""
    process = await asyncio.create_subprocess_exec(
        str(TICKETING),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, output.decode()

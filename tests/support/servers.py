"""The real servers the tests run against: embedded ones, or those named by TICKETING_*_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.embedded import EmbeddedServers


@dataclass(frozen=True)
class ServerUrls:
    mongo: str
    redis: str


@contextmanager
def test_servers(data_dir: Path) -> Iterator[ServerUrls]:
    mongo_url = os.environ.get("TICKETING_MONGO_URL")
    redis_url = os.environ.get("TICKETING_REDIS_URL")
    embedded = EmbeddedServers(data_dir)
    embedded.start(need_mongo=mongo_url is None, need_redis=redis_url is None)
    try:
        yield ServerUrls(
            mongo=mongo_url or embedded.mongo_url or "",
            redis=redis_url or embedded.redis_url or "",
        )
    finally:
        embedded.stop()

"""Where the servers and the signing key come from: configured URLs, or local-mode defaults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from app.embedded import DataDirBusy, DataDirLock, EmbeddedServers
from app.embedded.private import private_dir, tighten, write_private
from app.keys import local_jwt_key
from app.settings import Settings
from bus.failpoints import refuse_unless_allowed


@dataclass(frozen=True)
class Endpoints:
    mongo_url: str
    redis_url: str
    jwt_key: str


ENDPOINTS_FILE = "endpoints.json"
DATA_DIR_ENTRIES = (
    "mongo",
    "redis",
    "logs",
    "jwt.key",
    "redis.password",
    ENDPOINTS_FILE,
    "ticketing.lock",
)


@contextmanager
def local_environment(settings: Settings) -> Iterator[Endpoints]:
    """Starts the embedded servers the settings leave unset; stops them on the way out.

    Their addresses (the Redis one with its password) are written to the data directory, 0600,
    so that tools (`ticketing deadletter`, `ticketing bus status`) can attach to a running app.
    """
    refuse_unless_allowed()
    need_mongo, need_redis = settings.mongo_url is None, settings.redis_url is None
    uses_data_dir = need_mongo or need_redis or settings.jwt_key is None
    lock = DataDirLock(settings.data_dir)
    if uses_data_dir:
        private_dir(settings.data_dir)
        lock.acquire()
        tighten(settings.data_dir, DATA_DIR_ENTRIES)
    servers = EmbeddedServers(settings.data_dir)
    endpoints_file = settings.data_dir / ENDPOINTS_FILE
    try:
        jwt_key = _jwt_key(settings)
        servers.start(need_mongo=need_mongo, need_redis=need_redis)
        endpoints = Endpoints(
            mongo_url=settings.mongo_url or servers.mongo_url or "",
            redis_url=settings.redis_url or servers.redis_url or "",
            jwt_key=jwt_key,
        )
        if uses_data_dir:
            write_private(
                endpoints_file,
                json.dumps({"mongo_url": endpoints.mongo_url, "redis_url": endpoints.redis_url}),
            )
        yield endpoints
    finally:
        if uses_data_dir:
            endpoints_file.unlink(missing_ok=True)
        servers.stop()
        lock.release()


@contextmanager
def attached_environment(settings: Settings) -> Iterator[Endpoints]:
    """The servers of a `ticketing serve` running on this data directory, or our own."""
    stack = ExitStack()
    try:
        endpoints = stack.enter_context(local_environment(settings))
    except DataDirBusy:
        running = json.loads((settings.data_dir / ENDPOINTS_FILE).read_text())
        endpoints = Endpoints(running["mongo_url"], running["redis_url"], _jwt_key(settings))
    with stack:
        yield endpoints


def _jwt_key(settings: Settings) -> str:
    if settings.jwt_key is not None:
        return settings.jwt_key.get_secret_value()
    return local_jwt_key(settings.data_dir)

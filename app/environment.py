"""Where the servers and the signing key come from: configured URLs, or local-mode defaults."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.embedded import DataDirBusy, DataDirLock, EmbeddedServers
from app.settings import Settings


@dataclass(frozen=True)
class Endpoints:
    mongo_url: str
    redis_url: str
    jwt_key: str
    servers: EmbeddedServers | None = None  # the ones we started, to watch and stop


ENDPOINTS_FILE = "endpoints.json"


@contextmanager
def local_environment(settings: Settings) -> Iterator[Endpoints]:
    """Starts the embedded servers the settings leave unset; stops them on the way out.

    Their addresses are written to the data directory so that tools
    (`ticketing deadletter`, `ticketing bus status`) can attach to a running app.
    """
    need_mongo, need_redis = settings.mongo_url is None, settings.redis_url is None
    uses_data_dir = need_mongo or need_redis or settings.jwt_key is None
    lock = DataDirLock(settings.data_dir)
    if uses_data_dir:
        lock.acquire()
    servers = EmbeddedServers(settings.data_dir)
    endpoints_file = settings.data_dir / ENDPOINTS_FILE
    try:
        servers.start(need_mongo=need_mongo, need_redis=need_redis)
        endpoints = Endpoints(
            mongo_url=settings.mongo_url or servers.mongo_url or "",
            redis_url=settings.redis_url or servers.redis_url or "",
            jwt_key=_jwt_key(settings),
            servers=servers,
        )
        if uses_data_dir:
            endpoints_file.write_text(
                json.dumps({"mongo_url": endpoints.mongo_url, "redis_url": endpoints.redis_url})
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


def local_jwt_key(data_dir: Path) -> str:
    """Generated once per data directory and kept there, so sessions survive restarts."""
    path = data_dir / "jwt.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()

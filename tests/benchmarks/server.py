"""Start a real `ticketing serve` for a benchmark, on a throw-away data directory."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from app.embedded import EmbeddedServers
from app.embedded.process import free_port

# Every benchmark client signs up from 127.0.0.1: no abuse limit in the way.
NO_ABUSE_LIMITS = {"signups_per_address": "1000000", "signin_failures_per_address": "1000000"}


@dataclass(frozen=True)
class Stack:
    """A served app and the database it uses, both as processes the benchmark can watch."""

    base: str
    mongo_url: str
    app: psutil.Process
    database: psutil.Process


@contextmanager
def running_server(**settings: str) -> Iterator[str]:
    """Yields the base URL of a single-process server with every module, stopped afterwards."""
    with _served(settings) as (base, _):
        yield base


@contextmanager
def running_stack(**settings: str) -> Iterator[Stack]:
    """The embedded servers started here, then `ticketing serve` on them: the benchmark can
    then run its own ceilings on the very same database process, and read its CPU."""
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-servers-") as data_dir:
        servers = EmbeddedServers(Path(data_dir))
        servers.start(need_mongo=True, need_redis=True)
        try:
            assert servers.mongo and servers.mongo_url and servers.redis_url
            urls = {"mongo_url": servers.mongo_url, "redis_url": servers.redis_url}
            key = {"jwt_key": secrets.token_urlsafe(32)}
            with _served({**NO_ABUSE_LIMITS, **urls, **key, **settings}) as (base, app):
                database = psutil.Process(servers.mongo.pid)
                yield Stack(base, servers.mongo_url, psutil.Process(app.pid), database)
        finally:
            servers.stop()


@contextmanager
def _served(settings: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
        env |= {"TICKETING_DATA_DIR": data_dir, "TICKETING_LOG_LEVEL": "WARNING"}
        env |= {f"TICKETING_{key.upper()}": value for key, value in settings.items()}
        command = [str(Path(sys.executable).parent / "ticketing"), "serve", "--port", str(port)]
        process = subprocess.Popen(command, env=env, cwd=data_dir, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process)
            yield base, process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


def wait_until_up(base: str, process: subprocess.Popen[bytes], path: str = "/healthz") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(f"{base}{path}", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 60 s")

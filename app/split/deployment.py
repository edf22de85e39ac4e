"""Every module as its own `ticketing serve` process on the Redis Streams bus, like Kubernetes.

Embedded Mongo-wire and Redis servers (unless URLs name others), one process
per module (two replicas of orders), the dramatiq worker, the event archive
(`ticketing archive run`, serving the timeline pages), and the path-routing
front on one base URL. Every process gets the caller's TICKETING_* settings;
the deployment sets on top only what must differ per process.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.embedded import EmbeddedServers
from app.embedded.process import ChildServer, ServerStartError, answers, free_port
from app.registry import AVAILABLE
from app.split.front import Routes, write_routes

ROUTES = {
    "auth": "/api/users",
    "tickets": "/api/tickets",
    "orders": "/api/orders",
    "payments": "/api/payments",
}
# Each module's own pages; "/" is the home page alone, and any module can serve /static.
PAGE_ROUTES = {
    "auth": ("/auth",),
    "tickets": ("/", "/tickets", "/static"),
    "orders": ("/orders",),
    "payments": ("/payments",),
    "archive": ("/timeline",),
}
START_TIMEOUT = 60  # seconds for every process to be ready, on a loaded machine
ARCHIVE_FILE = "archive.sqlite3"  # one store for the archive process and `ticketing events`


FRONT_ROUTES = "front-routes.json"  # the front's table, under the data directory
# Processes serving no API, listening on their health port (the archive its timeline pages too).
HEALTH_ONLY = {"worker": ("worker",), "archive": ("archive", "run")}


@dataclass(frozen=True)
class Service:
    name: str  # e.g. "orders-2"
    module: str  # or a HEALTH_ONLY process
    port: int  # its HTTP port; for HEALTH_ONLY ones, the health port


def default_services(orders_replicas: int = 2) -> list[Service]:
    """One process per module, `orders_replicas` of orders, the dramatiq worker and the archive."""
    services = []
    for module in AVAILABLE:
        replicas = orders_replicas if module == "orders" else 1
        services += [Service(f"{module}-{n}", module, free_port()) for n in range(1, replicas + 1)]
    services.append(Service("worker-1", "worker", free_port()))
    services.append(Service("archive-1", "archive", free_port()))
    return services


@dataclass
class SplitDeployment:
    data_dir: Path
    front_port: int = 0
    front_host: str = "127.0.0.1"
    settings: dict[str, str] = field(default_factory=dict)  # the caller's TICKETING_*, for all
    services: list[Service] = field(default_factory=default_services)
    processes: dict[str, ChildServer] = field(default_factory=dict)
    _servers: EmbeddedServers | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.front_port}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._servers = EmbeddedServers(self.data_dir / "servers")
        self._servers.start(
            need_mongo="TICKETING_MONGO_URL" not in self.settings,
            need_redis="TICKETING_REDIS_URL" not in self.settings,
        )
        self._jwt_key = self.settings.get("TICKETING_JWT_KEY") or secrets.token_urlsafe(32)
        try:
            self.start_services(service.name for service in self.services)
            self._start_front()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """The front first (no new requests), then every process at once, then the servers."""
        if "front" in self.processes:
            self.processes.pop("front").stop()
        self.stop_services(list(self.processes))
        if self._servers:
            self._servers.stop()

    def service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)

    def start_service(self, name: str, **settings: str) -> None:
        """Start (or restart) one process; `settings` are extra TICKETING_* just for it."""
        self.start_services([name], **settings)

    def start_services(self, names: Iterable[str], **settings: str) -> None:
        """Spawn the processes at once, then wait until all are ready (none needs another up
        first: each consumer group reads its streams from their start). Spawned by the calling
        thread, as children die with the thread that started them."""
        starting = {name: self._spawn(name, settings) for name in names}
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            for name, port in list(starting.items()):
                self.processes[name].check_running()
                if _ready(port):
                    del starting[name]
            if not starting:
                return
            if time.monotonic() > deadline:
                raise ServerStartError(f"{', '.join(starting)} not ready within {START_TIMEOUT}s")
            time.sleep(0.05)

    def _spawn(self, name: str, settings: dict[str, str]) -> int:
        """Its process started, not yet ready; the port that says when it is."""
        service = self.service(name)
        if service.module in HEALTH_ONLY:
            argv = [_ticketing(), *HEALTH_ONLY[service.module]]
            settings = {"health_port": str(service.port)} | settings
        else:
            argv = [_ticketing(), "serve", "--modules", service.module, "--port", str(service.port)]
        env = self._env(name) | {f"TICKETING_{k.upper()}": v for k, v in settings.items()}
        process = ChildServer(name, argv, self.data_dir / "logs" / f"{name}.log", env)
        process.start(ready=lambda: True)
        self.processes[name] = process
        return service.port

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a `ticketing` command (e.g. `deadletter list`) against this deployment."""
        return subprocess.run(
            [_ticketing(), *args], env=self._env("cli"), capture_output=True, text=True, check=False
        )

    def kill(self, name: str) -> None:
        self.processes.pop(name).kill()

    def stop_service(self, name: str) -> None:
        self.processes.pop(name).stop()

    def stop_services(self, names: list[str]) -> None:
        """SIGTERM to all at once, each stopping within its own grace period."""
        stopping = [self.processes.pop(name) for name in names]
        with ThreadPoolExecutor(max_workers=len(stopping) or 1) as pool:
            list(pool.map(lambda process: process.stop(), stopping))

    def restart_redis(self) -> None:
        """Stop the embedded Redis and start it again on the same port and files (AOF replays)."""
        assert self._servers and self._servers.redis
        self._servers.redis.stop()
        self._servers.redis.start(ready=lambda: answers(_port_of(self.redis_url)))

    @property
    def mongo_url(self) -> str:
        assert self._servers, "not started"
        return self.settings.get("TICKETING_MONGO_URL") or self._servers.mongo_url or ""

    @property
    def redis_url(self) -> str:
        assert self._servers, "not started"
        return self.settings.get("TICKETING_REDIS_URL") or self._servers.redis_url or ""

    @property
    def archive_url(self) -> str:
        return (
            self.settings.get("TICKETING_ARCHIVE_URL")
            or f"sqlite:///{self.data_dir / ARCHIVE_FILE}"
        )

    def _env(self, name: str) -> dict[str, str]:
        """The caller's settings, then what this deployment needs to differ per process."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
        return (
            env
            | self.settings
            | {
                "TICKETING_BUS": "redis",
                "TICKETING_MONGO_URL": self.mongo_url,
                "TICKETING_REDIS_URL": self.redis_url,
                "TICKETING_JWT_KEY": self._jwt_key,
                "TICKETING_ARCHIVE_URL": self.archive_url,
                "TICKETING_INSTANCE": name,
                "TICKETING_RUN_WORKER": "false",
                "TICKETING_DATA_DIR": str(self.data_dir / name),
                "TICKETING_HOST": "127.0.0.1",  # behind the front; only the front faces callers
            }
        )

    def _start_front(self) -> None:
        self.front_port = self.front_port or free_port()
        routes: Routes = {}
        for service in self.services:
            api = [ROUTES[service.module]] if service.module in ROUTES else []
            for prefix in (*api, *PAGE_ROUTES.get(service.module, ())):
                routes.setdefault(prefix, []).append(f"http://127.0.0.1:{service.port}")
        front = start_front(self.data_dir, self.front_host, self.front_port, routes)
        self.processes["front"] = front


def start_front(data_dir: Path, host: str, port: int, routes: Routes) -> ChildServer:
    """The path-routing front on host:port, following the routes file under `data_dir`."""
    routes_file = data_dir / FRONT_ROUTES
    write_routes(routes_file, routes)
    argv = [
        sys.executable,
        "-m",
        "app.split.front",
        "--host",
        host,
        "--port",
        str(port),
        "--routes",
        str(routes_file),
    ]
    front = ChildServer("front", argv, data_dir / "logs" / "front.log")
    front.start(ready=lambda: answers(port))
    return front


def _ticketing() -> str:
    return str(Path(sys.executable).parent / "ticketing")


def _ready(port: int) -> bool:
    """Its consumers and relay run, not merely its socket: then the next process may start."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=3) as answer:
            return bool(answer.status == 200)
    except OSError:  # refused, timed out, or an HTTP error status (503: not ready yet)
        return False


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])

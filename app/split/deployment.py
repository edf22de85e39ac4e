"""Every module as its own `ticketing serve` process on the Redis Streams bus, like Kubernetes.

Embedded Mongo-wire and Redis servers, one process per module (two replicas of
orders), the dramatiq worker, and the path-routing front on one base URL.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.embedded import EmbeddedServers
from app.embedded.process import ChildServer, answers, free_port
from app.registry import AVAILABLE

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
}


@dataclass(frozen=True)
class Service:
    name: str  # e.g. "orders-2"
    module: str
    port: int | None  # None for processes without HTTP (the worker)


def default_services(orders_replicas: int = 2) -> list[Service]:
    """One process per module, `orders_replicas` of orders, and the dramatiq worker."""
    services = []
    for module in AVAILABLE:
        replicas = orders_replicas if module == "orders" else 1
        services += [Service(f"{module}-{n}", module, free_port()) for n in range(1, replicas + 1)]
    services.append(Service("worker-1", "worker", None))
    return services


@dataclass
class SplitDeployment:
    data_dir: Path
    front_port: int = 0
    settings: dict[str, str] = field(default_factory=dict)  # extra TICKETING_* for every process
    services: list[Service] = field(default_factory=default_services)
    processes: dict[str, ChildServer] = field(default_factory=dict)
    _servers: EmbeddedServers | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.front_port}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._servers = EmbeddedServers(self.data_dir / "servers")
        self._servers.start(need_mongo=True, need_redis=True)
        self._jwt_key = secrets.token_urlsafe(32)
        try:
            for service in self.services:
                self.start_service(service.name)
            self._start_front()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.processes.pop(name).stop()
        if self._servers:
            self._servers.stop()

    def service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)

    def start_service(self, name: str, **settings: str) -> None:
        """Start (or restart) one process; `settings` are extra TICKETING_* just for it."""
        service = self.service(name)
        if service.module == "worker":
            argv = [_ticketing(), "worker"]
        else:
            argv = [_ticketing(), "serve", "--modules", service.module, "--port", str(service.port)]
        env = self._env(name) | {f"TICKETING_{k.upper()}": v for k, v in settings.items()}
        process = ChildServer(name, argv, self.data_dir / "logs" / f"{name}.log", env)
        process.start(ready=lambda: service.port is None or _http_answers(service.port))
        self.processes[name] = process

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a `ticketing` command (e.g. `deadletter list`) against this deployment."""
        return subprocess.run(
            [_ticketing(), *args], env=self._env("cli"), capture_output=True, text=True, check=False
        )

    def kill(self, name: str) -> None:
        self.processes.pop(name).kill()

    def stop_service(self, name: str) -> None:
        self.processes.pop(name).stop()

    def restart_redis(self) -> None:
        """Stop Redis and start it again on the same port and files (AOF replays)."""
        assert self._servers and self._servers.redis
        self._servers.redis.stop()
        self._servers.redis.start(ready=lambda: answers(_port_of(self.redis_url)))

    @property
    def mongo_url(self) -> str:
        assert self._servers and self._servers.mongo_url
        return self._servers.mongo_url

    @property
    def redis_url(self) -> str:
        assert self._servers and self._servers.redis_url
        return self._servers.redis_url

    def _env(self, name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
        env |= {
            "TICKETING_BUS": "redis",
            "TICKETING_MONGO_URL": self.mongo_url,
            "TICKETING_REDIS_URL": self.redis_url,
            "TICKETING_JWT_KEY": self._jwt_key,
            "TICKETING_INSTANCE": name,
            "TICKETING_RUN_WORKER": "false",
            "TICKETING_DATA_DIR": str(self.data_dir / name),
        }
        return env | self.settings

    def _start_front(self) -> None:
        self.front_port = self.front_port or free_port()
        routes: dict[str, list[str]] = {}
        for service in self.services:
            if service.module in ROUTES:
                for prefix in (ROUTES[service.module], *PAGE_ROUTES[service.module]):
                    routes.setdefault(prefix, []).append(f"http://127.0.0.1:{service.port}")
        argv = [
            sys.executable,
            "-m",
            "app.split.front",
            "--port",
            str(self.front_port),
            "--routes",
            json.dumps(routes),
        ]
        front = ChildServer("front", argv, self.data_dir / "logs" / "front.log")
        front.start(ready=lambda: answers(self.front_port))
        self.processes["front"] = front


def _ticketing() -> str:
    return str(Path(sys.executable).parent / "ticketing")


def _http_answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/api/schema/openapi.json", timeout=1)
        return True
    except httpx.HTTPError:
        return False


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])

"""`ticketing dev split` as a developer starts it: their settings reach every process, the front
keeps no one's session, passes paths through untouched, and Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app.split.front import Front
from tests.e2e.contract import NO_ABUSE_LIMITS, Caller, RouteContract, errors_of
from tests.processes.serving import Child, children_of, free_port
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

TICKETING = Path(sys.executable).parent / "ticketing"
ORDER_TTL = 120  # not the default 900: shows the caller's setting reached orders


@dataclass
class Helper:
    process: subprocess.Popen[bytes]
    base_url: str
    data_dir: Path
    workdir: Path
    log: Path
    children: list[Child]

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def ticketing_processes(self) -> list[Child]:
        return [child for child in self.children if child.name == "ticketing"]

    def port_of(self, child: Child) -> int:
        argv = Path(f"/proc/{child.pid}/cmdline").read_bytes().split(b"\0")
        return int(argv[argv.index(b"--port") + 1])


@pytest.fixture(scope="module")
def helper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helper]:
    """Started in a directory of its own with the caller's settings; stopped with Ctrl-C."""
    workdir = tmp_path_factory.mktemp("dev-split")
    data_dir, port, log = workdir / "D", free_port(), workdir / "helper.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("TICKETING_")}
    env |= {
        "TICKETING_DATA_DIR": str(data_dir),
        "TICKETING_ORDER_TTL": str(ORDER_TTL),
        "TICKETING_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **NO_ABUSE_LIMITS,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(TICKETING), "dev", "split", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    helper = Helper(process, f"http://127.0.0.1:{port}", data_dir, workdir, log, [])
    try:
        wait_for(
            lambda: "Ctrl-C stops everything" in helper.output or process.poll() is not None,
            timeout=240,
        )
        assert process.poll() is None, helper.output
        helper.children = children_of(process.pid)
        yield helper
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(60) == 0, helper.output
        assert [child for child in helper.children if child.exists] == []
    finally:
        if process.poll() is None:
            process.kill()
        for child in helper.children:
            child.kill()


@pytest.fixture(scope="module")
def base_url(helper: Helper) -> str:
    return helper.base_url


class TestTheCallersSettings:
    def test_every_setting_given_to_the_helper_reaches_every_process_it_starts(
        self, helper: Helper
    ) -> None:
        processes = helper.ticketing_processes()
        assert len(processes) == 8  # auth, tickets, 2 orders, payments, expiration, worker, archive

        for child in processes:
            environ = dict(
                entry.split(b"=", 1)
                for entry in Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
                if b"=" in entry
            )
            assert environ[b"TICKETING_ORDER_TTL"] == str(ORDER_TTL).encode()
            assert environ[b"TICKETING_DATA_DIR"].startswith(str(helper.data_dir).encode())

    def test_orders_get_the_callers_reservation_window(self, helper: Helper) -> None:
        seller, buyer = Caller(helper.base_url).sign_up(), Caller(helper.base_url).sign_up()
        placed_at = datetime.now(UTC)

        order = buyer.order(seller.sell()["id"]).json()

        expires_at = datetime.fromisoformat(order["expiresAt"].replace("Z", "+00:00"))
        assert ORDER_TTL - 30 < (expires_at - placed_at).total_seconds() <= ORDER_TTL + 1

    def test_everything_is_written_under_the_callers_data_dir(self, helper: Helper) -> None:
        logs = {path.name for path in (helper.data_dir / "logs").iterdir()}

        assert {"front.log", "orders-2.log", "worker-1.log", "mongo.log"} <= logs | {
            path.name for path in (helper.data_dir / "servers" / "logs").iterdir()
        }
        assert not (helper.workdir / ".ticketing-split").exists()
        assert not (helper.workdir / ".ticketing").exists()


class TestRouteContractThroughTheFront(RouteContract):
    """Anonymous and two-user requests included: no session is kept or mixed by the front."""


class TestHostileInputThroughTheFront:
    ODD_PATHS = (
        "/api/tickets/%00",
        "/api/tickets/%zz",
        "/api/tickets/%2e%2e/%2e%2e/api/users/currentuser",
        "/api/tickets/..%2f..%2fusers",
        "/api/tickets/a%2fb",
        "/api/users/currentuser%00",
        "/api/tickets?x=%00&y=%ff",
        "/api/tickets/" + "a" * 4000,
    )

    def test_odd_paths_get_the_answer_the_module_itself_gives(self, helper: Helper) -> None:
        tickets = next(c for c in helper.ticketing_processes() if b"tickets" in _argv(c))
        direct = f"http://127.0.0.1:{helper.port_of(tickets)}"

        for path in self.ODD_PATHS:
            through_front = _raw_get(helper.base_url, path)
            straight = _raw_get(direct, path)
            assert through_front == straight, path
            assert through_front[0] < 500, path

    def test_bodies_over_the_limits_get_413_in_the_error_format(self, helper: Helper) -> None:
        user = Caller(helper.base_url).sign_up()
        json_type = {"content-type": "application/json"}

        over_the_apps = user.http.post("/api/tickets", content=b" " * 70_000, headers=json_type)
        over_the_fronts = user.http.post(
            "/api/tickets", content=b" " * 3_000_000, headers=json_type
        )

        assert errors_of(over_the_apps, 413)
        assert errors_of(over_the_fronts, 413)

    def test_unknown_routes_and_methods_get_the_error_format(self, helper: Helper) -> None:
        with httpx.Client(base_url=helper.base_url) as http:
            assert errors_of(http.get("/nowhere"), 404)
            assert errors_of(http.get("/healthz"), 404)  # probes are for the kubelet, not callers
            assert errors_of(http.request("FOO", "/api/tickets"), 405)
            assert errors_of(http.request("DELETE", "/api/tickets"), 405)

    def test_odd_headers_never_get_a_server_error_and_the_front_keeps_serving(
        self, helper: Helper
    ) -> None:
        odd = [
            {"x-big": "a" * 100_000},
            {"cookie": "session=" + "a" * 60_000},
            {"x-bytes": b"\xff\xfe\x80"},
            {"cookie": b"session=\xff\x00"},
            {"content-type": b"application/json; charset=\xff"},
            {"x-forwarded-for": "10.0.0.1, evil"},
        ]
        for headers in [*odd, *[{"x-huge": "a" * 2_000_000}] * 3]:
            try:
                response = httpx.get(helper.base_url + "/api/users/currentuser", headers=headers)
            except httpx.TransportError:
                continue  # refused outright, as uvicorn itself does
            assert response.status_code < 500, headers
        assert httpx.get(helper.base_url + "/api/users/currentuser").json() == {"currentUser": None}


def _argv(child: Child) -> bytes:
    return Path(f"/proc/{child.pid}/cmdline").read_bytes()


def _raw_get(base_url: str, target: str) -> tuple[int, bytes]:
    """Status and body of a GET whose target goes out byte for byte (clients normalise it)."""
    port = int(base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(
            f"GET {target} HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


class TestUpstreamsDown:
    async def test_a_refused_replica_is_skipped_and_with_none_left_the_answer_is_502(
        self, helper: Helper
    ) -> None:
        auth = next(c for c in helper.ticketing_processes() if b"auth" in _argv(c))
        live, dead = f"http://127.0.0.1:{helper.port_of(auth)}", f"http://127.0.0.1:{free_port()}"
        front = Front({"/api/users": [dead, live], "/api/tickets": [dead]})

        async with LifespanManager(front), _client(front) as http:
            answers = [(await http.get("/api/users/currentuser")).status_code for _ in range(4)]
            down = await http.get("/api/tickets")

        assert answers == [200] * 4
        assert errors_of(down, 502) == [{"message": "Upstream unavailable"}]


def _client(front: Front) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://front")

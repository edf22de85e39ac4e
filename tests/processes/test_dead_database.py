"""A database that dies under a running `ticketing serve`: noticed at once, never a hang."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.connections import SERVER_SELECTION_TIMEOUT
from app.embedded import EmbeddedServers
from modules.kernel.unit_of_work import TRANSACTION_DEADLINE
from tests.e2e.contract import PASSWORD
from tests.processes.serving import Launcher, Serving
from tests.processes.test_serve_lifecycle import embedded_servers
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes

GRACE = 6.0
SLACK = 4.0  # a loaded 2-core machine: process exit, interpreter teardown
JWT_KEY = "process-test-signing-key-long-enough-for-hs256"


def not_ready(status: int | None) -> bool:
    return status != 200


def is_503(status: int | None) -> bool:
    return status == 503


def timed(
    serving: Serving, method: str, path: str, session: str = "", **body: object
) -> tuple[httpx.Response, float]:
    """The answer and how long it took."""
    with httpx.Client(base_url=serving.url, timeout=60, cookies={"session": session}) as http:
        started = time.monotonic()
        response = http.request(method, path, json=body or None)
        return response, time.monotonic() - started


def touch_the_database(serving: Serving) -> None:
    """A request that reaches Mongo, as traffic would, so the driver meets the dead server."""
    with contextlib.suppress(httpx.TransportError):
        httpx.get(serving.url + "/api/tickets", timeout=1.5)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {
        "errors": [{"message": "Service temporarily unavailable; please retry"}]
    }


class TestEmbeddedMongoDies:
    def test_readiness_fails_at_once_and_ticketing_exits_non_zero_saying_why(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start(TICKETING_SHUTDOWN_GRACE=str(GRACE))
        redis = embedded_servers(serving) and serving.child("valkey-server")
        assert serving.readiness() == 200

        mongo = serving.child("secantusd-py")
        mongo.kill()

        wait_for(serving.readiness, until=not_ready, timeout=2)
        exit_code, _ = serving.exits_within(GRACE + SLACK)
        assert exit_code == 1, serving.output
        assert "embedded secantusd-py exited" in serving.output
        assert not mongo.exists  # reaped, not left a zombie
        assert not redis.exists  # stopped and reaped on the way out, not orphaned

    def test_sigterm_with_the_mongo_child_dead_exits_within_the_grace_period(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start(TICKETING_SHUTDOWN_GRACE=str(GRACE))
        children = embedded_servers(serving)

        serving.child("secantusd-py").kill()
        touch_the_database(serving)
        serving.process.terminate()

        serving.exits_within(GRACE + SLACK)
        assert [child for child in children if child.exists] == []


@pytest.fixture
def external(tmp_path: Path) -> Iterator[EmbeddedServers]:
    """Servers that `ticketing serve` reaches by URL, as in production: it does not own them."""
    servers = EmbeddedServers(tmp_path / "external")
    servers.start(need_mongo=True, need_redis=True)
    try:
        yield servers
    finally:
        servers.stop()


class TestExternalMongoDies:
    def start(self, launcher: Launcher, external: EmbeddedServers) -> Serving:
        return launcher.start(
            TICKETING_MONGO_URL=external.mongo_url or "",
            TICKETING_REDIS_URL=external.redis_url or "",
            TICKETING_JWT_KEY=JWT_KEY,
            TICKETING_SHUTDOWN_GRACE=str(GRACE),
        )

    def test_readiness_names_mongo_and_routes_answer_503_quickly_then_sigterm_exits(
        self, launcher: Launcher, external: EmbeddedServers
    ) -> None:
        serving = self.start(launcher, external)
        with serving.client() as http:
            signup = http.post(
                "/api/users/signup",
                json={"email": f"dead-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD},
            )
        session = signup.cookies["session"]
        assert external.mongo
        external.mongo.kill()

        wait_for(serving.readiness, until=is_503, timeout=2 + SERVER_SELECTION_TIMEOUT)
        readiness = httpx.get(serving.url + "/readyz", timeout=5).json()
        assert readiness == {
            "status": "not ready",
            "checks": {"mongo": "failed", "redis": "ok", "consumers-and-relays": "ok"},
        }
        assert httpx.get(serving.url + "/healthz").status_code == 200
        read, read_time = timed(serving, "GET", "/api/tickets")
        assert_unavailable(read)
        assert read_time < SERVER_SELECTION_TIMEOUT + SLACK
        write, write_time = timed(serving, "POST", "/api/tickets", session, title="Gone", price=5)
        assert_unavailable(write)
        assert write_time < TRANSACTION_DEADLINE + SLACK

        serving.process.terminate()

        serving.exits_within(GRACE + SLACK)


class TestStuckShutdown:
    def test_past_the_grace_period_ticketing_exits_anyway_saying_what_it_abandoned(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start(TICKETING_SHUTDOWN_GRACE=str(GRACE))
        children = embedded_servers(serving)
        os.kill(serving.child("secantusd-py").pid, signal.SIGSTOP)  # hung: alive, deaf to SIGTERM

        serving.process.terminate()

        exit_code, _ = serving.exits_within(GRACE + SLACK)
        assert exit_code == 1, serving.output
        assert f"still stopping after {GRACE:g} s" in serving.output
        assert "abandoning" in serving.output
        assert [child for child in children if child.exists] == []

"""Every process answers the probes: /healthz (alive) and /readyz (what it depends on)."""

from __future__ import annotations

import signal

import httpx
import pytest

from tests.processes.serving import Launcher
from tests.processes.test_serve_lifecycle import embedded_servers

pytestmark = pytest.mark.processes

ALL_OK = {
    "mongo": "ok",
    "redis": "ok",
    "consumers-and-relays": "ok",
    "embedded-servers": "ok",
}


class TestServe:
    def test_healthz_and_readyz_answer_listing_each_check_and_no_secret(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start()

        alive = httpx.get(serving.url + "/healthz")
        ready = httpx.get(serving.url + "/readyz")

        assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
        assert (ready.status_code, ready.json()) == (200, {"status": "ready", "checks": ALL_OK})
        assert ready.headers["cache-control"] == "no-store"
        assert "mongodb://" not in ready.text and "redis://" not in ready.text


class TestWorker:
    def test_the_worker_serves_its_probes_on_its_own_port_and_stops_cleanly(
        self, launcher: Launcher
    ) -> None:
        worker = launcher.start_worker()
        children = embedded_servers(worker)

        ready = httpx.get(worker.url + "/readyz")
        unknown = httpx.get(worker.url + "/api/tickets")

        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {
            "mongo": "ok",
            "redis": "ok",
            "relay": "ok",
            "embedded-servers": "ok",
        }
        assert unknown.status_code == 404
        assert worker.stop(signal.SIGTERM) == 0, worker.output
        assert [child for child in children if child.exists] == []

"""`ticketing serve` as an operator runs it: restarts, signals, crashes, a second copy."""

from __future__ import annotations

import signal
import time
import uuid

import pytest

from tests.processes.serving import Child, Launcher, Serving, free_port, run
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes

EMBEDDED_SERVERS = {"secantusd-py", "valkey-server"}


def sign_up(serving: Serving) -> tuple[str, str]:
    email = f"restart-{uuid.uuid4().hex[:8]}@example.com"
    with serving.client() as http:
        response = http.post("/api/users/signup", json={"email": email, "password": "secret123"})
    assert response.status_code == 201, response.text
    return email, response.cookies["session"]


def sell(serving: Serving, session: str) -> str:
    with serving.client() as http:
        http.cookies.set("session", session)
        response = http.post("/api/tickets", json={"title": "Opera", "price": 42.5})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def embedded_servers(serving: Serving) -> list[Child]:
    """The children to watch; asserting they are the servers keeps "all gone" from being vacuous."""
    assert {child.name for child in serving.children} == EMBEDDED_SERVERS
    assert all(child.alive for child in serving.children)
    return serving.children


def not_any(values: list[Child]) -> bool:
    return not values


class TestRestart:
    def test_users_tickets_and_sessions_survive_a_restart_on_the_same_data_dir(
        self, launcher: Launcher
    ) -> None:
        first = launcher.start()
        email, session = sign_up(first)
        ticket_id = sell(first, session)
        assert first.stop(signal.SIGTERM) == 0, first.output

        second = launcher.start()

        with second.client() as http:
            signin = http.post("/api/users/signin", json={"email": email, "password": "secret123"})
            ticket = http.get(f"/api/tickets/{ticket_id}")
        with second.client() as http:
            http.cookies.set("session", session)
            current = http.get("/api/users/currentuser")
        assert signin.status_code == 200, signin.text
        assert ticket.status_code == 200, ticket.text
        assert (ticket.json()["title"], ticket.json()["price"]) == ("Opera", 42.5)
        assert current.json()["currentUser"]["email"] == email


class TestNoOrphans:
    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
    def test_a_stop_signal_stops_the_embedded_servers_before_ticketing_exits_cleanly(
        self, launcher: Launcher, signum: int
    ) -> None:
        serving = launcher.start()
        children = embedded_servers(serving)
        endpoints = launcher.workdir / "data" / "endpoints.json"
        assert endpoints.exists()

        exit_code = serving.stop(signum)

        assert exit_code == 0, serving.output
        assert [child for child in children if child.alive] == []
        assert not endpoints.exists()
        assert "Traceback" not in serving.output

    def test_the_embedded_servers_die_soon_after_ticketing_is_killed(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start()
        children = embedded_servers(serving)

        serving.stop(signal.SIGKILL)

        wait_for(lambda: [child for child in children if child.alive], until=not_any, timeout=30)


class TestSecondInstance:
    def test_a_second_serve_on_the_same_data_dir_is_refused_and_the_first_keeps_serving(
        self, launcher: Launcher
    ) -> None:
        first = launcher.start()

        children = embedded_servers(first)

        started = time.monotonic()
        second = run(launcher.workdir, "serve", "--port", str(free_port()))

        assert second.returncode == 2
        assert time.monotonic() - started < 10
        assert "data directory" in second.stderr
        assert str(launcher.workdir / "data") in second.stderr
        with first.client() as http:
            assert http.get("/api/users/currentuser").status_code == 200
        assert all(child.alive for child in children)
        assert (launcher.workdir / "data" / "endpoints.json").exists()

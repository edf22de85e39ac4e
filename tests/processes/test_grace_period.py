"""Whatever a shutdown waits on, the process is gone within its grace period, saying why."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes.serving import Serving, free_port
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes

GRACE = 6.0


@pytest.fixture
def stuck(tmp_path: Path) -> Iterator[Serving]:
    """An app whose shutdown never finishes, under the real lifecycle, in its own group."""
    port, log = free_port(), tmp_path / "stuck.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.processes.stuck_app", str(port), str(GRACE)],
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    serving = Serving(process, port, log)
    try:
        wait_for(lambda: _answers(serving), timeout=60)
        yield serving
    finally:
        serving.kill()


def _answers(serving: Serving) -> bool:
    try:
        return httpx.get(serving.url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


class TestGracePeriod:
    def test_a_shutdown_stuck_past_the_grace_period_exits_1_naming_the_stuck_task(
        self, stuck: Serving
    ) -> None:
        stuck.process.terminate()

        exit_code, took = stuck.exits_within(GRACE + 5)

        assert exit_code == 1
        assert took >= GRACE / 2  # the app had most of its grace period first
        assert f"still stopping after {GRACE:g} s" in stuck.output
        assert "stuck-relay (processes/stuck_app.py" in stuck.output

    def test_a_second_ctrl_c_exits_at_once_without_waiting_for_the_grace_period(
        self, stuck: Serving
    ) -> None:
        stuck.signal_group(signal.SIGINT)
        wait_for(lambda: _answers(stuck), until=lambda up: not up)  # it began stopping
        stuck.signal_group(signal.SIGINT)

        exit_code, took = stuck.exits_within(GRACE + 5)

        assert exit_code == 1
        assert "stopped twice" in stuck.output
        assert took < GRACE / 2

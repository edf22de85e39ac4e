"""Ctrl-C in a terminal signals the whole foreground process group, not just `ticketing`."""

from __future__ import annotations

import signal

import pytest

from tests.processes.serving import Launcher
from tests.processes.test_serve_lifecycle import embedded_servers

pytestmark = pytest.mark.processes

DEADLINE = 20


class TestCtrlC:
    def test_the_embedded_servers_run_in_process_groups_of_their_own(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start()

        groups = {child.process_group for child in embedded_servers(serving)}

        assert serving.process.pid not in groups
        assert len(groups) == 2

    def test_sigint_to_the_whole_group_stops_everything_in_order_and_leaves_no_process(
        self, launcher: Launcher
    ) -> None:
        serving = launcher.start()
        children = embedded_servers(serving)

        serving.signal_group(signal.SIGINT)

        exit_code, _ = serving.exits_within(DEADLINE)
        assert exit_code == 0, serving.output
        assert [child for child in children if child.exists] == []
        assert "Traceback" not in serving.output
        assert not (launcher.workdir / "data" / "endpoints.json").exists()

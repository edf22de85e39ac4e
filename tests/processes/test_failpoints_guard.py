"""Failpoints crash a process on purpose: armed only with the test-only flag, and said so."""

from __future__ import annotations

import pytest

from tests.processes.serving import Launcher, free_port, run

pytestmark = pytest.mark.processes

FAILPOINT = "relay.after_publish"


class TestFailpointsGuard:
    def test_failpoints_without_the_test_only_flag_stop_start_up_naming_both_variables(
        self, launcher: Launcher
    ) -> None:
        result = run(
            launcher.workdir, "serve", "--port", str(free_port()), TICKETING_FAILPOINTS=FAILPOINT
        )

        assert result.returncode == 2, result.stderr
        assert "TICKETING_FAILPOINTS" in result.stderr
        assert "TICKETING_ALLOW_FAILPOINTS" in result.stderr
        assert "Traceback" not in result.stderr
        assert not (launcher.workdir / "data").exists()

    def test_armed_failpoints_are_logged_as_a_warning(self, launcher: Launcher) -> None:
        serving = launcher.start(
            TICKETING_FAILPOINTS="handler.none.nothing", TICKETING_ALLOW_FAILPOINTS="1"
        )

        assert "WARNING" in serving.output
        assert "failpoints armed" in serving.output
        assert "handler.none.nothing" in serving.output

    def test_the_flag_alone_arms_nothing_and_says_nothing(self, launcher: Launcher) -> None:
        serving = launcher.start(TICKETING_ALLOW_FAILPOINTS="1")

        assert "failpoints" not in serving.output

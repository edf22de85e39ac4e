"""Crashing `ticketing serve` as a power cut would: every process of it SIGKILLed at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from tests.processes.serving import (
    TICKETING,
    Child,
    Serving,
    children_of,
    environment,
    free_port,
)
from tests.support.waiting import wait_for


def start_in_own_session(workdir: Path, count: int, **settings: str) -> Serving:
    """`ticketing serve` leading a process group of its own, so killing it spares pytest."""
    port = free_port()
    log = workdir / f"serve-{count}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(TICKETING), "serve", "--port", str(port)],
            env=environment(workdir, **settings),
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    serving = Serving(process, port, log)
    wait_for(serving.answers, timeout=60)
    serving.children = children_of(process.pid)
    return serving


def kill_every_process_group(serving: Serving) -> None:
    """SIGKILL the group of `ticketing serve` and of each embedded server (they may lead their
    own), then wait until none of them runs, so the next start finds its files released."""
    pids = [serving.process.pid, *(child.pid for child in serving.children)]
    groups = {_group_of(pid) for pid in pids} - {None, os.getpgrp()}
    for group in groups:
        assert group is not None
        with contextlib.suppress(ProcessLookupError):  # it may have died meanwhile
            os.killpg(group, signal.SIGKILL)
    serving.process.wait(10)
    wait_for(lambda: [c for c in serving.children if c.alive], until=_nothing, timeout=30)


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _nothing(alive: list[Child]) -> bool:
    return not alive

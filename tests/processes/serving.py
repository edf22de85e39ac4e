"""`ticketing serve` as a real OS process: start on a free port, await HTTP, stop, inspect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.embedded.process import free_port
from tests.support.waiting import wait_for

TICKETING = Path(sys.executable).parent / "ticketing"


def environment(workdir: Path, **settings: str) -> dict[str, str]:
    """Our environment without anybody's TICKETING_* settings, plus a data dir of the test's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TICKETING_")}
    env.update(PYTHONUNBUFFERED="1", TICKETING_DATA_DIR=str(workdir / "data"))
    env.update(TICKETING_LOG_LEVEL="WARNING")
    # Every test client signs up from 127.0.0.1: no abuse limit in the way of the flows.
    env.update(
        TICKETING_SIGNUPS_PER_ADDRESS="100000", TICKETING_SIGNIN_FAILURES_PER_ADDRESS="100000"
    )
    env.update(settings)
    return env


def run(
    workdir: Path, *args: str, timeout: float = 30, **settings: str
) -> subprocess.CompletedProcess:
    """A `ticketing` command expected to finish by itself (refused start-ups)."""
    return subprocess.run(
        [str(TICKETING), *args],
        env=environment(workdir, **settings),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass(frozen=True)
class Child:
    """A process identified by pid and start time, so a recycled pid is not mistaken for it."""

    pid: int
    started: str
    name: str

    @classmethod
    def of(cls, pid: int) -> Child | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return None
        return cls(pid, stat.rsplit(")", 1)[1].split()[19], name)

    @property
    def alive(self) -> bool:
        """Running, not a zombie waiting for a parent that may never reap it."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return False
        return stat[19] == self.started and stat[0] not in ("Z", "X")

    def kill(self) -> None:
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)


def children_of(pid: int) -> list[Child]:
    """Direct children, from /proc/<pid>/task/*/children (each thread lists the ones it forked)."""
    pids: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids.update(int(child) for child in listing.read_text().split())
        except OSError:
            continue
    return [child for child in map(Child.of, sorted(pids)) if child is not None]


@dataclass
class Serving:
    """One `ticketing serve` process; its output goes to a file so a full pipe never blocks it."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    children: list[Child] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"ticketing exited with {self.process.returncode}:\n{self.output}")
        try:
            httpx.get(self.url + "/api/users/currentuser", timeout=1)
        except httpx.TransportError:
            return False
        return True

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Send the signal and wait for the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout)

    def kill(self) -> None:
        """Teardown: nothing of ours survives the test, whatever state it left things in."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for child in self.children:
            child.kill()


class Launcher:
    """Starts servers for one test and kills whatever is still running when the test ends."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.started: list[Serving] = []
        self._count = 0

    def start(self, *args: str, timeout: float = 60, **settings: str) -> Serving:
        """`ticketing serve` on a free port; returns once HTTP answers, its children known."""
        self._count += 1
        port = free_port()
        log = self.workdir / f"serve-{self._count}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(TICKETING), "serve", "--port", str(port), *args],
                env=environment(self.workdir, **settings),
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        serving = Serving(process, port, log)
        self.started.append(serving)
        wait_for(serving.answers, timeout=timeout)
        serving.children = children_of(process.pid)
        return serving

    def kill_all(self) -> None:
        for serving in self.started:
            serving.kill()
